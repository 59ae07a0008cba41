"""Reading incident dates as analysts' layers hold them: ACLED's export formats ("15 January 2024",
"15-01-2024", "2024-01-15"), other day-first and ISO forms, and date fields of GeoPackage or
PostGIS layers. A whole column is read at once, so that a numeric day/month order is decided
for the layer, not guessed value by value."""

import datetime
import re
from typing import Callable, List, Optional, Sequence, Tuple

from qgis.core import NULL

from .errors import BorderGapsError

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
FORMATS_HELP = "ACLED writes dates as '15 January 2024', '15-01-2024' or '2024-01-15'"

_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + "$")
_DAY_NAME_YEAR = re.compile(r"^(\d{1,2})[\s\-/.]+([A-Za-z]+)\.?[\s\-/.,]+(\d{4}|\d{2})$")
_NAME_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})" + _TIME + "$")


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # ACLED's Excel exports: 15-Jan-24
        year += 2000 if year < 70 else 1900
    return year


_NULL_TYPE = type(NULL)


def is_null(value) -> bool:
    """None, a null QVariant (how PyQGIS gives a NULL attribute) or blank text."""
    if value is None:
        return True
    kind = type(value)
    if kind is str:
        return not value.strip()
    return kind is _NULL_TYPE and value.isNull()


def _classify(value):
    """('date', date) | ('numeric', (a, b, year)) | ('bad', None) for one non-null value."""
    if isinstance(value, datetime.datetime):
        return "date", value.date()
    if isinstance(value, datetime.date):
        return "date", value
    if hasattr(value, "toPyDateTime") and hasattr(value, "date"):  # QDateTime
        return ("date", value.date().toPyDate()) if value.isValid() else ("bad", None)
    if hasattr(value, "toPyDate"):  # QDate
        return ("date", value.toPyDate()) if value.isValid() else ("bad", None)
    text = str(value).strip()
    try:
        match = _ISO.match(text)
        if match:
            return "date", datetime.date(int(match[1]), int(match[2]), int(match[3]))
        match = _DAY_NAME_YEAR.match(text)
        if match and match[2].lower() in MONTHS:
            return "date", datetime.date(_year(match[3]), MONTHS[match[2].lower()], int(match[1]))
        match = _NAME_DAY_YEAR.match(text)
        if match and match[1].lower() in MONTHS:
            return "date", datetime.date(int(match[3]), MONTHS[match[1].lower()], int(match[2]))
    except ValueError:
        return "bad", None
    match = _NUMERIC.match(text)
    if match:
        return "numeric", (int(match[1]), int(match[2]), int(match[3]))
    return "bad", None


def parse_dates(values: Sequence, label: Callable[[int], str], field: str) -> Tuple[List[Optional[datetime.date]], str]:
    """Dates of ``values`` (None for empty ones) and a note for the log on how numeric dates were
    read. A value that is not a date raises a BorderGapsError naming its row (``label(i)``).

    Numeric dates (15/01/2024, 15-01-2024) are day first, as ACLED writes them, unless the column
    holds one whose second number cannot be a month and none whose first cannot: then the whole
    column is month first (a US spreadsheet's re-save). A column with both is refused.
    """
    cache = {}
    kinds: List = [None] * len(values)
    day_first_only = month_first_only = None
    for i, value in enumerate(values):
        if is_null(value):
            continue
        key = value if isinstance(value, str) else None
        found = cache.get(key) if key is not None else None
        if found is None:
            found = _classify(value)
            if key is not None:
                cache[key] = found
        kind, parsed = found
        if kind == "bad":
            raise BorderGapsError(
                f"The date of {label(i)} is '{value}' in field '{field}', which is not a date: {FORMATS_HELP}. "
                "Correct the value, or choose the right date field in DATE_FIELD."
            )
        if kind == "numeric":
            a, b, _year_ = parsed
            if a > 12 and day_first_only is None:
                day_first_only = i
            if b > 12 and month_first_only is None:
                month_first_only = i
        kinds[i] = found
    if day_first_only is not None and month_first_only is not None:
        raise BorderGapsError(
            f"Field '{field}' mixes day-first dates ({label(day_first_only)}: '{values[day_first_only]}') and "
            f"month-first dates ({label(month_first_only)}: '{values[month_first_only]}'): write them one way, "
            "e.g. as 2024-01-15."
        )
    month_first = month_first_only is not None
    out: List[Optional[datetime.date]] = []
    numeric = 0
    for i, found in enumerate(kinds):
        if found is None:
            out.append(None)
            continue
        kind, parsed = found
        if kind == "date":
            out.append(parsed)
            continue
        numeric += 1
        a, b, year = parsed
        day, month = (b, a) if month_first else (a, b)
        try:
            out.append(datetime.date(year, month, day))
        except ValueError:
            raise BorderGapsError(
                f"The date of {label(i)} is '{values[i]}' in field '{field}', which is not a date "
                f"(read {'month' if month_first else 'day'} first): {FORMATS_HELP}."
            ) from None
    note = ""
    if numeric:
        note = (
            f"{numeric} date(s) of field '{field}' written as numbers were read month first (MM/DD/YYYY), "
            "as some hold a second number above 12."
            if month_first
            else f"{numeric} date(s) of field '{field}' written as numbers were read day first (DD-MM-YYYY), "
            "as ACLED writes them."
        )
    return out, note
