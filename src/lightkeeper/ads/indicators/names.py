"""Detect one ad offering several persons by name ("ask for Mia or Lola", "see Ana y Lucía").

Several persons advertised together is a sign of a managed operation in Memex-era analyses of
ads. Names are capitalised words, so this runs case-sensitively on the original text, unlike
the catalogue's phrases: `CUED_NAMES` (RE2 syntax) is a cue followed by two or more
capitalised words joined by "and", "or", "&", "y", "o" or commas, and `several_names` keeps
the matches that name at least two different persons.

The RE2 form compiles slowly (its Unicode letter classes, repeated), and pyarrow compiles a
pattern on every call, once per batch: `several_names_in` runs the same pattern with Python's
`re` instead, on the few texts that the cheap `NAME_CUES` prefilter (RE2, whole columns)
selects. The Python form is built to agree with RE2 on every code point: the letter classes are
read off RE2 itself, RE2's whitespace and the cues' case folding spelt out, word boundaries
ASCII as in RE2.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MARK = "\x00"
_CUE = (
    r"(?i:ask for|call for|choose between|choose from|see|meet|pregunta por|preguntar por"
    r"|pregunten por|llama por|elige entre|escoge entre|conoce a)"
)
_NAME = r"\p{Lu}\p{Ll}{1,15}"
_JOIN = r"\s*(?:,|&|\+|/|\band\b|\bor\b|\by\b|\bo\b|\be\b)\s*"
CUED_NAMES = rf"\b{_CUE}\s+{_NAME}(?:{_JOIN}{_NAME})+"
# a cheap prefilter (no Unicode classes): a cue, then a capital, then a joining word soon after
NAME_CUES = rf"{_CUE}\s+[A-ZÁÉÍÓÚÑ][^\n]{{1,40}}(?:,|&|\+|/| and | or | y | o | e )"
_WORDS = re.compile(r"[^\W\d_]+")
# capitalised words that follow the cues but are no persons' names
_NOT_NAMES_TEXT = """
    me us you her him them our my your the a an this that more details info information
    rates prices price specials photos pics pictures reviews menu services appointments
    incall outcall in out here now today tonight profile website page
    mí nosotras nosotros tu su nuestras nuestros las los el la una fotos precios tarifas
    servicios información detalles aquí hoy
"""
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())
_CUES = (
    "ask for", "call for", "choose between", "choose from", "see", "meet", "pregunta por",
    "preguntar por", "pregunten por", "llama por", "elige entre", "escoge entre", "conoce a",
)  # fmt: skip
# RE2's case folding of ASCII letters (simple Unicode folding): only k and s have a third form
_FOLDS = {"k": "kK\u212a", "s": "sS\u017f"}
_SPACE = r"[\t\n\f\r ]"  # RE2's \s (no \v, unlike Python's)


def several_names(marked: str) -> str | None:
    """The first marked span that names two or more different persons, or None."""
    parts = marked.split(MARK)
    for j in range(1, len(parts), 2):
        words = _WORDS.findall(parts[j])
        names = [w for w in words if w[0].isupper() and w.lower() not in _NOT_NAMES]
        if len({n.lower() for n in names}) >= 2:
            return " ".join(parts[j].split())
    return None


def several_names_in(text: str) -> str | None:
    """The first cue and names in `text` naming two or more different persons, or None.

    The same as `several_names` over the text with every `CUED_NAMES` match marked.
    """
    for match in _cued_names().finditer(text):
        span = match.group()
        words = _WORDS.findall(span)
        names = [w for w in words if w[0].isupper() and w.lower() not in _NOT_NAMES]
        if len({n.lower() for n in names}) >= 2:
            return " ".join(span.split())
    return None


@cache
def _cued_names() -> re.Pattern[str]:
    """`CUED_NAMES` for Python's `re`, matching exactly what RE2 matches."""
    upper, lower = _re2_class(r"\p{Lu}"), _re2_class(r"\p{Ll}")
    cue = "|".join("".join(_folded(ch) for ch in c) for c in _CUES)
    name = rf"[{upper}][{lower}]{{1,15}}"
    join = rf"{_SPACE}*(?:,|&|\+|/|\band\b|\bor\b|\by\b|\bo\b|\be\b){_SPACE}*"
    return re.compile(rf"\b(?:{cue}){_SPACE}+{name}(?:{join}{name})+", re.ASCII)


def _folded(ch: str) -> str:
    if not ch.isalpha():
        return re.escape(ch)
    return f"[{_FOLDS.get(ch, ch + ch.upper())}]"


def _re2_class(cls: str) -> str:
    """A Python character-class body of exactly the code points RE2 puts in `cls`."""
    points = _code_points()
    kept = pc.replace_substring_regex(points, rf"[^{cls}]+", "")[0].as_py()
    codes = np.frombuffer(kept.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    starts = np.flatnonzero(np.diff(codes, prepend=-2) != 1)
    ends = np.append(starts[1:], len(codes)) - 1
    return "".join(
        f"\\U{codes[a]:08x}" if a == b else f"\\U{codes[a]:08x}-\\U{codes[b]:08x}"
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
    )


def _code_points() -> pa.Array:
    """One string of every Unicode scalar value (for reading RE2's classes off it)."""
    values = np.arange(0x110000, dtype=np.uint32)
    values = values[(values < 0xD800) | (values > 0xDFFF)]
    data = values.tobytes().decode("utf-32-le").encode("utf-8")
    # built from buffers: the text is valid UTF-8 by construction, so no validation pass
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int32).tobytes())
    return pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(data)])
