"""Processing provider and algorithms of Border Gaps (thin adapters over analysis/)."""
