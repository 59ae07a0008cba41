"""Helpers shared by the Border Gaps tests (imported as ``bg_testing``)."""
