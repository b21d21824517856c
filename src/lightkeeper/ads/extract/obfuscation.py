"""Undo the tricks ads use to hide phone numbers from filters, so that a digit search finds them.

Adversaries write "seven one three", "siete uno tres", "7I3-55S-O123", "7️⃣1️⃣3️⃣", "７１３" or
"7 1 3 * 5 5 5" so that a plain ``\\d{10}`` search misses the number. `decode_digits` turns all of
those back into ASCII digits and leaves everything else alone, conservatively: a word or a
look-alike letter becomes a digit only inside a run that holds enough digits to be a phone number,
so "one hour", "dos horas", "BOSS", "Oslo" or "Sol" stay as they are. Separators are kept (the
phone search decides which groups form a number); only commas inside a spelled run become spaces.

The passes run cheapest first and each one screens the text before doing real work, because most
ads hold no obfuscation at all:

1. Unicode: other decimal digits (full-width, Arabic-Indic, mathematical bold...), circled and
   parenthesised digits, emoji keycaps (the U+FE0F and U+20E3 marks are dropped), full-width
   punctuation, Unicode spaces and dashes, zero-width characters, and Greek/Cyrillic letters that
   look like O, I, S, B or Z.
2. Spelled digits in English or Spanish, alone or glued to digits ("7one3 five5five") or to
   each other ("sixzerofour"); a lone Spanish "o" between them means "or", not zero. Single
   digits paced out with commas ("7,1,3,5,...") lose their commas.
3. Look-alike letters (O/o 0, I/l/| 1, S 5, B 8, Z 2) inside runs that are clearly numbers.

`decode_digits_quickly` skips one costly case (digit words glued together with no digit or
standalone digit word near them); `extract_phones` uses it first and falls back to
`decode_digits` only for texts where it finds no phone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import re2  # type: ignore[import-untyped]  # google-re2: one linear-time scan for all screens

__all__ = ["decode_digits", "decode_digits_quickly", "decode_digits_thoroughly_if_different"]

# --- pass 1: Unicode -----------------------------------------------------------------------

# Characters dropped outright: zero-width joiners and spaces that adversaries slip between
# digits, soft hyphens, and the emoji marks that turn "7" into the keycap "7️⃣".
_DELETED = "\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\ufe0e\ufe0f\u20e3"
# Emoji presentation marks and joiners are everywhere in ads ("❤️", "👩‍💼"): alone they do not
# justify a full translation, unless they touch a digit.
_COMMON_MARKS = "\ufe0f\u200d"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63"
# Greek and Cyrillic capitals/smalls drawn exactly like the Latin look-alikes of digits.
_HOMOGLYPHS = {
    "\u039f": "O",  # Greek capital omicron
    "\u03bf": "o",  # Greek small omicron
    "\u041e": "O",  # Cyrillic capital O
    "\u043e": "o",  # Cyrillic small o
    "\u0399": "I",  # Greek capital iota
    "\u0406": "I",  # Cyrillic capital Byelorussian-Ukrainian I
    "\u04c0": "I",  # Cyrillic palochka
    "\u0405": "S",  # Cyrillic capital DZE
    "\u0392": "B",  # Greek capital beta
    "\u0412": "B",  # Cyrillic capital VE
    "\u0396": "Z",  # Greek capital zeta
}
_KEYCAP_TEN = "\U0001f51f"
_LAST_SCANNED = 0x20000  # every code point with a digit value lies in the BMP or the SMP
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_COMMON_MARK_SET = frozenset(_COMMON_MARKS)
_MARK_NEAR_DIGIT_RE = re.compile(r"[0-9][\ufe0f\u200d]|[\ufe0f\u200d][0-9]")


def _digit_text(char: str) -> str | None:
    """ASCII digits for a non-ASCII character that denotes a small whole number, else None."""
    digit = unicodedata.digit(char, None)
    if digit is not None:
        return str(digit)
    if unicodedata.category(char) != "No":
        return None
    value = unicodedata.numeric(char, None)
    # Circled and parenthesised numbers 10..50 ("⑩", "⓫"); fractions and big numbers are not
    # digits anyone writes in a phone number.
    if value is None or value != int(value) or not 0 <= value <= 50:
        return None
    return str(int(value))


@cache
def _folded_char(char: str) -> str | None:
    """The ASCII replacement of a non-ASCII character ("" drops it), or None when it stays.

    Worked out per distinct character on first sight: ads use a few dozen of them, so this is
    far cheaper than a table of every code point built up front (~30 ms at start-up).
    """
    if char in _HOMOGLYPHS:
        return _HOMOGLYPHS[char]
    if char in _DELETED:
        return ""
    if char in _DASHES:
        return "-"
    if char == _KEYCAP_TEN:
        return "10"
    code = ord(char)
    if code < _LAST_SCANNED:
        digits = _digit_text(char)
        if digits is not None:
            return digits
        if unicodedata.category(char) == "Zs":  # U+3000, the ideographic space, among them
            return " "
    if 0xFF01 <= code < 0xFF5F:  # full-width ASCII: "（７１３）－５５５"
        return chr(code - 0xFEE0)
    return None


@cache
def _foldable() -> tuple[re.Pattern[str], frozenset[str]]:
    """Every character `_folded_char` replaces, but the common emoji marks: those of the BMP as
    one class, those above it as a set.

    Built on the first non-ASCII text (~15 ms). One scan with the class and a look at the few
    characters above the BMP (emoji, mostly) tell most texts (accents, emoji) need no folding.
    The characters above the BMP stay out of the class: there they would make it a slow list of
    ranges instead of a bitmap.
    """
    foldable = _foldable_chars()
    bmp = "".join(re.escape(char) for char in foldable if ord(char) <= _LAST_BMP)
    return re.compile(f"[{bmp}]"), frozenset(char for char in foldable if ord(char) > _LAST_BMP)


@cache
def _foldable_chars() -> tuple[str, ...]:
    """Every character `_folded_char` replaces, but the common emoji marks, in code point order."""
    candidates = {
        char for char in map(chr, range(0x80, _LAST_SCANNED)) if char.isnumeric() or char.isspace()
    }
    candidates.update(_HOMOGLYPHS, _DELETED, _DASHES, _KEYCAP_TEN)
    candidates.update(map(chr, range(0xFF01, 0xFF5F)))
    return tuple(sorted(c for c in candidates - _COMMON_MARK_SET if _folded_char(c) is not None))


_LAST_BMP = 0xFFFF
_ABOVE_BMP_RE = re.compile("[\U00010000-\U0010ffff]")


def _needs_folding(text: str) -> bool:
    """Whether a non-ASCII text holds a character that `_fold_unicode` replaces."""
    bmp, above = _foldable()
    if bmp.search(text) is not None:
        return True
    if not above.isdisjoint(_ABOVE_BMP_RE.findall(text)):
        return True
    return ("\ufe0f" in text or "\u200d" in text) and _MARK_NEAR_DIGIT_RE.search(text) is not None


def _fold_unicode(text: str) -> str:
    """Text with non-ASCII digits, keycaps, spaces, dashes and homoglyphs made ASCII."""
    if text.isascii() or not _needs_folding(text):
        return text
    return _folded(text)


def _folded(text: str) -> str:
    """`_fold_unicode` for a text known to hold characters to fold."""
    others = set(_NON_ASCII_RE.findall(text))
    present = {char for char in others - _COMMON_MARK_SET if _folded_char(char) is not None}
    if others & _COMMON_MARK_SET and _MARK_NEAR_DIGIT_RE.search(text) is not None:
        present |= others & _COMMON_MARK_SET
    # A few distinct characters to replace at most: str.replace per character is far cheaper
    # than str.translate (or a regex class of all digit-like characters) over the whole text.
    for char in present:
        text = text.replace(char, _folded_char(char) or "")
    return text


# --- pass 2: spelled digits ------------------------------------------------------------------

_SPELLED = {
    "zero": "0",
    "cero": "0",
    "oh": "0",
    "o": "0",
    "one": "1",
    "uno": "1",
    "two": "2",
    "dos": "2",
    "three": "3",
    "tres": "3",
    "four": "4",
    "cuatro": "4",
    "five": "5",
    "cinco": "5",
    "six": "6",
    "seis": "6",
    "seven": "7",
    "siete": "7",
    "eight": "8",
    "ocho": "8",
    "nine": "9",
    "nueve": "9",
}
# Longest first so that "ocho" and "oh" win over "o".
_WORD = "(?:" + "|".join(sorted(_SPELLED, key=lambda w: (-len(w), w))) + ")"
# A word counts as a token when it ends the word ("seven ") or runs straight into another digit
# word or digit ("sevenone", "7one3"); so "oneself", "sixteen", "seventy", "dosis" are no tokens.
_TOKEN = rf"(?:{_WORD}(?:(?![^\W\d_])|(?={_WORD}|[0-9]))|[0-9]++)"
# A dot followed by a space ends a sentence, not a number: "... zero. One hour".
_SPELLED_SEP = r"(?:[ \t,;\-*~/_|•·()\[\]]|\.(?![ \t]))" + "{0,4}"
_SPELLED_RUN = rf"(?<![^\W_])(?>{_TOKEN}(?:{_SPELLED_SEP}{_TOKEN})*)"
_SPELLED_RUN_RE = re.compile(_SPELLED_RUN, re.IGNORECASE)
_SPELLED_WORD_RE = re.compile(_WORD, re.IGNORECASE)
# IGNORECASE costs about twice the time on these long alternations, so the same patterns run on
# the lower-cased text where that is equivalent: when lower-casing keeps every position, and
# without the two characters that IGNORECASE alone equates with ASCII letters (dotless i, long s).
# tests/ads/test_obfuscation.py checks that list against every code point.
_LOWER_RUN_RE = re.compile(_SPELLED_RUN)
_LOWER_WORD_RE = re.compile(_WORD)
_CASE_ONLY_LOOKALIKES = ("\u0131", "\u017f")
_ASCII_LETTER_FOR = str.maketrans({"\u0131": "i", "\u017f": "s"})
# Screens, on byte images of the text, several times cheaper than a regex scan of the text:
# 1. lower-case ASCII letters kept, everything else a space, split into words: is any word a
#    digit word of its own ("seven", "7one3")?
_SCREEN_WORDS = frozenset(word.encode() for word in _SPELLED if len(word) > 1)
_LETTERS_ONLY = bytes(
    code + 32 if 65 <= code <= 90 else code if 97 <= code <= 122 else 32 for code in range(256)
)
# 2. digits "0", letters lower-cased: is a digit glued to digit words ("9doscero", "cero6")?
_DIGITS_AND_LETTERS = bytes(
    48 if 48 <= code <= 57 else code if 97 <= code <= 122 else code + 32 if 65 <= code <= 90 else 32
    for code in range(256)
)
_SHORTEST_GLUED = 5  # "oneoh", "dosos"... two digit words glued together
_GLUED_WORDS_RE = re.compile(
    ("(?:" + "|".join(sorted(_SPELLED, key=lambda w: (-len(w), w))) + "){2,}").encode()
)
_SCREEN_ALTERNATION = "|".join(sorted((w for w in _SPELLED if len(w) > 1), key=len, reverse=True))


def _digit_touch_pattern(words: str, first_letters: str) -> re.Pattern[bytes]:
    """A digit, then a digit word glued to it or, after spaces, two glued digit words.

    The lookahead on first letters fails fast on "10am", "5pm", "150hh".
    """
    word = f"(?=[{first_letters}])(?:{words})"
    return re.compile(f"0(?:{word}| {{1,3}}{word}(?:{words}))".encode())


# "7one3", "9doscero"; also glued words after a digit group: "972 fivefivefive zerooneone".
_DIGIT_THEN_WORD_RE = _digit_touch_pattern(_SCREEN_ALTERNATION, "cdefnostuz")
_WORD_THEN_DIGIT_RE = _digit_touch_pattern(_SCREEN_ALTERNATION[::-1], "ehnorstx")  # reversed
_BACKTRACK_LIMIT = 48  # how far back from a digit word its run may start ("cerosiete7tres")
_RUN_COMMAS_RE = re.compile(r"[,;]+")
_SPANISH_WORD_RE = re.compile(
    r"cero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve", re.IGNORECASE
)
_LONE_O_RE = re.compile(r"(?<=[ \t])[oO](?=[ \t])")
_MIN_RUN_DIGITS = 7  # the shortest national number anyone writes out
_ASCII_DIGITS = "0123456789"  # the only digits left in a run once Unicode is folded


def _decoded_spelled_run(run: str) -> str | None:
    """The run with its digit words as digits, or None when it is too short to be a phone."""
    if len(run) < _MIN_RUN_DIGITS:
        return None
    decoded, words = _with_digit_words_as_digits(run)
    if not words or words + sum(map(run.count, _ASCII_DIGITS)) < _MIN_RUN_DIGITS:
        return None
    # Commas only pace a spelled number out ("seven one three, five five five"): make them
    # spaces so the phone search does not read them as list separators.
    return _RUN_COMMAS_RE.sub(" ", decoded)


def _with_digit_words_as_digits(run: str) -> tuple[str, int]:
    """The run with its digit words replaced by digits, and how many there were."""
    low = _lower_if_equivalent(run)
    if low is None:
        return _SPELLED_WORD_RE.subn(lambda m: _SPELLED[_ascii_word(m.group())], run)
    pieces: list[str] = []
    last = 0
    for match in _LOWER_WORD_RE.finditer(low):
        pieces.append(run[last : match.start()])  # letters left over keep their case
        pieces.append(_SPELLED[match.group()])
        last = match.end()
    pieces.append(run[last:])
    return "".join(pieces), len(pieces) // 2


def _ascii_word(word: str) -> str:
    """A digit word as matched with IGNORECASE, in ASCII lower case ("ſix" is "six")."""
    return word.lower().translate(_ASCII_LETTER_FOR)


def _lower_if_equivalent(text: str) -> str | None:
    """The text lower-cased when a case-sensitive match on it finds what an IGNORECASE match on
    the text finds, at the same positions; else None."""
    low = text.lower()
    if len(low) != len(text) or any(char in text for char in _CASE_ONLY_LOOKALIKES):
        return None
    return low


def _words_of(raw: bytes) -> list[bytes]:
    """The lower-case ASCII words of a text given as `text.encode("ascii", "replace")` (letters
    only; digits and the rest split words)."""
    return raw.translate(_LETTERS_ONLY).split()


def _letters_image(raw: bytes) -> bytes:
    """The text's ASCII letters, lower-cased, everything else a space, one space added at each
    end (so that b" one " finds a standalone "one" anywhere)."""
    return b" " + raw.translate(_LETTERS_ONLY) + b" "


def _standalone_digit_words(words: list[bytes]) -> list[str]:
    """The distinct digit words among the words (maybe none)."""
    return [word.decode() for word in _SCREEN_WORDS.intersection(words)]


def _has_glued_word_run(words: list[bytes]) -> bool:
    """Whether a word is digit words glued together ("sixzerofour", "cincounocuatro")."""
    return any(
        len(word) >= _SHORTEST_GLUED and _GLUED_WORDS_RE.fullmatch(word) is not None
        for word in words
    )


def _has_glued_digit_words(raw: bytes) -> bool:
    """Whether a digit touches a digit word ("9doscero", "6onezero", "cero6"), or a group of
    glued digit words follows a digit group ("972 fivefivefive"), in a text given as
    `text.encode("ascii", "replace")`."""
    image = raw.translate(_DIGITS_AND_LETTERS)
    if b"0" not in image:
        return False
    return (
        _DIGIT_THEN_WORD_RE.search(image) is not None
        or _WORD_THEN_DIGIT_RE.search(image[::-1]) is not None
    )


_MAX_CACHED_RUN = 256  # longer runs (hostile input) are decoded without being kept


@lru_cache(maxsize=1 << 13)
def _run_pieces(run: str) -> tuple[tuple[int, int, str], ...]:
    """`_run_pieces_of`, kept: operators write their number the same way from ad to ad."""
    return _run_pieces_of(run)


def _run_pieces_of(run: str) -> tuple[tuple[int, int, str], ...]:
    """The pieces of a spelled run (split at a Spanish "or") that decode to a phone-sized run of
    digits, as (start, end, decoded digits) within the run."""
    pieces: list[tuple[int, int, str]] = []
    for start, end in _split_at_spanish_or(run, [(0, len(run))]):
        decoded = _decoded_spelled_run(run[start:end])
        if decoded is not None:
            pieces.append((start, end, decoded))
    return tuple(pieces)


def _spelled_runs_near(text: str, letters: bytes) -> list[tuple[int, int]]:
    """Spans of the runs holding the text's standalone digit words, in order, not overlapping;
    `letters` is the text's `_letters_image`."""
    low = text.lower()
    if len(low) != len(text):  # rare letters whose lower case is longer: scan it all
        return _all_spelled_runs(text)
    odd = any(char in text for char in _CASE_ONLY_LOOKALIKES)
    runs, haystack = (_SPELLED_RUN_RE, text) if odd else (_LOWER_RUN_RE, low)
    spans: list[tuple[int, int]] = []
    after = 0  # words before this position lie inside the run found last
    while (word := _IMAGE_WORD_RE.search(letters, after)) is not None:
        # The padding space before the word makes its position in the image its position in
        # low; the word ends before the space that follows it.
        index, after = word.start(), word.end()
        if not _is_standalone(low, index, after - 1):
            continue
        # The run may begin before the word, with digits or glued words: "cerosiete7tres".
        position = max(0, index - _BACKTRACK_LIMIT, spans[-1][1] if spans else 0)
        while (match := runs.search(haystack, position, len(text))) is not None:
            if match.start() > index:
                break
            if match.end() > index:
                spans.append(match.span())
                after = max(after, match.end())
                break
            position = match.end()
    return spans


# A digit word between spaces in the letters image: a standalone word of the text, but maybe
# next to a non-ASCII letter (a space in the image).
_IMAGE_WORD_RE = re.compile(f" (?:{_SCREEN_ALTERNATION})(?= )".encode())


def _is_standalone(low: str, start: int, end: int) -> bool:
    """Whether the digit word at [start, end) of `low`, found between spaces in the letters
    image, stands on its own in the text.

    A space in the image may still be a non-ASCII letter in the text, hence the checks on
    `low`. A digit word cannot appear in `low` otherwise: only ASCII letters lower-case to its
    letters (the Kelvin sign becomes "k", which no digit word holds).
    """
    return (start == 0 or not low[start - 1].isalpha()) and (
        end == len(low) or not low[end].isalpha()
    )


def _all_spelled_runs(text: str) -> list[tuple[int, int]]:
    low = _lower_if_equivalent(text)
    if low is None:
        return [match.span() for match in _SPELLED_RUN_RE.finditer(text)]
    return [match.span() for match in _LOWER_RUN_RE.finditer(low)]


def _split_at_spanish_or(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans cut at a lone "o" between Spanish digit words: there it means "or"
    ("siete cuatro o cinco cinco..."), not the English "o" for zero."""
    pieces: list[tuple[int, int]] = []
    for start, end in spans:
        run = text[start:end]
        if _SPANISH_WORD_RE.search(run) is None:
            pieces.append((start, end))
            continue
        position = start
        for match in _LONE_O_RE.finditer(run):
            pieces.append((position, start + match.start()))
            position = start + match.end()
        pieces.append((position, end))
    return pieces


def _decode_spelled(text: str, raw: bytes, *, thorough: bool, screened: _Screened | None) -> str:
    """Text with runs of spelled digits (English or Spanish, mixed with digits) as digits; `raw`
    is `text.encode("ascii", "replace")`, `screened` what `_screen` found in it (None: not
    screened).

    Only a `thorough` pass looks for digit words glued together with no digit next to them
    ("sixzerofour fivefivefive"), which costs a look at every long word.
    """
    if screened is not None and not thorough:
        if screened.glued:
            spans = _all_spelled_runs(text)
        elif screened.digit_word:
            spans = _spelled_runs_near(text, _letters_image(raw))
        else:
            return text
    else:
        letters = _letters_image(raw)
        words = letters.split()
        if _has_glued_digit_words(raw) or (thorough and _has_glued_word_run(words)):
            spans = _all_spelled_runs(text)  # rare: "7one3", "sixzerofour" need the full scan
        elif _standalone_digit_words(words):
            spans = _spelled_runs_near(text, letters)
        else:
            return text
    pieces: list[str] = []
    last = 0
    for start, end in spans:
        run = text[start:end]
        if run.isdigit():
            continue  # a plain number ("2024", found by a full scan): no digit word to decode
        run_pieces = _run_pieces(run) if len(run) <= _MAX_CACHED_RUN else _run_pieces_of(run)
        for piece_start, piece_end, decoded in run_pieces:
            pieces.append(text[last : start + piece_start])
            pieces.append(decoded)
            last = start + piece_end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


# --- pass 2b: digits paced out with commas -----------------------------------------------------

# "7,1,3,5,5,5,0,1,2,3": single digits between commas. Commas end a phone chain (they separate
# the items of price lists), so such a run gets spaces instead. Groups of 2+ digits keep their
# commas: "1,500" is money.
_COMMA_MAP = bytes(
    48 if 48 <= code <= 57 else code if code in (32, 44) else 120 for code in range(256)
)
_COMMA_DIGITS_RE = re.compile(r"(?<![0-9])[0-9](?:[ \t]?,[ \t]?[0-9](?![0-9])){6,}")


def _decode_comma_digits(text: str, raw: bytes) -> str:
    """Text with runs of 7+ single digits separated by commas separated by spaces instead;
    `raw` is `text.encode("ascii", "replace")`."""
    if b"," not in raw:
        return text
    image = raw.translate(_COMMA_MAP)
    if b"0,0,0" not in image and b"0, 0, 0" not in image:
        return text
    return _COMMA_DIGITS_RE.sub(lambda m: m.group().replace(",", " "), text)


# --- pass 3: look-alike letters ---------------------------------------------------------------

_LOOKALIKES = "OoIl|SBZ"
_LOOKALIKE_TABLE = str.maketrans(_LOOKALIKES, "00111582")
# A standalone word made only of digits and look-alike letters ("7I3", "O123", "55S").
_CHUNK_RE = re.compile(r"(?<![^\W_])[0-9OoIl|SBZ]++(?![^\W_])")


def _lookalike_image_byte(code: int) -> int:
    char = chr(code)
    if "0" <= char <= "9":
        return ord("0")
    if char in _LOOKALIKES:
        return ord("L")
    if char.isascii() and char.isalpha():
        return ord("a")
    return ord("s") if char in " -.*~/_()" else ord("x")


# Screen on a byte image: digits "0", look-alike letters "L", other letters "a", separators "s",
# the rest "x". Some digit must touch some look-alike letter in a word of its own ("7I3", not
# "carol55"): byte searches instead of a regex scan of the text.
_LOOKALIKE_MAP = bytes(_lookalike_image_byte(code) for code in range(256))
_WORD_BYTES = frozenset(b"0La")
# A whole group of look-alikes after a digit group: "667-95-SS-98", "736.40.23.BS".
_LETTER_GROUP_RE = re.compile(rb"0s{1,3}L{2,4}(?![L0a])")
_CHUNK_GAP_RE = re.compile(r"[ \t]{0,3}[-.*~/_|•·()\[\]]{0,3}[ \t]{0,3}")
# Image for finding stretches of the text that runs may span: digits "0"; look-alikes and gap
# characters "s" (with "?", which stands for any non-ASCII character, "•" and "·" among them);
# the rest, which ends any run, "x".
_REGION_MAP = bytes(
    48 if 48 <= code <= 57 else 115 if chr(code) in "OoIlSBZ| \t-.*~/_()[]?" else 120
    for code in range(256)
)
# A whole stretch (possessive, so linear) with at least _MIN_REAL_DIGITS digits.
_DIGIT_REGION_RE = re.compile(rb"(?<![0s])s*+0s*+0s*+0s*+0[0s]*+")
_LETTER_ONLY_OK = frozenset("OIlSBZ|")
_GROUP_OK = _LETTER_ONLY_OK | {"o"}  # "723-79-oo-66": a lower-case o alone is Spanish "or"
_MAX_PIPE_CHUNK = 5  # "7|3", "0|23": a pipe inside a phone-group-sized word is a 1
_MIN_REAL_DIGITS = 4
_MIN_REAL_DIGITS_ALONE = 6
_MAX_LETTER_ONLY = 4


@dataclass(frozen=True, slots=True)
class _Chunk:
    start: int
    end: int
    text: str
    real_digits: int

    @property
    def letters(self) -> int:
        return len(self.text) - self.real_digits


def _chunk(start: int, text: str) -> _Chunk:
    real = len(text) if text.isdigit() else sum(map(str.isdigit, text))
    return _Chunk(start, start + len(text), text, real)


def _chunks(text: str, start: int = 0, end: int | None = None) -> list[_Chunk]:
    """Standalone digit/look-alike words (of text[start:end], their ends judged on the whole
    text), pipes splitting those too long to be one group."""
    chunks: list[_Chunk] = []
    # One character past the end, so that a word ending there is seen to end (no word can start
    # on it: callers end the span on a character no chunk holds).
    stop = len(text) if end is None else min(end + 1, len(text))
    for match in _CHUNK_RE.finditer(text, start, stop):
        word, start = match.group(), match.start()
        pipes_are_ones = (
            len(word) <= _MAX_PIPE_CHUNK and not word.startswith("|") and not word.endswith("|")
        )
        if "|" not in word or pipes_are_ones:
            chunks.append(_chunk(start, word))
            continue
        offset = 0
        for piece in word.split("|"):  # the pipes separate groups: "713|555|0123"
            if piece:
                chunks.append(_chunk(start + offset, piece))
            offset += len(piece) + 1
    return chunks


def _runs(text: str, chunks: list[_Chunk]) -> list[list[_Chunk]]:
    """Chunks grouped into runs joined by short separators."""
    runs: list[list[_Chunk]] = []
    for chunk in chunks:
        if runs:
            previous = runs[-1][-1]
            gap = text[previous.end : chunk.start]
            if _CHUNK_GAP_RE.fullmatch(gap) is not None:
                runs[-1].append(chunk)
                continue
        runs.append([chunk])
    return runs


def _converted_chunks(text: str, run: list[_Chunk]) -> list[_Chunk]:
    """The chunks of a run to convert: none unless the run clearly is a number."""
    real = sum(chunk.real_digits for chunk in run)
    mixed_letters = sum(chunk.letters for chunk in run if chunk.real_digits)
    if real < _MIN_REAL_DIGITS or mixed_letters > real:
        return []
    chosen: list[_Chunk] = []
    for index, chunk in enumerate(run):
        if chunk.real_digits:
            if chunk.letters and ("Z" not in chunk.text or chunk.real_digits >= 2):
                chosen.append(chunk)
        elif _is_letter_only_group(text, run, index):
            chosen.append(chunk)
    if real + sum(chunk.letters for chunk in chosen) < _MIN_RUN_DIGITS:
        return []
    if not mixed_letters and (
        real < _MIN_REAL_DIGITS_ALONE or any(len(c.text) < 2 for c in chosen)
    ):
        return []  # only whole letter groups ("667-95-SS-98"): demand more real digits
    return chosen


def _is_letter_only_group(text: str, run: list[_Chunk], index: int) -> bool:
    """Whether a chunk with no digit stands for digits: between digit groups ("713 SSS 0123"),
    as a bracketed area code or trunk ("(BI) 63IB", "+44 (o)7502"), or as the "+I" of NANP.
    """
    chunk = run[index]
    if len(chunk.text) > _MAX_LETTER_ONLY:
        return False
    if index == len(run) - 1:
        # A last group of letters after digit groups: "736.40.23.BS" (checked again by caller)
        return index > 0 and bool(run[index - 1].real_digits) and set(chunk.text) <= _GROUP_OK
    if not run[index + 1].real_digits:
        return False
    before = text[chunk.start - 1 : chunk.start]
    bracketed = before == "(" and text[chunk.end : chunk.end + 1] == ")"
    if bracketed:
        return set(chunk.text) <= _LETTER_ONLY_OK | {"o"}
    if before == "+":
        return chunk.text in ("I", "l", "|")
    if len(chunk.text) >= 2:
        return index > 0 and bool(run[index - 1].real_digits) and set(chunk.text) <= _GROUP_OK
    return index > 0 and bool(run[index - 1].real_digits) and set(chunk.text) <= _LETTER_ONLY_OK


def _has_mixed_word(mapped: bytes) -> bool:
    """Whether the image holds a word of digits and look-alikes only, with both in it."""
    for pair in (b"0L", b"L0"):
        index = mapped.find(pair)
        while index != -1:
            low, high = index, index + 2
            while low > 0 and mapped[low - 1] in _WORD_BYTES:
                low -= 1
            while high < len(mapped) and mapped[high] in _WORD_BYTES:
                high += 1
            if b"a" not in mapped[low:high]:
                return True
            index = mapped.find(pair, high)
    return False


def _decode_lookalikes(text: str, raw: bytes, screened: _Screened | None) -> str:
    """Text with look-alike letters as digits inside runs that are clearly phone numbers; `raw`
    is `text.encode("ascii", "replace")`, `screened` what `_screen` found in it (None: not
    screened)."""
    if screened is not None:
        if not screened.lookalike:
            return text
    else:
        mapped = raw.translate(_LOOKALIKE_MAP)
        if not _has_mixed_word(mapped) and _LETTER_GROUP_RE.search(mapped) is None:
            return text
    # Only the stretches of chunk and gap characters holding 4 digits or more can hold a run
    # with the real digits a conversion needs; no run crosses their ends.
    image = raw.translate(_REGION_MAP)
    chunks = [
        chunk
        for region in _DIGIT_REGION_RE.finditer(image)
        for chunk in _chunks(text, *region.span())
    ]
    chosen = [chunk for run in _runs(text, chunks) for chunk in _converted_chunks(text, run)]
    if not chosen:
        return text
    pieces: list[str] = []
    last = 0
    for chunk in chosen:
        pieces.append(text[last : chunk.start])
        pieces.append(chunk.text.translate(_LOOKALIKE_TABLE))
        last = chunk.end
    pieces.append(text[last:])
    return "".join(pieces)


def decode_digits(text: str) -> str:
    """Return text with obfuscated digits decoded (spelled digits in English/Spanish, look-alike
    letters inside digit runs, emoji keycaps, full-width/other Unicode digits), for phone search.

    The result is meant for a digit search, not for display: Unicode digits, spaces and dashes
    become ASCII, zero-width characters and emoji marks disappear, and words or letters become
    digits only inside runs long enough to be a phone number (7 digits or more). Everything else is
    unchanged. Never raises; linear in the length of the text.

    >>> decode_digits("call seven one three, 5five5 O1Z3")
    'call 7 1 3  555 0123'
    """
    return _decoded(text, thorough=True)


def decode_digits_quickly(text: str) -> str:
    """Return text decoded like `decode_digits`, except for digit words glued together with no
    digit or separate digit word near them ("sixzerofour fivefivefive zeroonetwozero").

    Several times cheaper on long texts; a caller that finds nothing in its result can fall back
    to `decode_digits`.
    """
    return _decoded(text, thorough=False)


def decode_digits_thoroughly_if_different(text: str) -> str | None:
    """Return `decode_digits(text)` when it may differ from `decode_digits_quickly(text)`, else
    None.

    For a caller that already holds the quick decoding: the two differ only when the text has
    digit words glued together and no digit glued to a digit word, which a cheap look at its
    words tells.
    """
    raw = _fold_unicode(text).encode("ascii", "replace")
    if not _has_glued_word_run(_words_of(raw)) or _has_glued_digit_words(raw):
        return None
    return _decoded(text, thorough=True)


def _decoded(text: str, *, thorough: bool) -> str:
    # One scan of the text tells most texts (nothing to fold, spell out, convert or unpace) to
    # stay as they are. Otherwise one ASCII image of the text and one scan of it serve the
    # screens of every pass; a pass that changes the text (rare) makes a new image and screens it
    # again.
    found = None if thorough else _text_screen(text)
    if found is None or _FOLD_SCREEN in found:  # thorough, or characters to fold first
        folded = _fold_unicode(text) if found is None else _folded(text)
        raw = folded.encode("ascii", "replace")
        screened = _screen(raw)
        paced = True
    elif not found:
        return text
    else:
        folded = text
        raw = text.encode("ascii", "replace")
        screened = _screened(found)
        paced = _COMMA_SCREEN in found
    spelled = _decode_spelled(folded, raw, thorough=thorough, screened=screened)
    if spelled is not folded:
        raw = spelled.encode("ascii", "replace")
        screened = _screen(raw)
        paced = True
    commas = _decode_comma_digits(spelled, raw) if paced else spelled
    if commas is not spelled:
        raw = commas.encode("ascii", "replace")
        screened = _screen(raw)
    return _decode_lookalikes(commas, raw, screened)


# --- one scan for all screens -------------------------------------------------------------------

# The byte screens above, written for RE2 (no lookarounds) on the ASCII image of the text itself:
# RE2 runs them all in one linear pass, several times cheaper than the byte images and `re`
# scans they replace. Each tells exactly what its counterpart tells (tests/ads/test_obfuscation.py
# checks them against each other).
_NOT_ALNUM = "[^a-zA-Z0-9]"


def _screen_patterns(flags: str, digit_word: str) -> tuple[str, ...]:
    """The screens, for a digit word expression and the flags that make it caseless."""
    return (
        # 0, 1: `_has_glued_digit_words` ("7one3", "cero6", "972 fivefive", "fivefive 972")
        f"{flags}[0-9](?:{digit_word}|{_NOT_ALNUM}{{1,3}}{digit_word}{digit_word})",
        f"{flags}(?:{digit_word}|{digit_word}{digit_word}{_NOT_ALNUM}{{1,3}})[0-9]",
        # 2: `_standalone_digit_words` finds some: a whole ASCII word is a digit word
        f"{flags}(?:^|[^a-zA-Z]){digit_word}(?:[^a-zA-Z]|$)",
        # 3: `_has_mixed_word`: a word of digits and look-alikes only, with both side by side
        "(?:^|[^0-9A-Za-z|])[0-9OoIl|SBZ]*(?:[0-9][OoIl|SBZ]|[OoIl|SBZ][0-9])[0-9OoIl|SBZ]*"
        "(?:[^0-9A-Za-z|]|$)",
        # 4: `_LETTER_GROUP_RE`: a group of 2 to 4 look-alikes after a digit group
        r"[0-9][ \-.*~/_()]{1,3}[OoIl|SBZ]{2,4}(?:[^0-9A-Za-z|]|$)",
    )


def _ascii_caseless(pattern: str) -> str:
    """The pattern with each letter a class of its two ASCII cases: RE2's (?i) on UTF-8 text
    would also match "ſ" or the Kelvin sign, which the ASCII image of the text shows as "?"."""
    return "".join(f"[{char}{char.upper()}]" if char.isalpha() else char for char in pattern)


_SCREENS = _screen_patterns("(?i)", f"(?:{_SCREEN_ALTERNATION})")


@dataclass(frozen=True, slots=True)
class _Screened:
    """What the screens found in a text."""

    glued: bool  # a digit word glued to a digit
    digit_word: bool  # a standalone digit word
    lookalike: bool  # a word mixing digits and look-alike letters, or a group of look-alikes


_NOTHING = _Screened(glued=False, digit_word=False, lookalike=False)


def _screen_set() -> Any:
    screens = re2.Set.SearchSet(re2.Options())
    for pattern in _SCREENS:
        screens.Add(pattern.encode())
    screens.Compile()
    return screens


_SCREEN_SET = _screen_set()


def _screen(raw: bytes) -> _Screened:
    """What the screens find in `raw`, the ASCII image of a text."""
    found = _SCREEN_SET.Match(raw)
    return _screened(found) if found else _NOTHING


def _screened(found: list[int]) -> _Screened:
    """What the screens found, from the indexes of those that matched (those of `_SCREENS`)."""
    return _Screened(
        glued=0 in found or 1 in found,
        digit_word=2 in found,
        lookalike=3 in found or 4 in found,
    )


# The same screens on the text itself (UTF-8, where RE2 reads a non-ASCII character as one
# character, like the "?" that stands for it in the ASCII image), with two more: one for the
# pass of comma-paced digits and one for the characters the Unicode pass folds. A text that none
# of them finds is decoded as it is, without an image; one with characters to fold is screened
# again once folded.
_COMMA_SCREEN = len(_SCREENS)  # "7,1,3", "7, 1, 3": what `_decode_comma_digits` looks for
_FOLD_SCREEN = _COMMA_SCREEN + 1


@cache
def _text_screen_set() -> Any:
    """The screens for texts, built on first use: the class of foldable characters needs the
    Unicode tables (~15 ms)."""
    marks = "".join(f"\\x{{{ord(char):x}}}" for char in sorted(_COMMON_MARK_SET))
    patterns = (
        *_screen_patterns("", f"(?:{_ascii_caseless(_SCREEN_ALTERNATION)})"),
        "[0-9],[0-9],[0-9]|[0-9], [0-9], [0-9]",
        f"[{_re2_class(_foldable_chars())}]|[0-9][{marks}]|[{marks}][0-9]",
    )
    screens = re2.Set.SearchSet(re2.Options())
    for pattern in patterns:
        screens.Add(pattern.encode())
    screens.Compile()
    return screens


def _re2_class(chars: tuple[str, ...]) -> str:
    """The body of an RE2 character class holding the (sorted) characters, as ranges."""
    ranges: list[list[int]] = []
    for code in map(ord, chars):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(
        f"\\x{{{low:x}}}" if low == high else f"\\x{{{low:x}}}-\\x{{{high:x}}}"
        for low, high in ranges
    )


def _text_screen(text: str) -> list[int] | None:
    """The indexes of the text screens that match the text (`_SCREENS`, then `_COMMA_SCREEN`
    and `_FOLD_SCREEN`), or None when it cannot be encoded (lone surrogates)."""
    try:
        utf8 = text.encode()
    except UnicodeEncodeError:
        return None
    found: list[int] | None = _text_screen_set().Match(utf8)  # None when nothing matches
    return found or []
