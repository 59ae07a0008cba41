"""The ``bordergaps`` Processing provider: registers every Border Gaps algorithm."""

import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

ICON = os.path.join(os.path.dirname(os.path.dirname(__file__)), "resources", "icons", "border_gaps.svg")


def algorithm_classes():
    """The algorithm classes, imported here so that loading the plugin stays cheap."""
    classes = []
    from .gapzones import GapZonesAlgorithm
    from .seamzones import SeamZonesAlgorithm

    classes += [SeamZonesAlgorithm, GapZonesAlgorithm]
    from .exportmap import ExportMapAlgorithm

    classes.append(ExportMapAlgorithm)
    from .corridors import CorridorsAlgorithm

    classes.append(CorridorsAlgorithm)
    from .postcoverage import PostCoverageAlgorithm

    classes.append(PostCoverageAlgorithm)
    from .siteposts import SitePostsAlgorithm

    classes.append(SitePostsAlgorithm)
    from .borderbands import BorderBandsAlgorithm

    classes.append(BorderBandsAlgorithm)
    return classes


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
