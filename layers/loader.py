"""Adds the bundled border-region layers to a project in one "Border region" group, once."""

from typing import Optional

from qgis.core import (
    QgsCoordinateTransform,
    QgsLayerTreeGroup,
    QgsLayerTreeLayer,
    QgsProject,
)
from qgis.PyQt import sip
from qgis.PyQt.QtCore import QTimer

from . import catalogue

ZOOM_MARGIN = 0.08  # fraction of the border's extent added around it when zooming


def find_group(project: QgsProject) -> Optional[QgsLayerTreeGroup]:
    """The project's top-level "Border region" group, if any."""
    return project.layerTreeRoot().findGroup(catalogue.GROUP_NAME)


def _catalogue_name(node: QgsLayerTreeLayer) -> Optional[str]:
    layer = node.layer()
    return layer.customProperty(catalogue.LAYER_PROPERTY) if layer is not None else None


def add_border_region_layers(project: QgsProject, canvas=None) -> QgsLayerTreeGroup:
    """Add the styled bundled layers in a "Border region" group at the top of the layer tree.

    Layers already in the group (by catalogue name) are not added again, so a second call
    adds nothing; a layer the user removed is put back in its place. Points are drawn on top,
    then the border, the bands, governorates and countries. With ``canvas``, zooms to the border.
    """
    root = project.layerTreeRoot()
    group = find_group(project)
    if group is None:
        group = root.insertGroup(0, catalogue.GROUP_NAME)
    present = {_catalogue_name(node) for node in group.findLayers()}
    border_layer = None
    for item in sorted(catalogue.BUNDLED, key=lambda e: e.order):
        if item.name in present:
            if item.name == "border":
                border_layer = next(n.layer() for n in group.findLayers() if _catalogue_name(n) == "border")
            continue
        layer = catalogue.bundled_layer(item.name)
        project.addMapLayer(layer, False)
        group.insertLayer(_insert_index(group, item.order), layer)
        if item.name == "border":
            border_layer = layer
    if canvas is not None and border_layer is not None:
        zoom_to_layer(canvas, border_layer, project)
        # Once the first layers of an empty project reach the canvas, QGIS's layer-tree bridge
        # zooms to the full extent (all countries) on the next event-loop turn: zoom again after it.
        QTimer.singleShot(0, lambda: _zoom_if_alive(canvas, border_layer, project))
    return group


def _zoom_if_alive(canvas, layer, project: QgsProject) -> None:
    if not sip.isdeleted(canvas) and not sip.isdeleted(layer) and layer.isValid():
        zoom_to_layer(canvas, layer, project)


def _insert_index(group: QgsLayerTreeGroup, order: int) -> int:
    """Where a layer of drawing ``order`` goes among the catalogue layers already in the group."""
    orders = {item.name: item.order for item in catalogue.BUNDLED}
    for index, child in enumerate(group.children()):
        if isinstance(child, QgsLayerTreeLayer) and orders.get(_catalogue_name(child), -1) > order:
            return index
    return len(group.children())


def zoom_to_layer(canvas, layer, project: QgsProject) -> None:
    """Zoom ``canvas`` to ``layer``'s extent with a margin, in the canvas's CRS."""
    extent = layer.extent()
    dest = canvas.mapSettings().destinationCrs()
    if dest.isValid() and dest != layer.crs():
        extent = QgsCoordinateTransform(layer.crs(), dest, project.transformContext()).transformBoundingBox(extent)
    extent.scale(1.0 + 2 * ZOOM_MARGIN)
    canvas.setExtent(extent)
    canvas.refresh()
