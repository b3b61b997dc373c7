"""Where the format directives of a string are, for the languages whose flags GNU gettext knows.

GNU's writer never breaks a line inside a format directive (``%.*s``, ``%(name)s``, ``{0,number}``)
of the first format language the entry is flagged with. `inner` gives the positions inside a
directive (every character but its first), where msgcat prohibits a line break. Measured with
msgcat 0.21: it breaks python-brace directives (``{name.attr}``) like any text, so none are listed.
"""

from __future__ import annotations

import re
from functools import lru_cache

# GNU gettext 0.21's order of format languages: the order of their flags on a "#," line.
LANGUAGES = ("c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript", "scheme", "lisp",
             "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal", "smalltalk", "qt", "qt-plural", "kde",
             "kde-kuit", "boost", "tcl", "perl", "perl-brace", "php", "gcc-internal", "gfc-internal", "ycp")

_C = (r"%(?:\d+\$)?[-+ #0'I]*(?:\d+|\*(?:\d+\$)?)?(?:\.(?:\d+|\*(?:\d+\$)?)?)?(?:hh|ll|[hlLqjzZt])?"
      r"(?:<PRI\w+>|[diouxXeEfFgGaAcspnCSm%])")
_PYTHON = r"%(?:\([^)]*\))?[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?[diouxXeEfFgGcrsa%]"
_SH = r"\$(?:[A-Za-z_]\w*|\{[A-Za-z_]\w*\})"
_PERL = r"%(?:\d+\$)?[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*)?)?[hlqLV]?[csduoxXeEfgGbBpn%]"
_PATTERNS = {"c": _C, "objc": _C, "python": _PYTHON, "sh": _SH, "perl": _PERL,
             "tcl": r"%(?:\d+\$)?[-+ #0]*\d*(?:\.\d*)?[hl]?[duioxXcsfeEgG%]", "php": _PERL, "awk": _C, "lua": _C,
             "javascript": r"%[sdjfxo%]", "qt": r"%(?:L?\d{1,2}|%)", "kde": r"%\d+", "boost": r"%\|?[^%|]*\|?|%%",
             # Java's MessageFormat: text between apostrophes is literal ('' is an apostrophe)
             "java": r"'[^']*(?:'|$)|\{\d+(?:,[^{}']*)?\}", "csharp": r"\{\{|\}\}|\{\d+(?:,-?\d+)?(?::[^{}]*)?\}"}
_COMPILED = {name: re.compile(pattern) for name, pattern in _PATTERNS.items()}
_TRIGGERS = {name: re.compile({"java": "['{]", "csharp": "[{}]", "sh": r"\$"}.get(name, "%")) for name in _PATTERNS}
_BRACE_ESCAPES = frozenset(("{{", "}}"))


def language(flags: tuple[str, ...]) -> str | None:
    """The first format language (in GNU's order) the flags say the string is, or may be, a format of."""
    names = {f[:-7].removeprefix("possible-") for f in flags if f.endswith("-format") and not f.startswith("no-")}
    return next((name for name in LANGUAGES if name in names), None)


@lru_cache(maxsize=1 << 14)
def inner(text: str, lang: str | None) -> frozenset[int]:
    """Positions of `text` inside a directive of `lang` (its first character excluded)."""
    pattern = _COMPILED.get(lang or "")
    if pattern is None or not any(c in text for c in "%{$"):
        return frozenset()
    found: set[int] = set()
    numbered: set[bool] = set()  # whether C directives seen so far number their arguments
    position = 0
    trigger = _TRIGGERS[lang or ""]
    while (start := trigger.search(text, position)) is not None:
        match = pattern.match(text, start.start())
        if match is None:  # an invalid directive: GNU's parser stops there, marking no more
            if lang == "sh":
                position = start.end()
                continue
            break
        directive = match.group(0)
        if lang in ("c", "objc") and directive != "%%":
            kinds = {"$" in part for part in _C_ARGUMENTS.findall(directive)} or {"$" in directive}
            numbered = kinds | numbered
            if len(numbered) > 1:
                break  # numbered (%1$s) and unnumbered (%s, %.*s) arguments mixed: GNU's parser stops
        if directive not in _BRACE_ESCAPES and not directive.startswith("'"):
            found.update(range(match.start() + 1, match.end()))
        position = match.end()
    return frozenset(found)


_C_ARGUMENTS = re.compile(r"^%\d+\$|\*(?:\d+\$)?")  # what takes an argument: the directive, a * width or precision
