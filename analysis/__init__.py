"""Pure computations of Border Gaps, shared by the algorithms, the dock and the map export.

Nothing here imports Qt widgets; functions take and return QGIS core objects and numbers.
"""
