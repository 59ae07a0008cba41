"""The ``bordergaps`` Processing provider: registers every Border Gaps algorithm."""

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
    ("importsettlements", "ImportSettlementsAlgorithm"),
    ("gaptimeline", "GapTimelineAlgorithm"),
    ("controlchange", "ControlChangeAlgorithm"),
    ("coordination", "CoordinationAlgorithm"),
    ("dronesorties", "DroneSortiesAlgorithm"),
    ("incidents", "IncidentsAlgorithm"),
)


def algorithm_classes():
    """The algorithm classes, in the order of ``ALGORITHMS``."""
    package = __name__.rsplit(".", 1)[0]
    # __import__, not importlib.import_module: QGIS's plugin loader sees (and on unload removes) only
    # modules imported through __import__; otherwise an updated plugin would keep running the old
    # algorithm modules until QGIS restarts.
    return [getattr(__import__(f"{package}.{module}", fromlist=[cls]), cls) for module, cls in ALGORITHMS]


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
