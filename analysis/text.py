"""Place-name normalisation for search: case-, accent- and diacritic-insensitive, in Latin and Arabic script,
so that "Ba'aj", "Baaj", "Al-Ba`aj" and "البعاج" / "البَعّاج" each find the same place."""

import re
import unicodedata
from typing import Iterable, List, Optional

# Apostrophe-like marks used for ʿayn/hamza in transliterations: dropped, never a word break.
_APOSTROPHES = "'`´‘’ʼʻʽʾʿˈ′"
# Arabic letters folded to one form: alef variants, alef maqsura, ta marbuta, hamza carriers, Persian kaf/yeh.
_ARABIC_FOLD = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ی": "ي", "ئ": "ي", "ؤ": "و", "ة": "ه", "ک": "ك", "ء": "",
    "ـ": "",  # tatweel (kashida): elongation only
}
_TRANSLATE = str.maketrans({**{c: "" for c in _APOSTROPHES}, **_ARABIC_FOLD})
# Latin letters that NFKD does not decompose.
_LATIN_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
                             "ı": "i", "ħ": "h"})
# Combining marks: Latin accents (after NFKD) and Arabic harakat, shadda, sukun, superscript alef, Quranic marks.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
                    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
KEY_SEPARATOR = "\x1f"
# Anything but a letter, a digit or the key separator separates words (hyphens, spaces, dots, underscores).
_NON_WORD = re.compile(r"(?:[^\w\x1f]|_)+")
# The article at the start of a word: a lone "al"/"el" (from "al-", "el "), the article assimilated to the sun
# letter that follows ("ash-Shaddadi", "ar Rutbah", "at-Tanf"), or Arabic "ال" (alone or on its word).
_ARTICLE = re.compile(r"(?<![^ \x1f])(?:[ae]l(?= |\x1f|$)|a(sh|dh|th|[tdrzsn]) (?=\1)|ال)")
_DOUBLED = re.compile(r"(.)\1+")


def normalise_name(text: Optional[str]) -> str:
    """The search form of a place name: lower case, no accents or harakat, Arabic letters folded, apostrophes,
    hyphens, spaces and the article removed, doubled letters collapsed. Apply it to names and queries alike."""
    if not text:
        return ""
    text = str(text).translate(_TRANSLATE)
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text)).translate(_TRANSLATE).translate(_LATIN_FOLD)
    text = _NON_WORD.sub(" ", text.lower()).strip()
    text = _ARTICLE.sub("", text).replace(" ", "")
    return _DOUBLED.sub(r"\1", text)


def search_key(names: Iterable[Optional[str]]) -> str:
    """One string to search in for a feature: its names normalised and joined by a separator that no query
    contains, so that a match never spans two names."""
    return normalise_name(KEY_SEPARATOR.join(str(name) for name in names if name))


def split_alt_names(value: Optional[str]) -> List[str]:
    """GeoNames alternate names as stored in ``alt_names``: separated by ';' (commas tolerated)."""
    if not value:
        return []
    return [part.strip() for part in re.split(r"[;,|]", str(value)) if part.strip()]
