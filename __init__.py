"""Border Gaps: a QGIS plugin for the unmonitored gap zones of the Iraq–Syria border.

QGIS calls :func:`classFactory`; everything heavy is imported lazily from there so
that the plugin manager can read the package without loading Qt widgets.
"""


def classFactory(iface):  # noqa: N802 (name required by QGIS)
    from .plugin import BorderGapsPlugin

    return BorderGapsPlugin(iface)
