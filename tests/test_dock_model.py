"""The dock's table model on its own: reading, search, filters, sort, edits."""

import pytest
from qgis.PyQt.QtCore import Qt

from bg_testing.dock import fid_of, settlements_layer
from border_gaps.ui.field_mapping import guess_mapping
from border_gaps.ui.models import VILLAGE_COLUMNS, FeatureTableModel, read_records, side_code

BORDER_KM = [role for role, _ in VILLAGE_COLUMNS].index("border_km")


@pytest.fixture
def layer(qgis_app):
    return settlements_layer()


@pytest.fixture
def model(layer):
    model = FeatureTableModel(VILLAGE_COLUMNS)
    model.set_records(read_records(layer, layer.fields(), guess_mapping(layer), model.roles))
    return model


def names(model):
    return [model.value(row, "name") for row in range(model.visible_count())]


def test_reads_every_feature_with_its_attributes(model, layer):
    assert model.total_count() == model.visible_count() == layer.featureCount() == 8
    assert model.rowCount() == 8 and model.columnCount() == len(VILLAGE_COLUMNS)
    row = model.row_of_fid(fid_of(layer, "Abu Kamal"))
    assert model.data(model.index(row, 1)) == "البوكمال"
    assert model.data(model.index(row, BORDER_KM)) == "1.5"
    nameless = model.row_of_fid(fid_of(layer, "Nameless"))
    assert model.data(model.index(nameless, 1)) == ""  # NULL shows empty, not "NULL"


@pytest.mark.parametrize("query", ["Ba'aj", "Baaj", "Al-Ba`aj", "البعاج", "البَعّاج", "BAAJ"])
def test_search_finds_baaj_whatever_the_spelling(model, query):
    model.set_search(query)
    assert names(model) == ["Al-Ba'aj"]


def test_search_by_alternate_name_and_narrowing(model):
    model.set_search("Shingal")
    assert names(model) == ["Sinjar"]
    model.set_search("h")
    assert set(names(model)) >= {"Al-Hawl", "Al-Qa'im"}  # Husaybah is an alternate name of Al-Qa'im
    model.set_search("hu")
    assert names(model) == ["Al-Qa'im"]
    model.set_search("")
    assert model.visible_count() == 8


def test_filters_side_governorate_status_distance(model):
    model.set_filters(side="SY")
    assert set(names(model)) == {"Abu Kamal", "Al-Hawl", "Tall Safuk"}
    model.set_filters(governorate="Ninawa")
    assert set(names(model)) == {"Al-Ba'aj", "Sinjar", "Rabia"}
    model.set_filters(status="abandoned")
    assert set(names(model)) == {"Rabia", "Tall Safuk"}
    model.set_filters(max_border_km=3.0)
    assert set(names(model)) == {"Rabia", "Al-Qa'im", "Abu Kamal"}  # NULL distance never passes
    model.set_filters(side="IQ", max_border_km=3.0)
    assert set(names(model)) == {"Rabia", "Al-Qa'im"}
    model.set_inside_fids([model.records.fids[0]])
    assert model.visible_count() == 0
    model.set_filters()
    assert names(model) == ["Al-Ba'aj"]
    model.set_inside_fids(None)
    assert model.visible_count() == 8


def test_sort_by_text_and_number_columns(model):
    model.sort(0, Qt.SortOrder.AscendingOrder)
    assert names(model)[:3] == ["Abu Kamal", "Al-Ba'aj", "Al-Hawl"]
    model.sort(BORDER_KM, Qt.SortOrder.DescendingOrder)  # border km; NULL sorts as largest
    assert names(model)[:3] == ["Nameless", "Sinjar", "Al-Ba'aj"]
    model.set_filters(side="SY")
    assert names(model) == ["Al-Hawl", "Tall Safuk", "Abu Kamal"]  # the sort survives filtering


def test_edits_upsert_and_remove(model, layer):
    fid = fid_of(layer, "Sinjar")
    model.remove_fids([fid])
    assert model.total_count() == 7 and model.row_of_fid(fid) is None
    layer.dataProvider().changeAttributeValues({fid: {0: "Shingal town"}})
    model.upsert(read_records(layer, layer.fields(), guess_mapping(layer), model.roles, fids=[fid]))
    assert model.total_count() == 8
    model.set_search("shingal town")
    assert names(model) == ["Shingal town"]


def test_side_codes():
    assert [side_code(v) for v in ("IQ", "Iraq", "IRQ", "العراق", "SY", "Syria", "سوريا", "", None, "TR")] == [
        "IQ",
        "IQ",
        "IQ",
        "IQ",
        "SY",
        "SY",
        "SY",
        "",
        "",
        "",
    ]


def _write_gpkg(layer, path):
    from qgis.core import QgsCoordinateTransformContext, QgsVectorFileWriter, QgsVectorLayer

    options = QgsVectorFileWriter.SaveVectorOptions()
    options.driverName = "GPKG"
    options.layerName = "villages"
    error = QgsVectorFileWriter.writeAsVectorFormatV3(layer, path, QgsCoordinateTransformContext(), options)
    assert error[0] == QgsVectorFileWriter.WriterError.NoError, error
    return QgsVectorLayer(f"{path}|layername=villages", "villages", "ogr")


def test_file_layer_read_from_gdal_columns_equals_the_qgis_read(layer, tmp_path):
    from border_gaps.ui.models import OgrColumnReader, read_layer_records

    gpkg = _write_gpkg(layer, str(tmp_path / "villages.gpkg"))
    roles = FeatureTableModel(VILLAGE_COLUMNS).roles
    mapping = guess_mapping(gpkg)
    reader = OgrColumnReader.for_layer(gpkg, mapping, roles)
    assert reader is not None
    fast = reader.read()
    slow = read_records(gpkg, gpkg.fields(), mapping, roles)
    assert fast is not None and len(fast) == 8
    assert (fast.fids, fast.keys, fast.values) == (slow.fids, slow.keys, slow.values)
    assert fast.values["name_ar"].count(None) == 1  # NULL stays None, Arabic intact
    assert "البوكمال" in fast.values["name_ar"]

    gpkg.setSubsetString("side = 'SY'")
    subset = read_layer_records(gpkg, mapping, roles)
    assert sorted(subset.values["name"]) == ["Abu Kamal", "Al-Hawl", "Tall Safuk"]
    gpkg.setSubsetString("")

    assert gpkg.startEditing()  # unsaved edits live only in QGIS: read through QGIS then
    assert OgrColumnReader.for_layer(gpkg, mapping, roles) is None
    gpkg.rollBack()
