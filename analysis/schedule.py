"""When a post or a sensor watches: times of day (``HH:MM`` or hours), windows past midnight,
day and night sensors, as boolean masks over the 1,440 minutes of a day."""

import math
import re
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np
from qgis.core import NULL

from .errors import BorderGapsError

MINUTES = 24 * 60
SENSORS = ("day", "night", "any")
#: Words taken for each sensor kind (compared without regard to case); empty is ``any``.
SENSOR_WORDS = {
    "day": ("day", "daylight", "optical", "visual"),
    "night": ("night", "thermal", "ir", "infrared", "night vision"),
    "any": ("any", "all", "both", "24h", "always"),
}
_WORD_TO_SENSOR = {w: kind for kind, words in SENSOR_WORDS.items() for w in words}
_HHMM = re.compile(r"^\s*(\d{1,2})\s*[:h.]\s*(\d{2})(?:\s*:\s*(\d{2}))?\s*$")


def is_empty(value) -> bool:
    return value is None or value == NULL or (isinstance(value, str) and not value.strip())


def parse_time(value) -> Optional[int]:
    """Minutes after midnight (0–1440) of ``HH:MM``, ``HH:MM:SS``, ``HHMM``, hours (``18``,
    ``6.5``) or a QTime/QDateTime; None for an empty value. Raises ValueError otherwise.
    Times are taken to the minute."""
    if is_empty(value):
        return None
    if hasattr(value, "hour") and hasattr(value, "minute") and callable(value.hour):  # QTime
        return value.hour() * 60 + value.minute()
    if hasattr(value, "time") and callable(value.time) and hasattr(value.time(), "hour"):  # QDateTime
        return parse_time(value.time())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        hours = float(value)
    else:
        text = str(value).strip()
        match = _HHMM.match(text)
        if match:
            h, m = int(match.group(1)), int(match.group(2))
            if m >= 60 or (h == 24 and m) or h > 24:
                raise ValueError(text)
            return h * 60 + m
        if re.fullmatch(r"\d{3,4}", text):  # 0600, 1830
            h, m = int(text[:-2]), int(text[-2:])
            if m >= 60 or h > 24 or (h == 24 and m):
                raise ValueError(text)
            return h * 60 + m
        try:
            hours = float(text.replace(",", "."))
        except ValueError:
            raise ValueError(text) from None
    if not math.isfinite(hours) or hours < 0 or hours > 24:
        raise ValueError(str(value))
    return int(round(hours * 60))


def parse_sensor(value) -> str:
    """``day``, ``night`` or ``any`` (empty values are ``any``). Raises ValueError otherwise."""
    if is_empty(value):
        return "any"
    kind = _WORD_TO_SENSOR.get(str(value).strip().casefold())
    if kind is None:
        raise ValueError(str(value))
    return kind


def window_mask(start: Optional[int], end: Optional[int]) -> np.ndarray:
    """Minutes of the window [start, end) as a bool array; it runs past midnight when end < start
    (18:00–06:00); start == end (06:00–06:00, 00:00–24:00) is the whole day, as is no window."""
    mask = np.zeros(MINUTES, dtype=bool)
    if start is None or end is None:
        mask[:] = True
        return mask
    start, end = start % MINUTES, end if end == MINUTES else end % MINUTES
    if start == end % MINUTES:
        mask[:] = True
    elif start < end:
        mask[start:end] = True
    else:
        mask[start:] = True
        mask[:end] = True
    return mask


def sensor_mask(kind: str, day: np.ndarray) -> np.ndarray:
    """When a sensor of ``kind`` sees: day sensors in daylight only, night sensors at night only."""
    if kind == "day":
        return day
    if kind == "night":
        return ~day
    return np.ones(MINUTES, dtype=bool)


@dataclass(frozen=True)
class Slice:
    start: int  # minutes after midnight
    end: int

    @property
    def label(self) -> str:
        return f"{clock(self.start)}–{clock(self.end)}"


def day_slices(step_min: int) -> List[Slice]:
    """The day cut every ``step_min`` minutes from 00:00; the last slice ends at 24:00."""
    if step_min is None or step_min < 1 or step_min > MINUTES:
        raise BorderGapsError(f"TIME_STEP_MIN must be 1 to 1440 minutes (got {step_min}).")
    return [Slice(a, min(a + step_min, MINUTES)) for a in range(0, MINUTES, step_min)]


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def windows_text(mask: np.ndarray) -> str:
    """'00:00–05:00, 19:00–24:00' for the runs of True minutes of a day ('' when none)."""
    runs = minute_runs(mask)
    return ", ".join(f"{clock(a)}–{clock(b)}" for a, b in runs)


def minute_runs(mask: np.ndarray) -> List[Tuple[int, int]]:
    padded = np.concatenate(([False], np.asarray(mask, dtype=bool), [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2])]


def daylight(day_start: str, day_end: str) -> np.ndarray:
    """The daylight minutes from DAY_START to DAY_END (checked, with a sentence on error)."""
    values = []
    for key, text in (("DAY_START", day_start), ("DAY_END", day_end)):
        try:
            minutes = parse_time(text)
        except ValueError:
            minutes = None
        if minutes is None:
            raise BorderGapsError(f"{key} '{text}' is not a time of day: use HH:MM, e.g. 06:00 or 18:00.")
        values.append(minutes)
    if values[0] % MINUTES == values[1] % MINUTES:
        raise BorderGapsError(
            f"DAY_START and DAY_END are the same time ({day_start}): daylight must start and end at different times."
        )
    return window_mask(values[0], values[1])


def schedule_mask(
    start_value, end_value, sensor_value, day: np.ndarray, where: str, fields: Sequence[str]
) -> np.ndarray:
    """The minutes a source watches, from its raw field values; ``where`` names the feature and
    ``fields`` the three field names, for the error sentence."""
    parsed = []
    for value, field in ((start_value, fields[0]), (end_value, fields[1])):
        try:
            parsed.append(parse_time(value))
        except ValueError:
            raise BorderGapsError(
                f"{where}: field '{field}' holds '{value}', which is not a time of day. Use HH:MM (e.g. 06:00, "
                "18:30) or hours from 0 to 24 (e.g. 6, 18.5); leave both window fields empty for always active."
            ) from None
    if (parsed[0] is None) != (parsed[1] is None):
        given, missing = (fields[0], fields[1]) if parsed[0] is not None else (fields[1], fields[0])
        raise BorderGapsError(
            f"{where}: field '{given}' has a time but '{missing}' is empty. Give both ends of the window, or "
            "leave both empty for always active."
        )
    try:
        kind = parse_sensor(sensor_value)
    except ValueError:
        raise BorderGapsError(
            f"{where}: field '{fields[2]}' holds '{sensor_value}', which is not a sensor kind. Use day, night "
            "(thermal) or any."
        ) from None
    return window_mask(parsed[0], parsed[1]) & sensor_mask(kind, day)
