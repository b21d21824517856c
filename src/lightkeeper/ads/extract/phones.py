"""Phone numbers in ad text, as E.164, robust to obfuscation and to the decoys ads are full of.

How a number is found:

1. `decode_digits` undoes obfuscation (spelled digits, look-alike letters, keycaps, Unicode).
2. *Chains* are found: digit groups joined by phone-like separators (spaces, ``-.*~/_|\\``,
   brackets). Newlines, colons, commas and sentence breaks (". ") end a chain, so digits are never
   joined across them. Chains with fewer than 7 digits (ages, prices, times) never get this far.
3. Decoy groups are cut out of a chain, splitting it: a group after an id keyword ("Post ID:",
   "ref", "order #"...), a currency sign, an age or a month; a group before a unit ("roses",
   "/hr", "lbs", "%"...) or glued to letters ("150hh", "36DD", "10am"); dates ("12/05/2024",
   "2024-05-12") and body measurements ("34-24-36").
4. In what is left, windows of consecutive groups are tried longest first from the left, first
   between *strong* separators (" - ", " | ", " / ": an ad's list of items), then across them.
   A window is a phone when `phonenumbers` says it is valid: in the default region, after an
   explicit "+" or an international prefix ("00", "011"), with a NANP leading "1", after a
   country code written as its own group without "+" ("44 7911 123456"), or, impossible in the
   default region, as the national number of exactly one of GB and ES. Groups are never split,
   so a phone cannot be cut out of a long id.

Parsing is the expensive step (20-60 µs per call), so it runs only on windows whose length can be
a phone in that region, and its results are cached per (digits, region).
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneMetadata

from lightkeeper.ads.extract.obfuscation import (
    decode_digits_quickly,
    decode_digits_thoroughly_if_different,
)
from lightkeeper.ads.extract.phone_validity import valid_e164

__all__ = ["extract_phones"]

_MIN_DIGITS = 7  # shortest national significant number worth a parse in the regions we serve
_MAX_DIGITS = 15  # E.164 maximum, country code included
_MAX_WINDOW = 18  # "011" + 15 digits
_UNKNOWN_REGION = "ZZ"  # phonenumbers' code for "no default region": only "+" numbers parse

# Candidate search on a byte image of the text (digits "0", separators "-", the rest "x"): a
# regex with a literal first byte runs several times faster than one over the text itself.
_SEPARATORS = " \t-.*~/_|\\()[]{}"
_CANDIDATE_MAP = bytes(
    48 if 48 <= code <= 57 else 45 if chr(code) in _SEPARATORS else 120 for code in range(256)
)
# Seven digits at least, each within reach of the next (a separator is at most 10 characters).
# Written out, with possessive repeats (the next byte is a digit or nothing matches anyway): the
# regex engine runs single-byte repeats much faster than a repeated group.
_CANDIDATE_RE = re.compile(rb"0" + rb"-{0,10}+0" * 6 + rb"[0\-]*+")
_SEP = r"(?:[ \t]{1,3}|[ \t]{0,2}[-.*~/_|\\•·()\[\]{}]{1,4}[ \t]{0,2})"
_CHAIN_RE = re.compile(rf"[0-9]++(?:{_SEP}[0-9]++)*")
_GROUP_SPLIT_RE = re.compile(r"([0-9]+)")
_PLUS_RE = re.compile(r"\+[ \t]{0,2}(?:[-.*~/_|][ \t]{0,2})?\Z")
# Separators that join the items of a list rather than the groups of a number: " - ", " | ".
_STRONG_SEP_RE = re.compile(r"[ \t][-*~/_|\\•·]|[-*~/_|\\•·][ \t]")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _reversed(words: frozenset[str]) -> str:
    """A regex alternation of the words spelled backwards, longest first."""
    return "|".join(re.escape(word[::-1]) for word in sorted(words, key=lambda w: (-len(w), w)))


# Words just before a chain that make its first group an identifier, money, an age or a date.
_ID_WORDS = _word_set(
    "listing ref reference referencia order invoice ticket tracking account acct folio pedido "
    "id zip postcode cp c.p"
) | {"zip code", "postal code", "post code", "código postal", "codigo postal"}
# Words that name an id only with "#" or a number word: "Ad #123", "Job # 123", "post no. 123",
# "vacante núm. 123" ("in this ad 713...", "suspicious ads: 800..." are not ids).
_MARKED_ID_WORDS = _word_set(
    "post posting ad anuncio publicación publicacion job vacancy vacante oferta empleo"
)
_NUMBER_WORDS = _word_set("id no nº n° num núm number numero número nr nro")
# "Vacante núm. 123", "Ref nº 123": abbreviations that label a reference, typos before them or not.
_ABBREVIATED_NUMBER_WORDS = _word_set("núm num nro nº n°")
_CURRENCY_WORDS = _word_set("usd us$ mxn eur gbp cad aud")
_AGE_WORDS = _word_set("age aged edad tengo")
_MONTHS = _word_set(
    "jan january feb february mar march apr april may jun june jul july aug august sep sept "
    "september oct october nov november dec december ene enero febrero marzo abr abril mayo "
    "junio julio ago agosto septiembre setiembre octubre noviembre dic diciembre"
)
_PREFIX_WINDOW = 32
# Python regexes only look forwards, so the context before a chain is read reversed: one
# anchored match on ~32 characters instead of a search through them.
_MARKS = r"[ \t:#=.\-]*"
_NOT_LETTER = r"(?![^\W\d_])"
_REVERSED_PREFIX_RE = re.compile(
    rf"""(?:
        (?P<money>[ \t]*(?:[$€£¥]|(?:{_reversed(_CURRENCY_WORDS)}){_NOT_LETTER}))
      | (?P<measurement>[ \t]*[-/][ \t]*[^\W\d_]{{1,3}}[0-9]{{2}}(?![0-9]))
      | (?P<identifier>
            {_MARKS}(?:(?:{_reversed(_NUMBER_WORDS)})\.?[ \t_-]*)?
            (?:{_reversed(_ID_WORDS)}){_NOT_LETTER}
          | [ \t]*\#{_MARKS}(?:{_reversed(_MARKED_ID_WORDS)}){_NOT_LETTER}
          | {_MARKS}(?:{_reversed(_ABBREVIATED_NUMBER_WORDS)}){_NOT_LETTER}
          | {_MARKS}(?:{_reversed(_NUMBER_WORDS)})\.?[ \t_-]*
            (?:{_reversed(_MARKED_ID_WORDS)}){_NOT_LETTER})
      | (?P<age>[ \t:]*(?:{_reversed(_AGE_WORDS)}){_NOT_LETTER})
      | (?P<month>[ \t,]*(?:ed[ \t]+)?\.?(?:{_reversed(_MONTHS)}){_NOT_LETTER})
    )""",
    re.VERBOSE,
)

# Text just after a chain that makes its last group an amount, a weight, an age or a duration.
_UNIT_SUFFIX_RE = re.compile(
    r"""[ \t]*(?:
        [%°]
      | [$€£](?![ \t]*[0-9])
      | (?:usd|dlls?|dls|dollars?|bucks|pesos|mxn|euros?|eur|gbp|pounds?|quid|cad|
           roses?|rosas|donations?|lbs?|kgs?|kilos?|cm|years?|yrs?|a[nñ]os|a[nñ]itos|
           y/o|y\.o\.?|hh|hrs?|hours?|horas?|mins?|minutes?|minutos|qv|qk|ovn|overnight)\b
      | /[ \t]*(?:hr|h|hour|hh|night|noche|hora|session)\b
      | (?:for|por|x)[ \t]+[0-9]{1,3}[ \t]*(?:min|mins|minutes|minutos|hr|hrs|hour|hours|h|hh)\b
    )""",
    re.VERBOSE,  # matched on lower-cased text: IGNORECASE is slow on long alternations
)
# A US state or Canadian province code in capitals just before five digits: a ZIP code.
_ZIP_PREFIX_RE = re.compile(
    r"\b(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|"
    r"NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR)[ \t]+\Z"
)
_SUFFIX_WINDOW = 24
_LINK_WINDOW = 80
_LINK_RE = re.compile(r"https?:|www\.|\.[a-z]{2,12}/|[?&][a-z_]*=|@")
_PHONE_LINK_RE = re.compile(r"wa\.me/|whatsapp|tel:|callto:|sms:|phone=|telefono=|tel=")
_LEADING_WORD_RE = re.compile(r"[^\W\d_]+")
_UNIT_WORDS = _word_set(
    "hh hr hrs hour hours hora horas min mins minutes minutos yo am pm lb lbs kg kgs cm ft dd "
    "st nd rd th roses rosas rose years anos años usd dollars pesos euros eur gbp night nights "
    "noche noches overnight ovn qv donation donations"
)
_MAX_UNIT_GROUP = 5  # amounts, weights and ages are short; a phone's last group is not a price
_DATE_SEPS = frozenset("-/.")
_MAX_MONTH = 12
_MAX_DAY = 31
# A country code written without "+" is believed only before a full-size national number.
_MIN_FOREIGN_NATIONAL = 8
_OTHER_REGIONS = ("GB", "ES")  # tried for numbers impossible in the ad's region
_SHORT_SOURCE = 64  # a structured phone field: cached whole, since an operator reuses it
_LONG_GROUP = 6  # a group this long ends a phone number ("713 5550123", "07911 123456")


# What the text around a group makes of it; a chain is handed to the cached window search as
# its digit groups and one of these per group.
_KEEP = 0  # joined to the previous group like the parts of one number
_DECOY = 1  # an id, money, a unit, an age, a date or a measurement: never part of a phone
_SENTENCE = 2  # a sentence ends before it: no window reaches back across
_ITEM = 3  # a list separator (" - ", " | ") comes before it: windows prefer not to cross


def extract_phones(text: str, *, region: str = "US", structured: str | None = None) -> list[str]:
    """Phone numbers in text (and in the structured `phone` field) as E.164, in order of first
    appearance, without repeats. `region` is the ISO 3166 alpha-2 default region for numbers
    written without a country code.

    Numbers in the text come first, then those of `structured` (which may be obfuscated or hold
    several numbers separated by ``, ; / |``). Every number returned is valid for `phonenumbers`.
    In regions whose numbers carry a trunk "0" (GB...), a national number must be written with it.
    A national number impossible in `region` is still read as British or Spanish when exactly
    one of them accepts it (their formats cannot pass for other countries'); American and
    Mexican numbers are never guessed that way, since each passes for the other. An unknown
    region finds only numbers written with a country code. Never raises.

    >>> extract_phones("New in town! Call 7one3 555 O1Z3, $200/hr", region="US")
    ['+17135550123']
    """
    region_code = _region_code(region)
    found: list[str] = []
    for source in (text, structured):
        if source:
            found.extend(_phones_in_source(source, region_code))
    return _without_national_twins(list(dict.fromkeys(found)), region_code)


def _phones_in_source(source: str, region: str) -> list[str] | tuple[str, ...]:
    """Phones in one text (may repeat); short ones, structured phone fields that an operator
    reuses from ad to ad, from a cache."""
    if len(source) <= _SHORT_SOURCE:
        return _phones_in_short_source(source, region)
    return _phones_in_decoded(source, region)


@lru_cache(maxsize=1 << 14)
def _phones_in_short_source(source: str, region: str) -> tuple[str, ...]:
    return tuple(_phones_in_decoded(source, region))


def _phones_in_decoded(source: str, region: str) -> list[str]:
    """Phones in one text: the quick decoding first, the thorough one only when it finds none
    and differs."""
    quick = decode_digits_quickly(source)
    phones = _phones_in(quick, region)
    if not phones:
        thorough = decode_digits_thoroughly_if_different(source)
        if thorough is not None and thorough != quick:
            phones = _phones_in(thorough, region)
    return phones


def _without_national_twins(phones: list[str], region: str) -> list[str]:
    """The phones without national readings of a number the ad also gives with its country code.

    "Escríbeme al 81 0388 5459 | WhatsApp +52 81 0388 5459" in an ad read as American: the first
    is the Mexican number written nationally, not +1 810 388 5459.
    """
    rules = _national_rules(region) if len(phones) > 1 else None
    if rules is None:
        return phones
    home = "+" + rules.country_code
    foreign = {
        phone[len(_country_code_of(phone)) + 1 :] for phone in phones if not phone.startswith(home)
    }
    if not foreign:
        return phones
    return [p for p in phones if not (p.startswith(home) and p[len(home) :] in foreign)]


def _country_code_of(phone: str) -> str:
    """The country calling code of an E.164 number (calling codes are prefix-free)."""
    for size in (1, 2, 3):
        if int(phone[1 : 1 + size]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return phone[1 : 1 + size]
    return phone[1:2]


def _region_code(region: str) -> str:
    code = region.strip().upper() if region else ""
    return code if code in phonenumbers.SUPPORTED_REGIONS else _UNKNOWN_REGION


def _phones_in(text: str, region: str) -> list[str]:
    """E.164 numbers in decoded text, in order of appearance (may repeat)."""
    image = text.encode("ascii", "replace").translate(_CANDIDATE_MAP)
    phones: list[str] = []
    for candidate in _CANDIDATE_RE.finditer(image):
        for match in _CHAIN_RE.finditer(text, *candidate.span()):
            phones.extend(_phones_in_chain(text, *match.span(), region))
    return phones


def _phones_in_chain(text: str, start: int, end: int, region: str) -> tuple[str, ...]:
    """Phones in one chain, in order.

    What the chain's own text decides (its groups, separators, dates, whether any window can be
    a phone) is worked out once per chain text; only the few context checks run per occurrence,
    and the phones found are kept per outcome of those checks.
    """
    before = text[max(0, start - 6) : start]
    plus = "+" in before and _PLUS_RE.search(before) is not None
    chain = text[start:end]
    info = (
        _cached_chain_info(chain, region, plus)
        if len(chain) <= _MAX_CACHED_CHAIN
        else _chain_info(chain, region, plus)
    )
    if info is None:
        return ()
    mask = _context_decoys(text, start, end, info)
    phones = info.phones.get(mask)
    if phones is None:
        kinds = list(info.kinds)
        index = 0
        while mask >> index:
            if (mask >> index) & 1:
                kinds[index] = _DECOY
            index += 1
        found = _chain_phones(info.digits, info.seps, tuple(kinds), region, plus)
        phones = info.phones[mask] = tuple(phone for _, phone in found)
    return phones


@dataclass(slots=True)
class _ChainInfo:
    """What the text of a chain says on its own, and the phones found in it so far, per set of
    context decoys (a bit mask of group indexes)."""

    digits: tuple[str, ...]
    seps: tuple[str, ...]
    kinds: tuple[int, ...]  # from the separators and the decoys the chain itself shows
    zip_mask: int  # the groups a state code before the chain would make a ZIP code
    phones: dict[int, tuple[str, ...]]


_MAX_CACHED_CHAIN = 200  # longer chains (hostile input) are analysed without being kept


@lru_cache(maxsize=1 << 15)
def _cached_chain_info(chain: str, region: str, plus: bool) -> _ChainInfo | None:
    return _chain_info(chain, region, plus)


def _chain_info(chain: str, region: str, plus: bool) -> _ChainInfo | None:
    """The chain's analysis, or None when no window of it can be a phone."""
    parts = _GROUP_SPLIT_RE.split(chain)  # "", digits, separator, digits, ..., ""
    digits = tuple(parts[1::2])
    total = sum(map(len, digits))
    if total < _MIN_DIGITS:
        return None
    seps = tuple(parts[2:-1:2])
    kinds = [_KEEP] + [_KEEP if len(sep) == 1 else _separator_kind(sep) for sep in seps]
    for index in _chain_decoy_indexes(digits, seps):
        kinds[index] = _DECOY
    phones: dict[int, tuple[str, ...]] = {}
    whole = _whole_chain_phone(digits, kinds, total, region, plus)
    if whole is not None:
        phones[0] = (whole,)
    # Many chains that get here (dates, postal codes) cannot be a phone by their lengths alone:
    # drop them before looking at their context. Ids can: their context drops them before any
    # parsing, which is the expensive step.
    elif not _has_plausible_window(digits, region, plus):
        return None
    zip_mask = 0
    if len(digits[0]) == 5:
        zip_mask = 1  # "Houston, TX 77002": a ZIP code, maybe with its "-1234"
        if len(digits) > 1 and len(digits[1]) == 4 and seps[0] == "-":
            zip_mask = 3
    return _ChainInfo(digits, seps, tuple(kinds), zip_mask, phones)


def _whole_chain_phone(
    digits: tuple[str, ...], kinds: list[int], total: int, region: str, plus: bool
) -> str | None:
    """The phone that the whole chain is, when nothing in it breaks it up, else None.

    Most chains are one number ("713-555-0123", "+34 734 02 41 09"). When no group is a decoy
    or follows a list or sentence break, the search of `_chain_phones` tries the whole chain
    first and stops there if it is valid; so without context decoys its answer is known after
    one (cached) validity check, without the window search.
    """
    if total > _MAX_WINDOW or any(kinds):  # a kind other than _KEEP
        return None
    if not _is_plausible_window(digits):
        return None
    return _phone_for("".join(digits), region, plus, 0)


def _separator_kind(sep: str) -> int:
    # A dot right after a digit and then a space ends a sentence ("24/7. 713"); " . " does not.
    if sep[0] == "." and sep.lstrip(".")[:1] in (" ", "\t"):
        return _SENTENCE
    return _ITEM if _STRONG_SEP_RE.search(sep) is not None else _KEEP


def _chain_decoy_indexes(digits: tuple[str, ...], seps: tuple[str, ...]) -> set[int]:
    """Indexes of the groups that the chain itself shows to be "24/7", dates or measurements."""
    excluded: set[int] = set()
    if not seps:
        return excluded  # one group: nothing to pair it with
    if "24" in digits:
        excluded.update(_round_the_clock_indexes(digits, seps))
    if "/" in seps:
        excluded.update(_day_month_indexes(digits, seps))
    # Dates and measurements repeat one separator: "12/05/2024", "34-24-36". A date has a group
    # of 2 digits or fewer (its day or month), a measurement three groups of 2 or 3 digits: most
    # phones ("713-555-0123") have neither and skip the searches.
    if len(seps) > 1 and any(map(operator.eq, seps, seps[1:])):
        sizes = list(map(len, digits))
        if min(sizes) <= 2:
            excluded.update(_date_indexes(digits, seps))
        if sizes.count(2) + sizes.count(_MAX_MEASURE) >= 3:
            excluded.update(_measurement_indexes(digits, seps))
    return excluded


# Characters that may stand between a chain and the word or sign before it that makes it a decoy
# (the marks of _REVERSED_PREFIX_RE). The prefix expression can only match when the text before
# them ends with one of its words or signs, or (a measurement, "36DD-24-36") when they hold a
# dash or a slash: a cheap test that spares most chains ("Call 713...") the expression.
_PREFIX_MARK_CHARS = " \t:#=.,-/"
_PREFIX_ENDINGS = tuple(
    sorted(
        _CURRENCY_WORDS
        | _ID_WORDS
        | _NUMBER_WORDS
        | _MARKED_ID_WORDS
        | _ABBREVIATED_NUMBER_WORDS
        | _AGE_WORDS
        | _MONTHS
        | {"$", "€", "£", "¥", "de"}
    )
)


# The same test as one anchored match on the reversed text, instead of `endswith` trying each.
_REVERSED_ENDING_RE = re.compile(
    "|".join(re.escape(ending[::-1]) for ending in sorted(_PREFIX_ENDINGS, key=len, reverse=True))
)


def _context_decoys(text: str, start: int, end: int, info: _ChainInfo) -> int:
    """Bit mask of the groups the text around the chain makes ids, money, units, ages, dates,
    ZIP codes or parts of a link."""
    mask = 0
    if start:
        before = text[max(0, start - _PREFIX_WINDOW) : start]
        marked = before.rstrip(_PREFIX_MARK_CHARS)
        if marked and (
            _REVERSED_ENDING_RE.match(marked.lower()[::-1]) is not None
            or "-" in before[len(marked) :]
            or "/" in before[len(marked) :]
        ):
            for index in _prefix_decoys(before, info.digits):
                mask |= 1 << index
        if info.zip_mask and _ZIP_PREFIX_RE.search(text, max(0, start - 4), start):
            mask |= info.zip_mask
        if not text[start - 1].isspace() and _is_inside_link_or_handle(text, start):
            mask |= 1
    digits = info.digits
    if text[end : end + 1] == "@" or (
        len(digits[-1]) <= _MAX_UNIT_GROUP and _is_followed_by_unit(text, end)
    ):
        mask |= 1 << (len(digits) - 1)
    return mask


def _is_inside_link_or_handle(text: str, start: int) -> bool:
    """Whether the chain starts inside a web address or an email ("site.example/post/7134567890"),
    other than a phone link ("wa.me/17135550123", "tel:+1..."), or ends a handle ("mia_3522")."""
    if text[start - 1] == "_" and start > 1 and text[start - 2].isalnum():
        return True
    before = text[max(0, start - _LINK_WINDOW) : start]
    token = before.rsplit(None, 1)[-1].lower() if before.strip() else ""
    return _LINK_RE.search(token) is not None and _PHONE_LINK_RE.search(token) is None


def _round_the_clock_indexes(digits: tuple[str, ...], seps: tuple[str, ...]) -> set[int]:
    """The groups of "24/7" (also "24-7"), which ads write next to their numbers."""
    found: set[int] = set()
    for index in range(len(digits) - 1):
        if digits[index] == "24" and digits[index + 1] == "7" and seps[index].strip() in ("/", "-"):
            found.update((index, index + 1))
    return found


def _prefix_decoys(before: str, digits: tuple[str, ...]) -> set[int]:
    """First groups made decoys by the words just before the chain (`before` is the text up to
    _PREFIX_WINDOW characters before it)."""
    match = _REVERSED_PREFIX_RE.match(before.lower()[::-1])
    if match is None:
        return set()
    kind = match.lastgroup
    if kind in ("money", "identifier"):
        return {0}
    if kind == "measurement":  # "36DD-24-36": the chain is "24-36"
        return {index for index in range(min(2, len(digits))) if len(digits[index]) == 2}
    if kind == "age":
        return {0} if len(digits[0]) <= 2 else set()
    return _date_after_month(digits)


def _date_after_month(digits: tuple[str, ...]) -> set[int]:
    """After a month name: the day ("May 12 2024") and the year ("May 2024", "mayo de 2024")."""
    found: set[int] = set()
    index = 0
    if len(digits[0]) <= 2:
        found.add(0)
        index = 1
    if index < len(digits) and _is_year(digits[index]):
        found.add(index)
    return found


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and digits[:2] in ("19", "20")


def _is_followed_by_unit(text: str, end: int) -> bool:
    """Whether a unit follows the chain: "150hh", "36DD", "10am" (glued), "200 roses", "80$"."""
    after = text[end : end + _SUFFIX_WINDOW]
    if not after or after[0] in "\n.,;:!?)":
        return False
    if (word := _LEADING_WORD_RE.match(after)) is not None:
        return _is_unit_word(word.group())
    return _UNIT_SUFFIX_RE.match(after.lower()) is not None


def _is_unit_word(word: str) -> bool:
    """Whether a word glued after digits is a unit ("hh", "DD", "am", "lbs", "roses").

    Text scraped from web pages glues words to numbers ("0123Available"): a capitalised or long
    word is the next sentence, not a unit.
    """
    if word.lower() in _UNIT_WORDS:
        return True
    return len(word) <= 3 and (word.islower() or word.isupper())


def _date_indexes(digits: tuple[str, ...], seps: tuple[str, ...]) -> set[int]:
    """Groups forming dates "2024-05-12", "12/05/2024", "5.12.24" (the last only alone).

    `seps[i]` joins `digits[i]` and `digits[i + 1]`.
    """
    found: set[int] = set()
    for index in range(len(digits) - 2):
        sep = seps[index]
        if sep.strip() not in _DATE_SEPS or seps[index + 1] != sep:
            continue
        alone = len(digits) == 3
        if _is_date(digits[index], digits[index + 1], digits[index + 2], two_digit_year=alone):
            found.update((index, index + 1, index + 2))
    return found


def _day_month_indexes(digits: tuple[str, ...], seps: tuple[str, ...]) -> set[int]:
    """Groups of a day and month without year ("27/08 - 30/08"), not part of a longer run."""
    found: set[int] = set()
    for index in range(len(digits) - 1):
        sep = seps[index]
        if sep != "/" or len(digits[index]) != 2 or len(digits[index + 1]) != 2:
            continue
        if (index > 0 and seps[index - 1] == sep) or (
            index + 1 < len(seps) and seps[index + 1] == sep
        ):
            continue
        if _is_day_and_month(int(digits[index]), int(digits[index + 1])):
            found.update((index, index + 1))
    return found


def _is_day_and_month(a: int, b: int) -> bool:
    return (1 <= a <= _MAX_DAY and 1 <= b <= _MAX_MONTH) or (
        1 <= a <= _MAX_MONTH and 1 <= b <= _MAX_DAY
    )


def _is_date(first: str, middle: str, last: str, *, two_digit_year: bool) -> bool:
    if _is_year(first) and len(middle) <= 2 and len(last) <= 2:
        return 1 <= int(middle) <= _MAX_MONTH and 1 <= int(last) <= _MAX_DAY
    if len(first) > 2 or len(middle) > 2:
        return False
    return _is_day_and_month(int(first), int(middle)) and (
        _is_year(last) or (two_digit_year and len(last) == 2)
    )


def _measurement_indexes(digits: tuple[str, ...], seps: tuple[str, ...]) -> set[int]:
    """Groups of body measurements "34-24-36", unless the same separator continues the run."""
    found: set[int] = set()
    for index in range(len(digits) - 2):
        sep = seps[index]
        if sep.strip() not in ("-", "/") or seps[index + 1] != sep:
            continue
        if index > 0 and seps[index - 1] == sep:
            continue  # "612-34-24-36" is a Spanish phone, not a figure
        if index + 2 < len(seps) and seps[index + 2] == sep:
            continue
        if _is_measurement(digits[index], digits[index + 1], digits[index + 2]):
            found.update((index, index + 1, index + 2))
    return found


_MAX_MEASURE = 3  # digits of a body measurement, in inches or centimetres


def _is_measurement(bust: str, waist: str, hips: str) -> bool:
    """Bust, waist and hips in inches ("34-24-36") or centimetres ("90-60-90", "96-61-90")."""
    if not all(2 <= len(value) <= _MAX_MEASURE for value in (bust, waist, hips)):
        return False
    b, w, h = int(bust), int(waist), int(hips)
    inches = 28 <= b <= 50 and 18 <= w <= 40 and 28 <= h <= 56
    centimetres = 70 <= b <= 130 and 45 <= w <= 100 and 70 <= h <= 140
    return inches or centimetres


def _chain_phones(
    digits: tuple[str, ...], seps: tuple[str, ...], kinds: tuple[int, ...], region: str, plus: bool
) -> tuple[tuple[int, str], ...]:
    """(first group index, E.164) of the phones of a chain, in order.

    `seps[i]` joins `digits[i]` and `digits[i + 1]`. Segments run between decoys and sentence
    breaks. In each, windows are sought in three passes, each taking only groups still free:
    inside list items (between _ITEM separators); then *clean* windows, whose ends fall where
    the separator changes ("77096 4-0-3-9-8-4-9-4-2-1": the number starts after the zip code,
    not inside the dashes); then any window.
    """
    found: list[tuple[int, str]] = []
    chain = _Chain(digits, seps, region, [kind == _DECOY for kind in kinds])
    for first, last in _spans(kinds, (_DECOY, _SENTENCE)):
        segment_plus = plus and first == 0
        if any(kinds[index] == _ITEM for index in range(first + 1, last)):
            for item_first, item_last in _spans(kinds[:last], (_DECOY, _SENTENCE, _ITEM), first):
                found.extend(_greedy_phones(chain, item_first, item_last, plus=segment_plus))
        found.extend(_greedy_phones(chain, first, last, plus=segment_plus, clean_only=True))
        found.extend(_greedy_phones(chain, first, last, plus=segment_plus))
    return tuple(sorted(found))


@dataclass(slots=True)
class _Chain:
    """A chain under search: its groups, separators and which groups phones already took."""

    digits: tuple[str, ...]
    seps: tuple[str, ...]
    region: str
    used: list[bool]

    def is_inside_spaced_run(self, index: int, begin: int) -> bool:
        """Whether group `index` is a digit in the middle of "0 7 7 0 8 2 1 ...", the preceding
        digit still free: a number does not start there (a trunk "0" or a "1" would be lost)."""
        digits, seps = self.digits, self.seps
        return (
            begin < index < len(digits) - 1
            and not self.used[index - 1]
            and len(digits[index - 1]) == len(digits[index]) == len(digits[index + 1]) == 1
            and seps[index - 1] == seps[index]
        )

    def is_clean(self, first: int, last: int, begin: int, end: int) -> bool:
        """Whether window [first, last) of segment [begin, end) ends where separators change."""
        if last - first < 2:
            return True
        seps = self.seps
        left = first == begin or seps[first - 1] != seps[first]
        return left and (last == end or seps[last - 1] != seps[last - 2])


def _spans(
    kinds: tuple[int, ...], breaks: tuple[int, ...], first: int = 0
) -> list[tuple[int, int]]:
    """Index ranges [first, last) of groups between breaks; decoy groups belong to none."""
    spans: list[tuple[int, int]] = []
    begin = first
    for index in range(first, len(kinds)):
        if kinds[index] in breaks and index > begin:
            spans.append((begin, index))
            begin = index
        if kinds[index] == _DECOY:
            begin = index + 1
    if begin < len(kinds):
        spans.append((begin, len(kinds)))
    return spans


def _greedy_phones(
    chain: _Chain, begin: int, end: int, *, plus: bool, clean_only: bool = False
) -> list[tuple[int, str]]:
    """Phones among free groups [begin, end): at each group, the longest valid window."""
    found: list[tuple[int, str]] = []
    index = begin
    while index < end:
        if chain.used[index] or (not clean_only and chain.is_inside_spaced_run(index, begin)):
            index += 1
            continue
        phone, count = _longest_phone_at(
            chain, index, (begin, end), plus=plus and index == 0, clean_only=clean_only
        )
        if phone is None:
            index += 1
            continue
        found.append((index, phone))
        chain.used[index : index + count] = [True] * count
        index += count
    return found


def _longest_phone_at(
    chain: _Chain, index: int, bounds: tuple[int, int], *, plus: bool, clean_only: bool
) -> tuple[str | None, int]:
    """The longest valid phone made of free groups from `index` within `bounds` (the segment),
    and how many groups it took.

    With `clean_only`, only clean windows count. Windows read as a country code without "+"
    are tried only when no other reading of any length works; a British or Spanish reading of
    a number impossible in the region only for a window that is the whole segment.
    """
    begin, end = bounds
    digits = chain.digits
    last = index
    total = 0
    while last < end and not chain.used[last] and total + len(digits[last]) <= _MAX_WINDOW:
        total += len(digits[last])
        last += 1
    windows: list[tuple[str, ...]] = []
    while last > index and total >= _MIN_DIGITS:
        window = digits[index:last]
        if _is_plausible_window(window) and (
            not clean_only or chain.is_clean(index, last, begin, end)
        ):
            windows.append(window)
        last -= 1
        total -= len(digits[last])
    for allow_country_code in (False, True):
        for window in windows:
            lead = len(window[0]) if allow_country_code and _country_code_may_lead(window) else 0
            if allow_country_code and not lead:
                continue
            phone = _phone_for("".join(window), chain.region, plus, lead)
            if phone is not None:
                return phone, len(window)
    if not plus and index == begin and windows and len(windows[0]) == end - begin:
        phone = _other_region_phone("".join(windows[0]), chain.region)
        if phone is not None:
            return phone, end - begin
    return None, 0


@lru_cache(maxsize=1 << 14)
def _has_plausible_window(digits: tuple[str, ...], region: str, plus: bool) -> bool:
    """Whether any run of consecutive groups could be a phone, judged without parsing."""
    for first in range(len(digits)):
        total = 0
        for last in range(first, len(digits)):
            total += len(digits[last])
            if total > _MAX_WINDOW:
                break
            if total < _MIN_DIGITS:
                continue
            window = digits[first : last + 1]
            lead = len(window[0]) if _country_code_may_lead(window) else 0
            if _may_be_phone("".join(window), region, plus and first == 0, lead):
                return True
    return False


def _is_plausible_window(window: tuple[str, ...]) -> bool:
    """Whether the groups can be one written number.

    A long group ends a number ("713 5550123"): one before the last means two numbers glued
    ("9034954 000"). A list of round figures is a price list ("150 250 400 1000").
    """
    if len(window) > 1 and max(map(len, window[:-1])) >= _LONG_GROUP:
        return False
    return not (
        len(window) >= 3
        and all(group.endswith(("00", "50")) and not group.startswith("0") for group in window)
    )


def _country_code_may_lead(window: tuple[str, ...]) -> bool:
    """Whether the first group may be a country code written without "+" ("44 7911 123456")."""
    return len(window) >= 2 and all(len(group) >= 2 for group in window[1:])


@lru_cache(maxsize=1 << 16)
def _phone_for(digits: str, region: str, plus: bool, lead: int) -> str | None:
    """E.164 for a digit string, or None. `lead` is the length of a first group that may be a
    country code written without "+", else 0.

    Tried in order: an explicit "+"; the default region; an international prefix ("00",
    "011"); a NANP number with its leading "1"; a country code without "+".
    """
    if plus:
        return _international(digits)
    national = _national(digits, region)
    if national is not None:
        return national
    if digits.startswith("011"):
        return _international(digits[3:])
    if digits.startswith("00"):
        return _international(digits[2:])
    if len(digits) == 11 and digits.startswith("1"):
        return _international(digits)
    if (
        lead in (2, 3)
        and int(digits[:lead]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE
        and len(digits) - lead >= _MIN_FOREIGN_NATIONAL
        # "27 612 345 678" in Spain is an age or a price before a Spanish number, not +27.
        and _national(digits[lead:], region) is None
    ):
        return _international(digits)
    return None


@lru_cache(maxsize=1 << 14)
def _other_region_phone(digits: str, region: str) -> str | None:
    """E.164 for a national number impossible in `region` but valid in exactly one of the
    regions whose national numbers cannot pass for another country's: British (trunk 0 and 10
    digits) and Spanish (9 digits). An ad read as American because it gives no place still
    yields its "726 58 70 92". Ten-digit numbers are never guessed: American and Mexican ones
    look alike, and a NANP number abroad needs its "1".
    """
    if region == _UNKNOWN_REGION:
        return None
    readings = {
        phone
        for other in _OTHER_REGIONS
        if other != region
        and _is_plausible_national(digits, other)
        and (phone := _national(digits, other)) is not None
    }
    return readings.pop() if len(readings) == 1 else None


def _may_be_phone(digits: str, region: str, plus: bool, lead: int) -> bool:
    """Whether `_phone_for` could find a phone in the digits: its tests without the parsing."""
    if plus:
        return _is_international_length(digits)
    if region != _UNKNOWN_REGION and _is_plausible_national(digits, region):
        return True
    if region != _UNKNOWN_REGION and any(
        _is_plausible_national(digits, other) for other in _OTHER_REGIONS if other != region
    ):
        return True
    if digits.startswith("011"):
        return _is_international_length(digits[3:])
    if digits.startswith("00"):
        return _is_international_length(digits[2:])
    if len(digits) == 11 and digits.startswith("1"):
        return True
    return (
        lead in (2, 3)
        and int(digits[:lead]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE
        and len(digits) - lead >= _MIN_FOREIGN_NATIONAL
        and _is_international_length(digits)
    )


def _is_international_length(digits: str) -> bool:
    """Country code and national number together: 8 digits (small islands) to 15, or 16 for
    the old Mexican "+52 1"."""
    return _MIN_DIGITS + 1 <= len(digits) <= _MAX_DIGITS + 1


def _international(digits: str) -> str | None:
    """E.164 for digits that start with a country code, or None."""
    if not _is_international_length(digits):
        return None
    phone = valid_e164("+" + digits, _UNKNOWN_REGION)
    if phone is None and digits.startswith("521") and len(digits) == 13:
        # Mexican mobiles were dialled "+52 1 ..." until 2019 and ads still write it so.
        phone = valid_e164("+52" + digits[3:], _UNKNOWN_REGION)
    return phone


def _national(digits: str, region: str) -> str | None:
    """E.164 for digits written the national way in `region`, or None."""
    if region == _UNKNOWN_REGION or not _is_plausible_national(digits, region):
        return None
    if region == "MX":
        digits = _without_old_mexican_prefix(digits)
    return valid_e164(digits, region)


def _without_old_mexican_prefix(digits: str) -> str:
    """Digits without the prefixes Mexico dropped in 2019 but ads still write ("01", "044")."""
    if len(digits) == 13 and digits[:3] in ("044", "045"):
        return digits[3:]
    if len(digits) == 12 and digits[:2] == "01":
        return digits[2:]
    return digits


def _is_plausible_national(digits: str, region: str) -> bool:
    """Cheap length and prefix test before a parse."""
    rules = _national_rules(region)
    if rules is None:
        return _MIN_DIGITS <= len(digits) <= _MAX_DIGITS
    size = len(digits)
    if digits.startswith(rules.country_code) and size - len(rules.country_code) in rules.lengths:
        return True  # the region's own country code without "+": "34 612 345 678" in Spain
    if (
        rules.prefix
        and digits.startswith(rules.prefix)
        and size - len(rules.prefix) in rules.lengths
    ):
        return True
    if region == "MX" and size in (12, 13):
        return True  # "01 55 1234 5678", "044 55 1234 5678"
    # Where numbers carry a trunk "0" (GB), people write it: a 10-digit string without it is
    # more likely a foreign number than a British one.
    return not rules.trunk_required and size in rules.lengths


@dataclass(frozen=True, slots=True)
class _NationalRules:
    lengths: frozenset[int]  # national significant number lengths
    prefix: str  # national (trunk) prefix: "0" in GB, "1" in NANP, "" in ES and MX
    trunk_required: bool  # numbers are always written with the prefix
    country_code: str


@lru_cache(maxsize=512)
def _national_rules(region: str) -> _NationalRules | None:
    """How national numbers of a region are written, from phonenumbers metadata."""
    metadata = PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.general_desc is None:
        return None
    lengths = frozenset(metadata.general_desc.possible_length or ())
    if not lengths:
        return None
    prefix = metadata.national_prefix or ""
    return _NationalRules(lengths, prefix, prefix == "0", str(metadata.country_code))
