"""Registering the Border Gaps provider in Processing for tests, and taking it away."""

from qgis.core import QgsApplication

_KEEP = []  # the registered provider's Python object stays alive while registered


def ensure_provider():
    """The registered Border Gaps provider, registering one if there is none."""
    from border_gaps.processing.provider import BorderGapsProvider

    registry = QgsApplication.processingRegistry()
    provider = registry.providerById("bordergaps")
    if provider is None:
        provider = BorderGapsProvider()
        assert registry.addProvider(provider)
        _KEEP[:] = [provider]
    return provider


def remove_provider():
    """Unregister (and so delete) any Border Gaps provider; ensure_provider makes a new one."""
    registry = QgsApplication.processingRegistry()
    if registry.providerById("bordergaps") is not None:
        registry.removeProvider("bordergaps")
    _KEEP.clear()
