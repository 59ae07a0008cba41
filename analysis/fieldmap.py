"""Which field of a point layer or column of a table holds the name, Arabic name, side, status…: guessed
from the field names and remembered per layer source in QgsSettings.

One mapping for the dock (its *Fields…* dialog) and ``bordergaps:importsettlements``: a mapping the analyst
set in the dock is the one the import uses for the same layer.
"""

import hashlib
from dataclasses import dataclass, fields
from typing import Dict, Iterable, Optional

from qgis.core import QgsSettings

SETTINGS_GROUP = "BorderGaps/field_mapping"

# Field names tried, in order, for each role when a layer has no remembered mapping (lower-cased comparison).
CANDIDATES = {
    "name": ("name", "name_en", "name_latin", "asciiname", "label", "title", "nom", "village", "settlement"),
    "name_ar": ("name_ar", "arabic", "name_arabic", "ar_name", "arname", "alt_name_ar", "name_ara", "الاسم"),
    "side": ("side", "country", "iso", "iso2", "country_code", "cc", "countrycode"),
    "status": ("status", "state", "condition", "return_status", "returns", "الحالة"),
    "governorate": ("governorate", "province", "adm1", "admin1", "region", "muhafaza", "adm1_en"),
    "border_km": ("border_km", "dist_border", "border_dist", "distance_km"),
    "alt_names": ("alt_names", "alternatenames", "alternate_names", "aliases", "alt_name", "other_names"),
    "kind": ("kind", "type", "category", "feature_code", "fcode", "place"),
    "pair": ("pair", "opposite", "counterpart"),
    "status_date": ("status_date", "date", "updated"),
    "population": ("population", "pop", "inhabitants", "people"),
    "district": ("district", "qada", "adm2", "admin2", "adm2_en", "nahiya"),
    "source_id": ("source_id", "id", "pcode", "geonameid", "ufi", "osm_id", "code"),
}
# Coordinate columns of a table (CSV): longitude, latitude, or one WKT column.
X_CANDIDATES = ("lon", "long", "longitude", "lng", "x", "x_coord", "lon_dd", "long_dd", "longitude_dd", "easting")
Y_CANDIDATES = ("lat", "latitude", "y", "y_coord", "lat_dd", "latitude_dd", "northing")
WKT_CANDIDATES = ("wkt", "geometry", "geom", "the_geom", "wkt_geom", "shape")

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
    "population": "Population",
    "district": "District",
    "source_id": "Identifier",
}


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
    population: str = ""
    district: str = ""
    source_id: str = ""

    @classmethod
    def roles(cls):
        return [f.name for f in fields(cls)]

    def get(self, role: str) -> str:
        return getattr(self, role, "") or ""

    def as_dict(self) -> Dict[str, str]:
        return {role: self.get(role) for role in self.roles()}

    def valid_for_names(self, names: Iterable[str]) -> "FieldMapping":
        """The same mapping without the fields not among ``names``."""
        names = set(names)
        return FieldMapping(**{role: (value if value in names else "") for role, value in self.as_dict().items()})

    def valid_for(self, layer) -> "FieldMapping":
        """The same mapping without the fields the layer no longer has."""
        return self.valid_for_names(layer.fields().names())


def guess_field(names: Iterable[str], candidates: Iterable[str]) -> str:
    """The first of ``candidates`` among ``names`` (case ignored), as the name is spelt; "" if none."""
    by_lower = {}
    for name in names:
        by_lower.setdefault(str(name).strip().lower(), name)
    for candidate in candidates:
        if candidate.lower() in by_lower:
            return by_lower[candidate.lower()]
    return ""


def guess_mapping_for_names(names: Iterable[str]) -> FieldMapping:
    names = list(names)
    mapping = FieldMapping()
    for role, candidates in CANDIDATES.items():
        setattr(mapping, role, guess_field(names, candidates))
    return mapping


def guess_mapping(layer) -> FieldMapping:
    """A mapping from the layer's field names (``name``, ``name_ar``, ``side``, ... as in the bundled layers)."""
    return guess_mapping_for_names(layer.fields().names())


def _settings_key(layer) -> str:
    # Sources hold '/' and ':' that QgsSettings would read as groups: key by a digest of provider and source.
    # usedforsecurity=False: a settings key, not a secret (the same digest as before, so nothing remembered is lost).
    digest = hashlib.sha1(f"{layer.providerType()}|{layer.source()}".encode(), usedforsecurity=False).hexdigest()[:20]
    return f"{SETTINGS_GROUP}/{digest}"


def remembered_mapping(layer) -> Optional[FieldMapping]:
    """The mapping remembered for this layer's source, or None."""
    settings = QgsSettings()
    key = _settings_key(layer)
    if not settings.contains(f"{key}/source"):
        return None
    stored = {role: settings.value(f"{key}/{role}", "", type=str) for role in FieldMapping.roles()}
    return FieldMapping(**stored).valid_for(layer)


def load_mapping(layer) -> FieldMapping:
    """The mapping remembered for this layer's source, else the guessed one; a role added since the
    mapping was saved is guessed."""
    remembered = remembered_mapping(layer)
    if remembered is None:
        return guess_mapping(layer)
    settings = QgsSettings()
    key = _settings_key(layer)
    guessed = guess_mapping(layer)
    for role in FieldMapping.roles():
        if not settings.contains(f"{key}/{role}"):
            setattr(remembered, role, guessed.get(role))
    return remembered


def save_mapping(layer, mapping: FieldMapping) -> None:
    settings = QgsSettings()
    key = _settings_key(layer)
    settings.setValue(f"{key}/source", layer.source())  # readable in the ini file; also marks "remembered"
    for role, value in mapping.as_dict().items():
        settings.setValue(f"{key}/{role}", value)
