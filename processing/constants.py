"""Constants shared by the provider and every algorithm (kept apart so that the base class
does not import the provider, which imports every algorithm)."""

import os

ICON = os.path.join(os.path.dirname(os.path.dirname(__file__)), "resources", "icons", "border_gaps.svg")

# Processing group ids -> display names (translated where they are shown).
GROUPS = {
    "gaps": "Gap analysis",
    "coverage": "Coverage",
    "coordination": "Coordination",
    "corridors": "Corridors",
    "region": "Border region",
    "maps": "Maps",
}
