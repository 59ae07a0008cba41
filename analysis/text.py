"""Place-name normalisation for search: case-, accent- and diacritic-insensitive, in Latin and Arabic script,
so that "Ba'aj", "Baaj", "Al-Ba`aj" and "البعاج" / "البَعّاج" each find the same place.

Names are normalised in bulk (:func:`search_keys`): one numpy pass over the code points of all names at once,
so 100,000 features take a fraction of a second. A query goes through the same code, so both always agree.
"""

import re
import unicodedata
from typing import Iterable, List, Optional, Sequence

import numpy as np

KEY_SEPARATOR = "\x1f"
_ROW_SEPARATOR = "\n"

# Apostrophe-like marks used for ʿayn/hamza in transliterations: dropped, never a word break.
_APOSTROPHES = "'`´‘’ʼʻʽʾʿˈ′"
# Arabic letters folded to one form: alef variants, alef maqsura, ta marbuta, hamza carriers, Persian kaf/yeh;
# Latin letters that NFKD does not decompose (one letter each: doubled letters are collapsed anyway).
_FOLD = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ى": "ي",
    "ی": "ي",
    "ئ": "ي",
    "ؤ": "و",
    "ة": "ه",
    "ک": "ك",
    "ß": "s",
    "æ": "a",
    "œ": "o",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "t",
    "ı": "i",
    "ħ": "h",
}
# Dropped without a word break: apostrophes, tatweel (elongation only), the bare hamza.
_DROPPED = _APOSTROPHES + "ـء"

_DELETE = 0  # NUL never survives str.lower()/NFKD of a name, so it can mark "drop this code point"
_SPACE = ord(" ")
_SEP = ord(KEY_SEPARATOR)
_NEWLINE = ord(_ROW_SEPARATOR)
_A, _E, _L = ord("a"), ord("e"), ord("l")
_ALEF, _LAM = ord("ا"), ord("ل")
_SUN_ONE = [ord(c) for c in "tdrzsn"]  # "at-Tanf", "ar-Rutbah", ...
_SUN_TWO = [(ord(a), ord(b)) for a, b in ("sh", "dh", "th")]  # "ash-Shaddadi", ...
_TABLE = None
_COMPLEX = None


def _tables():
    """Per code point of the Basic Multilingual Plane: what it becomes (lower-cased, decomposed, accents and
    harakat dropped, letters folded; spaces, hyphens and punctuation made a space), and whether that takes more
    than one code point (ligatures, Arabic presentation forms), in which case the text goes through NFKD first."""
    global _TABLE, _COMPLEX
    if _TABLE is None:
        table = np.full(0x10000, _SPACE, dtype=np.uint16)
        complex_ = np.zeros(0x10000, dtype=bool)
        for code in range(0x10000):
            char = chr(code)
            if char in _DROPPED:
                table[code] = _DELETE
                continue
            base = [c for c in unicodedata.normalize("NFKD", char.lower()) if unicodedata.category(c) != "Mn"]
            if not base:
                table[code] = _DELETE  # a combining mark: accents, harakat, shadda, sukun, superscript alef
                continue
            if len(base) > 1 or ord(base[0]) > 0xFFFF:  # e.g. ligatures; CJK compatibility ideographs
                complex_[code] = True
            letter = _FOLD.get(base[0], base[0])
            if letter in _DROPPED:
                table[code] = _DELETE
            elif letter.isalnum() and ord(letter) <= 0xFFFF:
                table[code] = ord(letter)
        table[_SEP] = _SEP
        table[_NEWLINE] = _NEWLINE
        complex_[0xD800:0xE000] = True  # UTF-16 surrogates: a character beyond the BMP
        _TABLE, _COMPLEX = table, complex_
    return _TABLE, _COMPLEX


def _normalise_text(text: str) -> str:
    """Normalise every row (rows separated by newlines, names within a row by KEY_SEPARATOR) at once."""
    table, complex_ = _tables()
    # 16-bit code units halve the memory traffic of every step; names rarely leave the BMP.
    codes = np.frombuffer(text.encode("utf-16-le"), dtype=np.uint16)
    if len(codes) and complex_[codes].any():
        text = unicodedata.normalize("NFKD", text.lower())  # rare: ligatures, presentation forms, astral
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        mapped = np.where(codes < 0x10000, table[np.minimum(codes, 0xFFFF)], codes)
    else:
        mapped = table[codes]
    mapped = mapped[mapped != _DELETE]
    mapped = _drop_articles(mapped)
    mapped = mapped[mapped != _SPACE]
    if len(mapped) > 1:
        # Collapse doubled letters ("Tall"/"Tal", "Shaddadi"/"Shadadi"); never merge two rows.
        keep = np.ones(len(mapped), dtype=bool)
        keep[1:] = (mapped[1:] != mapped[:-1]) | (mapped[1:] == _NEWLINE)
        mapped = mapped[keep]
    if mapped.dtype == np.uint16:
        return mapped.astype("<u2").tobytes().decode("utf-16-le")
    return mapped.astype("<u4").tobytes().decode("utf-32-le")


def _drop_articles(codes: np.ndarray) -> np.ndarray:
    """Remove the article at the start of a word: a lone "al"/"el" (from "al-", "El "), the article assimilated
    to the sun letter that follows ("ash-Shaddadi", "ar Rutbah", "at-Tanf"), and Arabic "ال"."""
    n = len(codes)
    if n < 2:
        return codes

    def is_boundary(values):
        return (values == _SPACE) | (values == _SEP) | (values == _NEWLINE)

    # Only a word starting with a, e or alef can start with an article: look at those few positions only.
    head = (codes == _A) | (codes == _E) | (codes == _ALEF)
    head[1:] &= is_boundary(codes[:-1])
    where = np.flatnonzero(head)

    def at(offset):
        index = where + offset
        return np.where(index < n, codes[np.minimum(index, n - 1)], codes.dtype.type(_NEWLINE))  # end: boundary

    c0, c1, c2, c3, c4, c5 = (at(k) for k in range(6))
    drop_two = ((c0 != _ALEF) & (c1 == _L) & is_boundary(c2)) | ((c0 == _ALEF) & (c1 == _LAM))
    sun = np.zeros(len(where), dtype=bool)
    for letter in _SUN_ONE:
        sun |= c1 == letter
    drop_two |= (c0 == _A) & sun & (c2 == _SPACE) & (c3 == c1)
    drop_three = np.zeros(len(where), dtype=bool)
    for first, second in _SUN_TWO:
        drop_three |= (c0 == _A) & (c1 == first) & (c2 == second) & (c3 == _SPACE) & (c4 == first) & (c5 == second)
    if not (drop_two.any() or drop_three.any()):
        return codes
    keep = np.ones(n + 3, dtype=bool)
    for offset in range(2):
        keep[where[drop_two | drop_three] + offset] = False
    keep[where[drop_three] + 2] = False
    return codes[keep[:n]]


def normalise_name(text: Optional[str]) -> str:
    """The search form of a place name: lower case, no accents or harakat, Arabic letters folded, apostrophes,
    hyphens, spaces and the article removed, doubled letters collapsed. Apply it to names and queries alike."""
    if not text:
        return ""
    text = str(text).replace(_ROW_SEPARATOR, " ").replace(KEY_SEPARATOR, " ")
    return _normalise_text(text)


def search_key(names: Iterable[Optional[str]]) -> str:
    """One string to search in for a feature: its names normalised and joined by a separator that no query
    contains, so that a match never spans two names."""
    names = [name for name in names if name]
    return search_keys(*[[name] for name in names])[0].strip(KEY_SEPARATOR) if names else ""


def search_keys(*columns: Sequence[Optional[str]]) -> List[str]:
    """:func:`search_key` of every row of the given name columns (name, Arabic name, ';'-separated alternate
    names...), in one pass over all of them. ';', ',' and '|' separate names within a value."""
    if not columns or not len(columns[0]):
        return []
    count = len(columns[0])
    width = len(columns) + 1
    flat = [""] * (count * width)
    for j, column in enumerate(columns):
        flat[j::width] = ["" if v is None else v for v in column] if None in column else column
    flat[width - 1 :: width] = [_ROW_SEPARATOR] * count  # each row ends with a line break of its own
    try:
        text = KEY_SEPARATOR.join(flat)
    except TypeError:  # a value that is not a string
        text = KEY_SEPARATOR.join(str(v) for v in flat)
    if text.count(_ROW_SEPARATOR) != count:  # a name with a line break in it
        flat = [v if i % width == width - 1 else str(v).replace(_ROW_SEPARATOR, " ") for i, v in enumerate(flat)]
        text = KEY_SEPARATOR.join(flat)
    text = text.replace(";", KEY_SEPARATOR).replace(",", KEY_SEPARATOR).replace("|", KEY_SEPARATOR)
    return _normalise_text(text).split(_ROW_SEPARATOR)[:count]


def split_alt_names(value: Optional[str]) -> List[str]:
    """GeoNames alternate names as stored in ``alt_names``: separated by ';' (commas tolerated)."""
    if not value:
        return []
    return [part.strip() for part in re.split(r"[;,|]", str(value)) if part.strip()]
