"""Detect one ad offering several persons by name ("ask for Mia or Lola", "see Ana y Lucía").

Several persons advertised together is a sign of a managed operation in Memex-era analyses of
ads. Names are capitalised words, so this runs case-sensitively on the original text, unlike
the catalogue's phrases: `CUED_NAMES` (RE2, over whole columns) marks a cue followed by two or
more capitalised words joined by "and", "or", "&", "y", "o" or commas, and `several_names`
keeps the marks that name at least two different persons.
"""

from __future__ import annotations

import re

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


def several_names(marked: str) -> str | None:
    """The first marked span that names two or more different persons, or None."""
    parts = marked.split(MARK)
    for j in range(1, len(parts), 2):
        words = _WORDS.findall(parts[j])
        names = [w for w in words if w[0].isupper() and w.lower() not in _NOT_NAMES]
        if len({n.lower() for n in names}) >= 2:
            return " ".join(parts[j].split())
    return None
