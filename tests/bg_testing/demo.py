"""The bundled demo scenario's gap zones (as `make demo` makes them), for the map and atlas tests."""

import os

from qgis.core import QgsProcessingFeedback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "resources", "data")
SCENARIO = os.path.join(DATA, "demo_scenario.gpkg")
REGION = os.path.join(DATA, "border_region.gpkg")


def layer_uri(path, name):
    return f"{path}|layername={name}|option:IMMUTABLE=YES"


def demo_gaps(folder):
    """Runs bordergaps:gapzones on the demo scenario with the demo's parameters; the gap file's path."""
    from qgis import processing

    out = os.path.join(str(folder), "gaps.gpkg")
    processing.run(
        "bordergaps:gapzones",
        {
            "CONTROL_AREAS": layer_uri(SCENARIO, "control_areas"),
            "FORCE_FIELD": "force",
            "FORCE_A": "Peshmerga",
            "FORCE_B": "ISF",
            "COVERAGE": [layer_uri(SCENARIO, "coverage")],
            "POSTS": layer_uri(SCENARIO, "posts"),
            "RANGE_FIELD": "range_m",
            "DEFAULT_RANGE": 3000,
            "SEAM_DISTANCE": 5000,
            "MODE": 0,
            "MIN_AREA": 100000,
            "SETTLEMENTS": layer_uri(REGION, "settlements"),
            "BORDER": layer_uri(REGION, "border"),
            "OUTPUT": out,
        },
        feedback=QgsProcessingFeedback(),
    )
    return out


def demo_map_parameters(gaps_path, page=0):
    """exportmap/exportatlas parameters of the demo's briefing map."""
    return {
        "GAPS": gaps_path,
        "EXTRA_LAYERS": [layer_uri(SCENARIO, n) for n in ("posts", "coverage", "control_areas")],
        "TITLE": "Unmonitored gap zones between Peshmerga and ISF: Sinjar – Rabia – Zumar",
        "SUBTITLE": "Seam 5 km either side of the two forces' districts, minus post and patrol coverage. "
        "DEMO: synthetic positions.",
        "PAGE": page,
        "SORT_KEY": 0,
        "DPI": 60,
        "INCLUDE_BORDER_REGION": True,
    }
