"""Prices in ad text: amount, currency and the unit of time it buys.

Ads write prices as "$200", "150hh 250h 1000 overnight", "hh: 150 / h: 250", "300 roses",
"1.500 pesos la hora", "media hora 800". Every number in the text is a candidate; it becomes a
price when a currency, a price code ("roses", "donation") or a unit of time stands beside it,
and it is rejected when its surroundings show it is an age ("23 yo"), a measurement ("34-24-36",
"120 lbs", "5'6"), a phone number, a date, a time ("10pm", "10:30"), a duration ("24 hours",
the "30" of "30 min 100") or a quantity.

When the same unit word could belong to the number before or after it ("hh 150 h 250"), the
text's own style decides: if its first priced number has its unit in front, units are read in
front throughout; each unit word prices one number only.

Speed: a regex that starts with a character class ("\\d") tests every character of the text in
turn, which costs more than all the rest of this extractor. Digit runs are therefore found in a
byte copy of the text in which every digit is "0" (`_digit_classes`), so that the scan starts on
a literal. What the words after a number say about it is read with anchored matches at its end
(`_NOT_AFTER`, `_AFTER`), skipped when the character after it cannot start a word of theirs; the
words before it are read once per distinct 32 characters (`_left_context`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from lightkeeper.ads.extract.bytescan import ascii_lowered, digit_classes
from lightkeeper.ads.types import Price

_DOLLAR_CURRENCIES = frozenset({"USD", "CAD", "MXN", "AUD", "NZD", "SGD", "HKD"})
_PESO_CURRENCIES = frozenset({"MXN", "COP", "ARS", "CLP", "DOP", "UYU", "PHP"})
_MAX_AMOUNT = 1_000_000
# A bare number is a price only with a unit and from 25: "de 12 a 24h" is a time of day.
_MIN_BARE_AMOUNT = 25
_MAX_BARE_AMOUNT = 100_000
_LEFT_WINDOW = 32

_UNIT = (
    r"(?P<{p}half_hour>hh\b|half[\s-]?(?:an?\s+|)h(?:ou|)r\b|1/2\s*(?:h(?:ou|)r|h|hora)\b|½\s*h"
    r"(?:ou|)r?\b|30\s*(?:min(?:ute|)s?|mins?|m|minutos)\b|media\s+hora\b)"
    r"|(?P<{p}q15>15\s*(?:min(?:ute|)s?|m|minutos)\b|qv\b|quick\s*visit\b|quickie\b)"
    r"|(?P<{p}session>sessions?\b|sesi[oóÓ]n\b|visit\b|visita\b"
    r"|(?:2|3|4|two|three|four|dos|tres)\s*(?:h(?:ou|)rs?|hours|horas)\b"
    r"|(?:45|90|120)\s*(?:min(?:ute|)s?|minutos)\b|dinner\s*date\b)"
    r"|(?P<{p}night>over[\s-]*night\b|all[\s-]*night\b|full\s*night\b|night\b|nite\b"
    r"|toda\s+la\s+noche\b|noche\b|ovn\b|o/n\b)"
    r"|(?P<{p}hour>(?:1|one|an|una)\s*(?:h(?:ou|)r|hour|hora|h)\b|60\s*(?:min(?:ute|)s?|minutos)\b"
    r"|hour\b|hr\b|hrs\b|hora\b|h\b|hourly\b)"
)
_UNIT_GROUPS = ("half_hour", "q15", "session", "night", "hour")
_UNIT_NAMES = {
    "half_hour": "half_hour",
    "q15": "15min",
    "session": "session",
    "night": "night",
    "hour": "hour",
}
_CURRENCY = (
    r"us\$|usd|mx\$|mxn|c\$|ca\$|cad|cdn\$?|au\$|a\$|aud|euros?|eur|€|gbp|£|quid"
    r"|dollars?|d[oóÓ]lares|dlls?|dls|bucks|pesos?|mn\b|\$"
)
_CODE = r"roses?|rosas?|donations?|donativos?|donaci[oóÓ]n"

_NOT_PRICE_WORDS = (
    r"\s*(?:yo\b|y/o|y\.o|yrs?\b|years?\b|a[ñÑn]os\b|a[ñÑn]itos\b|lbs?\b|pounds\b|libras\b|kg\b"
    r"|kilos?\b|cm\b|ft\b|feet\b|inch|\"|%|am\b|pm\b|a\.m|p\.m|st\b|nd\b|rd\b|th\b|mi\b"
    r"|miles\b|km\b|x\s*\d|\+|hours\b|horas\b|h(?:ou|)rs\s*(?:a|/|per)\s*day|days?\b|d[iíÍ]as\b"
    r"|girls?\b|chicas?\b|stars?\b|photos?\b|pics?\b|reviews?\b)"
)
_PHONE_DIGITS = 9  # a group of runs with this many digits is a phone number or an id
# Digit runs ("1,500", "9:30", "34-24-36", as `\d+(?:[.,:'’\-]\d+)*` finds them) and the groups
# they form ("713 555 0123") are found over `_digit_classes`, one letter per character (see
# `bytescan.DIGIT_CLASS_TABLE`): "0" a digit; "c" or "q" (",:'’") a separator inside a run; "g" or
# "+" (" ()+") a gap between the runs of one group; "d" or "h" (".-") either; anything else ends
# a group. "00*" rather than "0+": a leading literal lets the regex engine skip ahead to the next
# digit. `more` is set when a group holds more than one run.
_CLASS_RUN = re.compile(rb"00*(?:[cqdh]0+)*")
_CLASS_GROUP = re.compile(rb"00*(?:[cqdh]0+)*(?:(?P<more>(?:[g+dh]{1,3}0+(?:[cqdh]0+)*)+)|)")

_CUP_SIZE = r"[a-g]{1,3}\b"
_QUANTITY_AFTER = (
    r"\s*(?:(?P<hours>h(?:ou|)rs?\b|hours?\b|horas?\b|h\b)"
    r"|(?P<minutes>min(?:ute|)s?\b|minutos\b|m\b))"
)
# The patterns write an optional group "(?:X|)", not "(?:X)?": the regex engine runs the latter
# as a repeat, which costs several times an alternation with an empty branch.
# What the words right after a number say about it, read in anchored matches at its end. First
# what rules it out (`not_price`: an age, a size, a time, a count; a date; a bra size; the "30" of
# "30 min"), then, for the numbers still standing, the words that make it a price. Two matches,
# as the second, much the dearer, is not needed for a third of the numbers. All groups are
# optional, so neither match fails.
_NOT_AFTER = re.compile(
    r"(?:(?P<not_price>(?=" + _NOT_PRICE_WORDS + r"))"
    r"|(?=(?P<slash_digit>/\s*\d)|)"
    r"(?=(?P<per_quantity>/\s*(?:" + _UNIT.format(p="s_") + r"))|)"
    r"(?=(?P<cup>" + _CUP_SIZE + r")|)"
    r"(?=(?:" + _QUANTITY_AFTER + r")|))"
)
_NOT_AFTER_GROUPS = ("not_price", "slash_digit", "per_quantity", "cup", "hours", "minutes")
_AFTER = re.compile(
    r"(?:(?P<k>k\b)|)(?:\s*(?P<cur>" + _CURRENCY + r")|)(?:\s*(?P<code>" + _CODE + r")|)"
    r"(?P<glue>\s*(?:/|per\b|x\b|por\b|la\b|el\b|a\b|an\b|for\s+(?:an?\s+|1\s+|)|each\b|cada\b"
    r"|-|)\s*)"
    r"(?:(?P<unit>" + _UNIT.format(p="r_") + r")|)"
    r"(?:(?P<label>\s*[:=])|)"  # a unit followed by ":" labels the next number ("150 / h: 250")
)
_AFTER_GROUPS = ("k", "cur", "code", "unit", "label", "glue")
# Every character `_NOT_AFTER` or `_AFTER` can start with, besides whitespace (a test keeps this
# in step with the patterns). After any other character, or none, they find nothing: both matches
# are skipped for the numbers followed by ",", ".", ")", an emoji...
_AFTER_STARTS = frozenset('abcdefghiklmnopqrstuvxy0123456789$€£½"%+/-:=')
_LEFT_ENDS = "$€£:=-–>|@½"
_SEPARATORS = ":=-–>|@"
_SEPARATOR_WORDS = ("is", "es", "rate", "price", "precio")


def _unit_phrases() -> dict[str, str]:
    """Every spelling of a unit as it may stand before a number ("hh", "1 hr", "media hora").

    Reading what stands before a number by dictionary look-ups of its last characters is many
    times faster than a regex search ending at the number. Each phrase must also match `_UNIT`
    with the same unit (a test keeps the two in step).
    """
    minutes = ("min", "mins", "minute", "minutes", "minutos", "m")
    hours = ("hr", "hrs", "hour", "hours", "horas")
    table: dict[str, str] = {}

    def add(unit: str, *phrases: str) -> None:
        table.update(dict.fromkeys(phrases, unit))

    def counted(unit: str, counts: tuple[str, ...], words: tuple[str, ...]) -> None:
        for count in counts:
            for word in words:
                add(unit, f"{count} {word}", f"{count}{word}" if count.isdigit() else "")

    add("half_hour", "hh", "half hour", "half-hour", "halfhour", "half an hour", "half a hour")
    add("half_hour", "half hr", "half-hr", "media hora", "½ hr", "½hr", "½ hour", "½h", "½ h")
    counted("half_hour", ("1/2",), ("hr", "hour", "h", "hora"))
    counted("half_hour", ("30",), minutes)
    add("15min", "qv", "quick visit", "quickie")
    counted("15min", ("15",), minutes)
    add("session", "session", "sessions", "sesion", "sesión", "visit", "visita", "dinner date")
    counted("session", ("2", "3", "4", "two", "three", "four", "dos", "tres"), hours)
    counted("session", ("45", "90", "120"), minutes[:-1])
    add("night", "overnight", "over night", "over-night", "all night", "all-night", "night")
    add("night", "full night", "nite", "toda la noche", "noche", "ovn", "o/n")
    add("hour", "hour", "hr", "hrs", "hora", "h", "hourly")
    counted("hour", ("1", "one", "an", "una"), ("hr", "hour", "hora", "h"))
    counted("hour", ("60",), minutes[:-1])
    table.pop("", None)
    return table


_UNIT_PHRASES = _unit_phrases()
_CODE_PHRASES = dict.fromkeys(
    # Plural only: "Rose 25" before a number is more often a name than a price code.
    ("roses", "rosas", "donation", "donations", "donativo", "donativos", "donacion"),
    "roses",
) | {"donación": "roses"}
_CURRENCY_PHRASES = dict.fromkeys(
    ("us$", "usd", "mx$", "mxn", "c$", "ca$", "cad", "cdn", "cdn$"), ""
)
_CURRENCY_PHRASES.update(dict.fromkeys(("au$", "a$", "aud", "eur", "€", "gbp", "£", "$"), ""))


_CURRENCY_KEYS = tuple(_CURRENCY_PHRASES)
_MAX_UNIT_WORDS = max(len(p.split()) for p in _UNIT_PHRASES)
_OPENERS = "([{|/,;*•"
# The last word of every unit phrase: most words before a number end none ("rates", "min").
_UNIT_LAST_WORDS = frozenset(phrase.split()[-1] for phrase in _UNIT_PHRASES)
# Every word that may end what `_left_context` reads once the separators after it are dropped.
_LEFT_LAST_WORDS = _UNIT_LAST_WORDS | frozenset(_CODE_PHRASES)


# What is written right after a number: thousands ("k"), currency word, code, (unit, position,
# attached).
_Right = tuple[bool, str | None, str, tuple[str, int, bool] | None]
# What is written right before a number: currency word, code, (unit, position, separated).
_Left = tuple[str | None, str, tuple[str, int, bool] | None]


# A number that may be a price: (position, amount, currency, code, unit written after it, unit
# written before it), the units as (unit, unit position, attached / separated). A tuple rather than
# an object: one is made for one number in five.
_Candidate = tuple[
    int, float, str | None, str, tuple[str, int, bool] | None, tuple[str, int, bool] | None
]


def extract_prices(
    text: str, *, default_currency: str = "USD", low: str | None = None
) -> list[Price]:
    """Prices in `text`, in order of appearance, without repeats.

    Currency from symbols and words ($, US$, €, £, MXN, "pesos", CAD...), a bare "$" or number in
    `default_currency` (the ISO 4217 code of the ad's country). Units: "hour", "half_hour",
    "15min", "night", "session", or "unknown" for a sum with a currency but no unit. "roses" /
    "donation" / "rosas" give code="roses" in the default currency. `low`, when given, is
    `bytescan.ascii_lowered(text)`, shared with the other extractors of the ad.
    """
    default = default_currency.upper()
    return _priced(_candidates(ascii_lowered(text) if low is None else low, default), default)


def _candidates(low: str, default: str) -> list[_Candidate]:
    """Every number of `low` that is not ruled out as a non-price and has something beside it.

    The hot loop of this extractor: checks run cheapest first, and the groups of a match are
    read in one call.
    """
    found: list[_Candidate] = []
    for start, end in _runs_outside_phones(low):
        before = low[start - 1] if start else ""
        if before == "/" and start > 1 and low[start - 2].isdigit():
            continue  # the second part of a date, "24/7" or "1/2"
        if before == "_":
            continue  # digits of a handle or an email ("bella_7440"): no word can end at them
        run = low[start:end]
        amount = (float(run) if end - start <= 7 else None) if run.isdigit() else _amount(run)
        if amount is None:
            continue
        if before == " ":
            i = start - 2
            while i >= 0 and low[i] == " ":
                i -= 1
            left_possible = i >= 0 and (low[i].isalpha() or low[i] in _LEFT_ENDS)
        else:
            left_possible = before.isalpha() or (before != "" and before in _LEFT_ENDS)
        left = _left_side(low, start) if left_possible else None
        if before.isalpha() and (left is None or (left[0] is None and left[2] is None)):
            continue  # digits inside a name, handle or email: "summer_rose3510", "sara23"
        following = low[end : end + 1]
        right: _Right | None = None
        if following in _AFTER_STARTS or following.isspace():
            checks = _NOT_AFTER.match(low, end)
            # Most numbers: no group takes part, nothing after them says they are not a price.
            if checks is None or (
                checks.lastindex is not None
                and _is_not_price(amount, checks.group(*_NOT_AFTER_GROUPS))
            ):
                continue
            after = _AFTER.match(low, end)
            if after is not None:
                right = _right_side(after)
        if left is not None or right is not None:
            candidate = _candidate_at(start, amount, default, left, right)
            if candidate is not None:
                found.append(candidate)
    return found


def _runs_outside_phones(low: str) -> list[tuple[int, int]]:
    """Spans of the digit runs of `low`, less those that belong to a phone number or an id.

    Runs a few separators apart form a group; a group of 9 or more digits is a phone number or an
    id ("713 555 0123", "(713) 555-0123", "Ref 9425503850") and none of its runs is a price.
    """
    classes = _digit_classes(low)
    kept: list[tuple[int, int]] = []
    for group in _CLASS_GROUP.finditer(classes):
        start, end = group.span()
        if end - start >= _PHONE_DIGITS and classes.count(b"0", start, end) >= _PHONE_DIGITS:
            continue
        if group.lastindex is None:  # one run
            kept.append((start, end))
        else:
            kept.extend(run.span() for run in _CLASS_RUN.finditer(classes, start, end))
    return kept


def _digit_classes(low: str) -> bytes:
    """`bytescan.digit_classes(low)`, the digits outside ASCII ("５", "u" there) as "0"."""
    classes = digit_classes(low)
    return classes if classes.find(b"u") < 0 else classes.replace(b"u", b"0")


def _amount(run: str) -> float | None:
    """The value of a digit run ("1,500", "1.500", "150.00", "2.5"), or None if not an amount.

    Runs with ":", "-" or an apostrophe are times, dates, measurements or heights.
    """
    if run.isdigit():
        return float(run) if len(run) <= 7 else None
    if ":" in run or "-" in run or "'" in run or "’" in run:
        return None
    groups = run.replace(",", ".").split(".")
    middle = {len(g) for g in groups[1:-1]}
    if len(groups[-1]) == 3 and middle <= {3} and len(groups[0]) <= 3:
        return float("".join(groups))  # thousands: "1,500", "1.500", "1,000,000"
    if len(groups[-1]) <= 2 and middle <= {3}:
        return float("".join(groups[:-1]) + "." + groups[-1])  # decimals: "150.00", "2.5"
    return None


def _is_not_price(amount: float, groups: tuple[str | None, ...]) -> bool:
    """True when the words right after a number (`_NOT_AFTER_GROUPS`) show it is not a price."""
    not_price, slash_digit, per_quantity, cup, hours, minutes = groups
    if not_price is not None:
        return True
    if slash_digit is not None and per_quantity is None:
        return True  # a date or "24/7", unless it is "100/30min"
    if cup is not None and 28 <= amount <= 48:
        return True  # bra size: "34dd", "36c"
    if hours and amount <= 12:
        return True  # the "1" of "1 hr 200"
    # the "30" of "30 min 100"
    return bool(minutes) and amount in (15, 20, 30, 45, 60, 90, 120)


def _right_side(after: re.Match[str]) -> _Right | None:
    """Thousands, currency word, code and unit written after a number, or None if none is."""
    k, currency_word, code_word, unit_text, label, glue = after.group(*_AFTER_GROUPS)
    unit: tuple[str, int, bool] | None = None
    if unit_text is not None and label is None:
        unit = _right_unit(after, unit_text, glue or "")
    if not (k or currency_word or code_word or unit):
        return None
    return bool(k), currency_word, "roses" if code_word else "", unit


def _candidate_at(
    start: int, amount: float, default: str, left: _Left | None, right: _Right | None
) -> _Candidate | None:
    """The number at `start` with the currency, code and units written beside it.

    None when nothing beside it could make it a price: such a number takes no unit word from
    another one either.
    """
    currency_word: str | None = None
    code = ""
    right_unit: tuple[str, int, bool] | None = None
    if right is not None:
        thousands, currency_word, code, right_unit = right
        if thousands:
            amount *= 1000
    left_unit: tuple[str, int, bool] | None = None
    if left is not None:
        before_currency, before_code, left_unit = left
        currency_word = currency_word or before_currency
        code = code or before_code
    if currency_word is None and not code and right_unit is None and left_unit is None:
        return None
    currency = _currency(currency_word, default) if currency_word else None
    if not 0 < amount <= _MAX_AMOUNT:
        return None
    return start, amount, currency, code, right_unit, left_unit


def _right_unit(after: re.Match[str], unit_text: str, glue: str) -> tuple[str, int, bool]:
    """The unit written after a number, its position and whether it is attached to it.

    Attached: nothing between ("150hh"), or a word or slash that means "per" ("150/hr",
    "150 per hour", "1500 x hora"). A spaced slash or dash separates list items instead
    ("100 / 1 hr 180"). A unit followed by ":" labels the next number ("150 / h: 250") and is
    not read here.
    """
    word = glue.strip()
    if word in ("", "-"):
        attached = glue == ""
    elif word == "/":
        attached = not (glue.startswith(" ") and glue.endswith(" "))
    else:
        attached = True
    unit = _UNIT_PHRASES.get(" ".join(unit_text.split())) or next(
        _UNIT_NAMES[g] for g in _UNIT_GROUPS if after.group("r_" + g)
    )
    return unit, after.start("unit"), attached


def _left_side(low: str, start: int) -> _Left | None:
    """Currency word, code and (unit, position, separated) written before the number at `start`.

    None when there is none of them (the caller reads None as it reads (None, "", None)).
    The caller has checked that the last character before the number, past spaces, is a letter or
    one of `_LEFT_ENDS`: a unit, code or currency ends in one.
    """
    window_start = start - _LEFT_WINDOW if start > _LEFT_WINDOW else 0
    seg = low[window_start:start]
    words = seg.rsplit(None, 1)
    if not words or _is_plain_word(words[-1]):
        return None
    currency, code, unit = _left_context(seg)
    if unit is not None:
        unit = (unit[0], window_start + unit[1], unit[2])
    return currency, code, unit


def _ends_in_plain_word(seg: str) -> bool:
    """True when the last word of `seg` shows that `_left_context(seg)` finds nothing."""
    words = seg.rsplit(None, 1)
    return not words or _is_plain_word(words[-1])


# Three words in four before a number are plain; the same few words ("de", "rates:") come back
# in every ad.
@lru_cache(maxsize=16_384)
def _is_plain_word(word: str) -> bool:
    """True when `word`, ending the text before a number, shows `_left_context` finds nothing.

    Three words in four before a number are such words ("de", "rates:", "10am-"): one look-up
    instead of reading the last few words. Mirrors the first steps of `_left_context`: a word that
    ends in a currency, is only separators or is a separator word sends it there.
    """
    if not word.isascii():
        word = word.lower()  # as `_left_context` lower-cases `seg`
    if word.endswith(_CURRENCY_KEYS):
        return False
    core = word.rstrip(_SEPARATORS)
    if not core or (len(core) == len(word) and core in _SEPARATOR_WORDS):
        return False
    return core not in _LEFT_LAST_WORDS and core.lstrip(_OPENERS) not in _UNIT_LAST_WORDS


# The words before numbers repeat across an operator's ads ("30 min $"): about half of them in the
# synthetic corpus. A bounded cache reads each once.
@lru_cache(maxsize=16_384)
def _left_context(seg: str) -> _Left:
    """Currency word, price code and (unit, position in `seg`, separated) ending `seg`.

    `seg` is the text right before a number. Read right to left over the last few words, as ads
    write them: a unit, a separator, a code, a currency ("hh: $150", "hora $800", "roses: 150",
    "1 hr 200"). Word look-ups in tables are many times faster than a regex search that must end
    at the number.
    """
    if not seg.isascii():
        seg = seg.lower()  # `ascii_lowered` kept letters outside ASCII as they were ("SESIÓN")
    words = seg.rsplit(None, _MAX_UNIT_WORDS + 3)[-(_MAX_UNIT_WORDS + 3) :]
    currency = _currency_ending(words)
    separated = _drop_separators(words)
    code = ""
    if words and words[-1] in _CODE_PHRASES:
        code = "roses"
        words.pop()
        separated = _drop_separators(words)
    unit = _unit_ending(words)
    if unit is None:
        return currency, code, None
    phrase, count = unit
    position = len(seg)
    for word in reversed(words[-count:]):
        position = seg.rfind(word, 0, position)
    return currency, code, (phrase, position, separated)


def _currency_ending(words: list[str]) -> str | None:
    """Remove a currency written at the end of `words` ("$", "us$", "usd") and return it."""
    if not words or not words[-1].endswith(_CURRENCY_KEYS):
        return None
    last = words[-1]
    for length in range(min(4, len(last)), 0, -1):
        tail = last[-length:]
        if tail in _CURRENCY_PHRASES and (len(last) == length or not last[-length - 1].isalpha()):
            rest = last[:-length]
            if rest:
                words[-1] = rest
            else:
                words.pop()
            return tail
    return None


def _drop_separators(words: list[str]) -> bool:
    """Remove a separator (":", "=", "-", "is", "precio") ending `words`; True if there was one."""
    if not words:
        return False
    last = words[-1].rstrip(_SEPARATORS)
    if last != words[-1]:
        if last:
            words[-1] = last
        else:
            words.pop()
        return True
    if last in _SEPARATOR_WORDS:
        words.pop()
        return True
    return False


def _unit_ending(words: list[str]) -> tuple[str, int] | None:
    """The unit whose phrase is the last one to three of `words`, and how many words it takes."""
    if not words or (
        words[-1] not in _UNIT_LAST_WORDS and words[-1].lstrip(_OPENERS) not in _UNIT_LAST_WORDS
    ):
        return None
    for count in range(min(_MAX_UNIT_WORDS, len(words)), 0, -1):
        tail = words[-count:]
        phrase = " ".join(tail).lstrip(_OPENERS)
        unit = _UNIT_PHRASES.get(phrase)
        if unit is not None:
            return unit, count
    return None


def _currency(word: str, default: str) -> str:
    """ISO 4217 code of a currency symbol or word, given the ad's default currency."""
    if word in ("us$", "usd"):
        return "USD"
    if word in ("mx$", "mxn", "mn"):
        return "MXN"
    if word in ("c$", "ca$", "cad", "cdn", "cdn$"):
        return "CAD"
    if word in ("au$", "a$", "aud"):
        return "AUD"
    if word in ("€", "eur", "euro", "euros"):
        return "EUR"
    if word in ("£", "gbp", "quid"):
        return "GBP"
    if word.startswith("peso"):
        return default if default in _PESO_CURRENCIES else "MXN"
    return default if default in _DOLLAR_CURRENCIES else "USD"


def _priced(candidates: list[_Candidate], default: str) -> list[Price]:
    """Prices from the candidates: each unit word is given to one number only."""
    if not candidates:
        return []
    left_style = _units_written_first(candidates)
    used: set[int] = set()
    # Insertion-ordered set of the price fields (linear even for hostile input); a Price is made
    # once the repeats are gone.
    fields: dict[tuple[float, str, str, str], None] = {}
    for _, amount, currency, code, right_unit, left_unit in candidates:
        right = None if right_unit is None or right_unit[1] in used else right_unit
        left = None if left_unit is None or left_unit[1] in used else left_unit
        unit = _chosen_unit(right, left, left_style=left_style)
        if unit is not None:
            used.add(unit[1])
        if (
            currency is None
            and not code
            and (unit is None or not _MIN_BARE_AMOUNT <= amount <= _MAX_BARE_AMOUNT)
        ):
            continue  # a bare number is a price only with a unit, within bounds
        fields[amount, currency or default, "unknown" if unit is None else unit[0], code] = None
    return [_price(*price) for price in fields]


def _units_written_first(candidates: list[_Candidate]) -> bool:
    """True when the first number with a unit beside it has the unit in front ("hh 150")."""
    for _, _, _, _, right, left in candidates:
        right_attached = right is not None and right[2]
        if left is not None and not right_attached:
            return True
        if right is not None:
            return False
    return False


def _chosen_unit(
    right: tuple[str, int, bool] | None, left: tuple[str, int, bool] | None, *, left_style: bool
) -> tuple[str, int, bool] | None:
    """The unit of one number among those after and before it that no number took yet."""
    if right is not None and right[2]:
        return right
    if left is not None and (left[2] or left_style or right is None):
        return left
    return right or left


# Operators repeat their rates across ads: a Price, immutable, is made once per process.
@lru_cache(maxsize=8_192)
def _price(amount: float, currency: str, unit: str, code: str) -> Price:
    """The Price of these fields."""
    return Price(amount, currency, unit, code)
