"""The dialog in which the analyst says which field of a point layer holds the name, Arabic name, side, status…;
the mapping is guessed and remembered per layer source by analysis/fieldmap.py."""

from typing import Optional

from qgis.core import QgsVectorLayer
from qgis.gui import QgsFieldComboBox
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

# The mapping itself lives in analysis/fieldmap.py, shared with bordergaps:importsettlements.
from ..analysis.fieldmap import (  # noqa: F401 (re-exported for the dock and its tests)
    ROLE_LABELS,
    SETTINGS_GROUP,
    FieldMapping,
    guess_mapping,
    load_mapping,
    save_mapping,
)


def tr(text: str) -> str:
    return QCoreApplication.translate("BorderGaps", text)


class FieldMappingDialog(QDialog):
    """One field combo box per role; OK remembers the choice for the layer's source."""

    def __init__(self, layer: QgsVectorLayer, mapping: Optional[FieldMapping] = None, roles=None, parent=None):
        super().__init__(parent)
        self.layer = layer
        self.setObjectName("BorderGapsFieldMappingDialog")
        self.setWindowTitle(tr("Fields of {}").format(layer.name()))
        mapping = mapping or load_mapping(layer)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("Which field holds each value? Leave a role empty if the layer has none.")))
        form = QFormLayout()
        self.combos = {}
        for role in roles or FieldMapping.roles():
            combo = QgsFieldComboBox(self)
            combo.setObjectName(f"field_{role}")
            combo.setAllowEmptyFieldName(True)
            combo.setLayer(layer)
            combo.setField(mapping.get(role))
            self.combos[role] = combo
            form.addRow(tr(ROLE_LABELS[role]), combo)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def mapping(self) -> FieldMapping:
        mapping = load_mapping(self.layer)
        for role, combo in self.combos.items():
            setattr(mapping, role, combo.currentField() or "")
        return mapping

    def accept(self):
        save_mapping(self.layer, self.mapping())
        super().accept()
