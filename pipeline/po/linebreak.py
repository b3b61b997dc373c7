"""Where GNU gettext breaks a long PO string.

GNU msgcat asks libunistring (``u8_width_linebreaks``: UAX #14 with East Asian widths) where a string
may break. `breaks` asks the same library, loaded with ctypes, so the result is GNU's for every
script libunistring handles (CJK, Hangul, Thai, Indic, format characters), with no subprocess.

Where libunistring cannot be loaded, a pure-Python model serves instead: `chunks` splits an escaped
string at its opportunities for Latin, Greek, Cyrillic and Arabic script, digits and common
punctuation (measured with ``msgcat`` for every pair of the modelled punctuation), and `modelled`
says whether a text holds only such characters (pofile.py passes any other catalog through
``msgcat`` itself, only on such a machine).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import sys
import unicodedata
from collections.abc import Callable
from functools import lru_cache

ESCAPABLE = frozenset("\\\"\n\t\r\a\b\f\v")  # written as escapes (\\n, \\"): modelled in any text
_PROHIBITED, _POSSIBLE = 1, 2  # libunistring's UC_BREAK_PROHIBITED, UC_BREAK_POSSIBLE


def _load_libunistring() -> tuple[Callable[..., int] | None, int | None]:
    """libunistring's u32_width_linebreaks and the library's version (None: not found)."""
    # find_library (it runs ldconfig) only when neither known soname loads
    for name in ("libunistring.so.5", "libunistring.so.2", None):
        try:
            library = ctypes.CDLL(name or ctypes.util.find_library("unistring") or "")
            function = library.u32_width_linebreaks
        except (OSError, AttributeError):
            continue
        function.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                             ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
        function.restype = ctypes.c_int
        try:
            version: int | None = ctypes.c_int.in_dll(library, "_libunistring_version").value
        except ValueError:
            version = None
        return function, version
    return None, None


_WIDTH_LINEBREAKS, LIBRARY_VERSION = _load_libunistring()
AVAILABLE = _WIDTH_LINEBREAKS is not None
_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"


def breaks(escaped: str, prohibited: frozenset[int], width: int, start: int) -> list[int]:
    """Where libunistring breaks `escaped` (character offsets), for a line of `width` columns whose first
    line starts at column `start`; no break before a character whose offset is in `prohibited`."""
    global _result
    size = len(escaped)
    if len(_result) < size:
        _result = ctypes.create_string_buffer(2 * size)
    overrides = None
    if prohibited:
        marks = bytearray(size)
        for i in prohibited:
            marks[i] = _PROHIBITED
        overrides = bytes(marks)
    assert _WIDTH_LINEBREAKS is not None
    _WIDTH_LINEBREAKS(escaped.encode(_UTF32), size, width, start, 0, overrides, b"UTF-8", _result)
    raw = ctypes.string_at(_result, size)
    found = []
    i = raw.find(_POSSIBLE)
    while i >= 0:
        found.append(i)
        i = raw.find(_POSSIBLE, i + 1)
    return found


_result = ctypes.create_string_buffer(4096)  # reused: one call at a time (the pipeline runs no threads here)


# Line-break classes, as GNU msgcat (libunistring) applies them.
_NO_BREAK_BEFORE = frozenset(")]}!?,.:;/،؟")  # close punctuation, EX, IS, SY
_BREAK_AFTER = frozenset("!?|}–—‐…؟")  # break after, before a letter or digit
_BREAK_AFTER_BEFORE_LETTER = frozenset(",.:;-/،")  # break after, before a letter only
_QUIET = frozenset("\"#$%&'()*+<=>@[\\]^_`~«»“”‘’¿¡½≥≤£€°±×·\u00a0\u2011")  # no break either side
_SCRIPTS = ("LATIN ", "GREEK ", "CYRILLIC ", "ARABIC LETTER ")


_TOKENS = re.compile(r" +|[^ ]+ *")  # a leading run of spaces, then words with their trailing spaces
_INNER = re.compile(r"[^\w ]")  # only punctuation (or an escape) can open a break inside a word


# The common case, as one regular expression: plain words, spaces, and single punctuation marks.
_SIMPLE_BREAKS = re.compile(r" +(?=[^ )\]}!?,.:;/،؟])|[!?|}–…؟](?=[^\W_])|[,.:;\-/،](?=[^\W\d_])")  # cut at end
_NOT_SIMPLE = re.compile(r"[^\w ][^\w )\]}!?,.:;/،؟]|[\[{¿¡—\\\"'«»“”‘’‐_]|^ |\( ")


def _simple(escaped: str) -> bool:
    if _NOT_SIMPLE.search(escaped):
        return False
    return escaped.isascii() or all(c.isalpha() or c in "–…،؟" for c in set(escaped) if ord(c) > 127)


def chunks(escaped: str) -> list[str]:
    """Split an escaped string at its line-break opportunities (never inside an escape like \\")."""
    if _simple(escaped):
        cuts = [m.end() for m in _SIMPLE_BREAKS.finditer(escaped)]
        return [escaped[a:b] for a, b in zip([0, *cuts], [*cuts, len(escaped)], strict=True)]
    chunks: list[str] = []
    current = ""
    last_solid = ""  # the last non-space character so far
    for token in _TOKENS.findall(escaped):
        newline = token.startswith("\\n")  # GNU keeps an escaped newline on its line
        if current.endswith(" ") and last_solid and not newline and _break_before(" ", token[0], last_solid):
            chunks.append(current)
            current = ""
        word = token.rstrip(" ")
        if word and _INNER.search(word):
            pieces, last_solid = _split_word(word)
            current += pieces[0]
            for piece in pieces[1:]:
                chunks.append(current)
                current = piece
        elif word:
            current += word
            last_solid = word[-1]
        current += token[len(word):]
    chunks.append(current)
    return chunks


def _split_word(word: str) -> tuple[list[str], str]:
    """Break opportunities inside a word (no spaces): after punctuation, around dashes."""
    pieces = []
    begin = 0
    i = 2 if word.startswith("\\") else 1
    while i < len(word):
        prev = word[i - 1]  # inside a word the last non-space character is always the previous one
        step = 2 if word[i] == "\\" else 1
        newline = word[i:i + 2] == "\\n"  # GNU keeps an escaped newline on its line
        if not newline and _break_before(prev, word[i], prev):
            pieces.append(word[begin:i])
            begin = i
        i += step
    pieces.append(word[begin:])
    return pieces, word[-1]


def _break_before(prev: str, char: str, last_solid: str) -> bool:
    if char == " ":
        return False
    if prev == " ":
        if char in _OPENING and (last_solid in _QUOTES or last_solid == '"'):
            return False  # quote, spaces, opening punctuation stay together
        if char == "—" and last_solid == "—":
            return False
        return char not in _NO_BREAK_BEFORE and last_solid not in _OPENING
    if char.isalpha() or char.isdecimal():
        if prev in _BREAK_AFTER:
            return True
        return prev in _BREAK_AFTER_BEFORE_LETTER and char.isalpha()
    if char == "—":
        return prev not in _OPENING and prev not in _QUOTES and prev not in "—\"'"
    return char in _PUNCTUATION_BREAKS.get(prev, "")


# Between two punctuation characters (measured with msgcat for every pair of the modelled set;
# '"' stands for the backslash of its escape \").
_AFTER_SENTENCE = "\"#$%&(*+<=>@[\\^_`{~¡£°±·½¿×€≤≥"
_NUMERIC_AFFIX = "$%+\\£°±€"
_PUNCTUATION_BREAKS = {
    **{c: _AFTER_SENTENCE for c in "!,.:/;?…،؟"},
    **{c: _AFTER_SENTENCE + "\u00a0\u2011" for c in "-|‐–"},
    "—": _AFTER_SENTENCE,
    "}": "#&(*<=>@[^_`{~¡·½¿×≤≥",
    **{c: _NUMERIC_AFFIX + '"' for c in _NUMERIC_AFFIX},
    ")": "([{¡¿",
    "]": "([{¡¿",
}


_CHAR_CACHE: dict[str, bool] = {}
_QUOTES = frozenset("'«»“”‘’")  # '"' is written escaped, and its backslash breaks differently
_OPENING = frozenset("([{¿¡")


@lru_cache(maxsize=1 << 16)  # the same msgids recur in every locale's catalog
def modelled(text: str) -> bool:
    if text.isascii():
        return text.isprintable() or all(c.isprintable() or c in ESCAPABLE for c in text)
    for c in set(text).difference(_CHAR_CACHE):
        _CHAR_CACHE[c] = _char_modelled(c)
    return all(_CHAR_CACHE[c] for c in set(text))


def _char_modelled(c: str) -> bool:
    if c.isascii():
        return c.isprintable() or c in ESCAPABLE
    if c in _QUIET or c in _BREAK_AFTER or c in _BREAK_AFTER_BEFORE_LETTER or c in _NO_BREAK_BEFORE:
        return True
    name = unicodedata.name(c, "")
    category = unicodedata.category(c)
    if category.startswith("L"):
        return name.startswith(_SCRIPTS) and unicodedata.east_asian_width(c) in ("N", "Na", "H")
    if category == "Nd":
        return name.startswith(("DIGIT", "ARABIC-INDIC DIGIT"))
    return False
