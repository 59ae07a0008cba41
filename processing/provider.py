"""The ``bordergaps`` Processing provider: registers every Border Gaps algorithm."""

import importlib

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .constants import ICON

# (module, class) of every algorithm, one line each: imported when the provider loads them,
# so that loading the plugin stays cheap.
ALGORITHMS = (
    ("seamzones", "SeamZonesAlgorithm"),
    ("gapzones", "GapZonesAlgorithm"),
    ("exportmap", "ExportMapAlgorithm"),
    ("corridors", "CorridorsAlgorithm"),
    ("postcoverage", "PostCoverageAlgorithm"),
    ("siteposts", "SitePostsAlgorithm"),
    ("borderbands", "BorderBandsAlgorithm"),
    ("gaptimeline", "GapTimelineAlgorithm"),
    ("controlchange", "ControlChangeAlgorithm"),
    ("exportatlas", "ExportAtlasAlgorithm"),
    ("exportfield", "ExportFieldAlgorithm"),
)


def algorithm_classes():
    """The algorithm classes, in the order of ``ALGORITHMS``."""
    package = __name__.rsplit(".", 1)[0]
    return [getattr(importlib.import_module(f"{package}.{module}"), cls) for module, cls in ALGORITHMS]


class BorderGapsProvider(QgsProcessingProvider):
    def id(self):
        return "bordergaps"

    def name(self):
        return "Border Gaps"

    def longName(self):  # noqa: N802 (QGIS API name)
        return "Border Gaps: unmonitored gap zones on the Iraq–Syria border"

    def icon(self):
        return QIcon(ICON)

    def svgIconPath(self):  # noqa: N802 (QGIS API name)
        return ICON

    def loadAlgorithms(self):  # noqa: N802 (QGIS API name)
        for cls in algorithm_classes():
            self.addAlgorithm(cls())
