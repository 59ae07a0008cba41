"""What every Border Gaps algorithm shares: groups, help, icon, and turning our errors
into ``QgsProcessingException`` with a sentence the analyst can act on."""

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from ..analysis.errors import BorderGapsError
from .provider import ICON

GROUPS = {
    "gaps": "Gap analysis",
    "coverage": "Coverage",
    "corridors": "Corridors",
    "region": "Border region",
    "maps": "Maps",
}


class BorderGapsAlgorithm(QgsProcessingAlgorithm):
    """Base class: subclasses set ``ID``, ``DISPLAY_NAME``, ``GROUP_ID`` and ``HELP`` and
    implement ``initAlgorithm`` and ``run(parameters, context, feedback)``."""

    ID = ""
    DISPLAY_NAME = ""
    GROUP_ID = ""
    HELP = ""

    @staticmethod
    def tr(text):
        return QCoreApplication.translate("BorderGaps", text)

    def name(self):
        return self.ID

    def displayName(self):  # noqa: N802 (QGIS API name)
        return self.tr(self.DISPLAY_NAME)

    def group(self):
        return self.tr(GROUPS[self.GROUP_ID])

    def groupId(self):  # noqa: N802 (QGIS API name)
        return self.GROUP_ID

    def shortHelpString(self):  # noqa: N802 (QGIS API name)
        return self.tr(self.HELP)

    def icon(self):
        return QIcon(ICON)

    def createInstance(self):  # noqa: N802 (QGIS API name)
        return type(self)()

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API name)
        try:
            return self.run(parameters, context, feedback)
        except BorderGapsError as err:
            if err.details:
                feedback.pushDebugInfo(err.details)
            raise QgsProcessingException(err.message) from err

    def run(self, parameters, context, feedback):
        raise NotImplementedError
