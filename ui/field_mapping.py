"""Which field of a point layer holds the name, Arabic name, side, status...: guessed from field names, edited in a
small dialog, and remembered per layer source in QgsSettings."""

import hashlib
from dataclasses import dataclass, fields
from typing import Dict, Optional

from qgis.core import QgsSettings, QgsVectorLayer
from qgis.gui import QgsFieldComboBox
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

SETTINGS_GROUP = "BorderGaps/field_mapping"

# Field names tried, in order, for each role when a layer has no remembered mapping (lower-cased comparison).
_CANDIDATES = {
    "name": ("name", "name_en", "name_latin", "asciiname", "label", "title", "nom"),
    "name_ar": ("name_ar", "arabic", "name_arabic", "ar_name", "arname", "alt_name_ar"),
    "side": ("side", "country", "iso", "iso2", "country_code", "cc"),
    "status": ("status", "state", "condition"),
    "governorate": ("governorate", "province", "adm1", "admin1", "region", "muhafaza"),
    "border_km": ("border_km", "dist_border", "border_dist", "distance_km"),
    "alt_names": ("alt_names", "alternatenames", "alternate_names", "aliases"),
    "kind": ("kind", "type", "category"),
    "pair": ("pair", "opposite", "counterpart"),
    "status_date": ("status_date", "date", "updated"),
}

ROLE_LABELS = {
    "name": "Name",
    "name_ar": "Arabic name",
    "side": "Side (IQ/SY)",
    "status": "Status",
    "governorate": "Governorate",
    "border_km": "Distance to border (km)",
    "alt_names": "Alternate names (';'-separated)",
    "kind": "Kind",
    "pair": "Pair (opposite crossing)",
    "status_date": "Status date",
}


def tr(text: str) -> str:
    return QCoreApplication.translate("BorderGaps", text)


@dataclass
class FieldMapping:
    """Field name for each role, or "" when the layer has none."""

    name: str = ""
    name_ar: str = ""
    side: str = ""
    status: str = ""
    governorate: str = ""
    border_km: str = ""
    alt_names: str = ""
    kind: str = ""
    pair: str = ""
    status_date: str = ""

    @classmethod
    def roles(cls):
        return [f.name for f in fields(cls)]

    def get(self, role: str) -> str:
        return getattr(self, role, "") or ""

    def as_dict(self) -> Dict[str, str]:
        return {role: self.get(role) for role in self.roles()}

    def valid_for(self, layer: QgsVectorLayer) -> "FieldMapping":
        """The same mapping without the fields the layer no longer has."""
        names = set(layer.fields().names())
        return FieldMapping(**{role: (value if value in names else "") for role, value in self.as_dict().items()})


def guess_mapping(layer: QgsVectorLayer) -> FieldMapping:
    """A mapping from the layer's field names (``name``, ``name_ar``, ``side``, ... as in the bundled layers)."""
    by_lower = {name.lower(): name for name in layer.fields().names()}
    mapping = FieldMapping()
    for role, candidates in _CANDIDATES.items():
        for candidate in candidates:
            if candidate in by_lower:
                setattr(mapping, role, by_lower[candidate])
                break
    return mapping


def _settings_key(layer: QgsVectorLayer) -> str:
    # Sources hold '/' and ':' that QgsSettings would read as groups: key by a digest of provider and source.
    # usedforsecurity=False: a settings key, not a secret (the same digest as before, so nothing remembered is lost).
    digest = hashlib.sha1(f"{layer.providerType()}|{layer.source()}".encode(), usedforsecurity=False).hexdigest()[:20]
    return f"{SETTINGS_GROUP}/{digest}"


def load_mapping(layer: QgsVectorLayer) -> FieldMapping:
    """The mapping remembered for this layer's source, else the guessed one."""
    settings = QgsSettings()
    key = _settings_key(layer)
    if settings.contains(f"{key}/source"):
        stored = {role: settings.value(f"{key}/{role}", "", type=str) for role in FieldMapping.roles()}
        return FieldMapping(**stored).valid_for(layer)
    return guess_mapping(layer)


def save_mapping(layer: QgsVectorLayer, mapping: FieldMapping) -> None:
    settings = QgsSettings()
    key = _settings_key(layer)
    settings.setValue(f"{key}/source", layer.source())  # readable in the ini file; also marks "remembered"
    for role, value in mapping.as_dict().items():
        settings.setValue(f"{key}/{role}", value)


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
