"""Phone numbers in ad text, as E.164, robust to obfuscation and to the decoys ads are full of.

How a number is found:

1. `decode_digits` undoes obfuscation (spelled digits, look-alike letters, keycaps, Unicode).
2. A regex finds *chains*: digit groups joined by phone-like separators (spaces, ``-.*~/_|\\``,
   brackets). Newlines, colons, commas and sentence breaks (". ") end a chain, so digits are never
   joined across them. Chains with fewer than 7 digits (ages, prices, times) are dropped at once.
3. Groups that are decoys are cut out of a chain, splitting it: a group after an id keyword
   ("Post ID:", "ref", "order #"...) or a currency sign, a group followed by a unit ("roses",
   "/hr", "lbs", "%"...) or glued to letters ("150hh", "36DD", "10am"), dates ("12/05/2024",
   "2024-05-12") and body measurements ("34-24-36").
4. In what is left, consecutive groups are tried longest first from the left, and a window is a
   phone when `phonenumbers` says it is valid: in the default region, after an explicit "+" or an
   international prefix ("00", "011"), with a NANP leading "1", or after a country code written
   without "+" ("44 7911 123456"). Groups are never split, so a long id cannot hide a phone and a
   phone cannot be cut out of a long id.

Parsing is the expensive step (20-60 µs per call), so it runs only on windows whose length can be
a phone in that region, and its results are cached per (digits, region).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneMetadata

from lightkeeper.ads.extract.obfuscation import decode_digits

__all__ = ["extract_phones"]

_MIN_DIGITS = 7  # shortest national significant number worth a parse in the regions we serve
_MAX_DIGITS = 15  # E.164 maximum, country code included
_MAX_WINDOW = 18  # "011" + 15 digits
_UNKNOWN_REGION = "ZZ"  # phonenumbers' code for "no default region": only "+" numbers parse

_SEP = r"(?:[ \t]{1,3}|[ \t]{0,2}[-.*~/_|\\•·()\[\]{}]{1,4}[ \t]{0,2})"
_CHAIN_RE = re.compile(rf"(?:\+[ \t]?)?[0-9]++(?:{_SEP}[0-9]++)*")
_GROUP_RE = re.compile(r"[0-9]+")
# A dot followed by a space ends a sentence: "... 24/7. 713 555" is not one number.
_SENTENCE_BREAK_RE = re.compile(r"\.[ \t]")

# Text just before a chain that makes its first group an identifier, a postal code or money.
_ID_PREFIX_RE = re.compile(
    r"""(?:
        \b(?:post(?:ing)?|ad|ads|listing|ref|reference|referencia|order|invoice|ticket|
             tracking|account|acct|folio|anuncio|pedido|id)
          (?:[\s_-]*(?:id|no|n[º°o]|num|number|n[uú]mero|nr|code|c[oó]digo))?\.?
          [\s]*[:#=\-]?[\s]*\#?[\s]*
      | \b(?:zip|zip\s*code|postal\s*code|postcode|post\s*code|c[oó]digo\s+postal|c\.\s?p\.?|cp)
          [\s.:#-]*
      | [$€£¥][\s]*
      | \b(?:usd|us\$|mxn|eur|gbp|cad|aud)[\s]*
    )\Z""",
    re.IGNORECASE | re.VERBOSE,
)
_PREFIX_WINDOW = 40
# Text just after a chain that makes its last group an amount, a weight, an age or a duration.
_UNIT_SUFFIX_RE = re.compile(
    r"""[ \t]*(?:
        [%°$€£]
      | (?:usd|dlls?|dls|dollars?|bucks|pesos|mxn|euros?|eur|gbp|pounds?|quid|cad|
           roses?|rosas|donations?|lbs?|kgs?|kilos?|cm|years?|yrs?|a[nñ]os|a[nñ]itos|
           y/o|y\.o\.?|hh|hrs?|hours?|horas?|mins?|minutes?|minutos|qv|qk|ovn|overnight)\b
      | /[ \t]*(?:hr|h|hour|hh|night|noche|hora|session)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_MAX_UNIT_GROUP = 5  # amounts, weights, ages are short; a 7-digit group before "hours" is not
_DATE_SEPS = frozenset("-/.")
_MONTHS = 12
_DAYS = 31


@dataclass(frozen=True, slots=True)
class _Group:
    digits: str
    start: int  # position in the decoded text, for order of appearance
    sep_before: str  # separator text joining it to the previous group ("" for the first)


def extract_phones(text: str, *, region: str = "US", structured: str | None = None) -> list[str]:
    """Phone numbers in text (and in the structured `phone` field) as E.164, in order of first
    appearance, without repeats. `region` is the ISO 3166 alpha-2 default region for numbers
    written without a country code.

    Numbers in the text come first, then those of `structured` (which may be obfuscated or hold
    several numbers separated by ``, ; / |``). Every number returned is valid for `phonenumbers`.
    In regions whose numbers carry a trunk "0" (GB...), a national number must be written with it.
    An unknown region finds only numbers written with a country code. Never raises.

    >>> extract_phones("New in town! Call 7one3 555 O1Z3, $200/hr", region="US")
    ['+17135550123']
    """
    region_code = _region_code(region)
    found: list[str] = []
    for source in (text, structured):
        if source:
            found.extend(_phones_in(decode_digits(source), region_code))
    return list(dict.fromkeys(found))


def _region_code(region: str) -> str:
    code = region.strip().upper() if region else ""
    return code if code in phonenumbers.SUPPORTED_REGIONS else _UNKNOWN_REGION


def _phones_in(text: str, region: str) -> list[str]:
    """E.164 numbers in decoded text, in order of appearance (may repeat)."""
    phones: list[str] = []
    for match in _CHAIN_RE.finditer(text):
        chain = match.group()
        if len(chain) < _MIN_DIGITS:
            continue  # the cheap exit for ages, prices, times
        groups = _groups(chain, match.start())
        if sum(len(group.digits) for group in groups) < _MIN_DIGITS:
            continue
        plus = chain.startswith("+")
        for segment, segment_plus in _segments(text, match.start(), match.end(), groups, plus):
            phones.extend(_phones_in_segment(segment, region, plus=segment_plus))
    return phones


def _groups(chain: str, offset: int) -> list[_Group]:
    groups: list[_Group] = []
    last_end: int | None = None
    for match in _GROUP_RE.finditer(chain):
        sep = "" if last_end is None else chain[last_end : match.start()]
        groups.append(_Group(match.group(), offset + match.start(), sep))
        last_end = match.end()
    return groups


def _segments(
    text: str, start: int, end: int, groups: list[_Group], plus: bool
) -> list[tuple[list[_Group], bool]]:
    """The chain cut at decoy groups and sentence breaks, each piece with its "+" flag."""
    excluded = _decoy_indexes(text, start, end, groups)
    segments: list[tuple[list[_Group], bool]] = []
    current: list[_Group] = []
    current_plus = plus
    for index, group in enumerate(groups):
        breaks = index in excluded or _SENTENCE_BREAK_RE.search(group.sep_before) is not None
        if breaks and current:
            segments.append((current, current_plus))
            current = []
        if index in excluded:
            current_plus = False
            continue
        if not current and index > 0:
            current_plus = False
        current.append(group)
    if current:
        segments.append((current, current_plus))
    return segments


def _decoy_indexes(text: str, start: int, end: int, groups: list[_Group]) -> set[int]:
    """Indexes of the groups of a chain that are ids, money, units, dates or measurements."""
    excluded: set[int] = set()
    if _ID_PREFIX_RE.search(text, max(0, start - _PREFIX_WINDOW), start) is not None:
        excluded.add(0)
    last = len(groups) - 1
    if len(groups[last].digits) <= _MAX_UNIT_GROUP and (
        _is_glued_to_letter(text, end) or _UNIT_SUFFIX_RE.match(text, end) is not None
    ):
        excluded.add(last)
    excluded.update(_date_indexes(groups))
    excluded.update(_measurement_indexes(groups))
    return excluded


def _is_glued_to_letter(text: str, end: int) -> bool:
    """Whether a letter follows the chain directly: "150hh", "36DD", "10am", "2nd"."""
    return end < len(text) and text[end].isalpha()


def _date_indexes(groups: list[_Group]) -> set[int]:
    """Groups forming dates "2024-05-12", "12/05/2024", "5.12.24" (the last only alone)."""
    found: set[int] = set()
    for index in range(1, len(groups) - 1):
        first, middle, last = groups[index - 1], groups[index], groups[index + 1]
        sep = middle.sep_before.strip()
        if sep not in _DATE_SEPS or last.sep_before.strip() != sep:
            continue
        alone = len(groups) == 3
        if _is_date(first.digits, middle.digits, last.digits, two_digit_year=alone):
            found.update((index - 1, index, index + 1))
    return found


def _is_date(first: str, middle: str, last: str, *, two_digit_year: bool) -> bool:
    if len(first) == 4 and first[:2] in ("19", "20") and len(middle) <= 2 and len(last) <= 2:
        return 1 <= int(middle) <= _MONTHS and 1 <= int(last) <= _DAYS
    if len(first) > 2 or len(middle) > 2:
        return False
    a, b = int(first), int(middle)
    day_month = (1 <= a <= _DAYS and 1 <= b <= _MONTHS) or (1 <= a <= _MONTHS and 1 <= b <= _DAYS)
    year = (len(last) == 4 and last[:2] in ("19", "20")) or (two_digit_year and len(last) == 2)
    return day_month and year


def _measurement_indexes(groups: list[_Group]) -> set[int]:
    """Groups of body measurements "34-24-36" written at the start of a chain."""
    if len(groups) < 3:
        return set()
    bust, waist, hips = (group.digits for group in groups[:3])
    sep = groups[1].sep_before.strip()
    if sep not in ("-", "/") or groups[2].sep_before.strip() != sep:
        return set()
    if any(len(value) != 2 for value in (bust, waist, hips)):
        return set()
    if 28 <= int(bust) <= 50 and 18 <= int(waist) <= 40 and 28 <= int(hips) <= 56:
        return {0, 1, 2}
    return set()


def _phones_in_segment(groups: list[_Group], region: str, *, plus: bool) -> list[str]:
    """Phones among consecutive groups: at each group, the longest valid window wins."""
    phones: list[str] = []
    index = 0
    while index < len(groups):
        phone, used = _longest_phone_at(groups, index, region, plus=plus and index == 0)
        if phone is None:
            index += 1
            continue
        phones.append(phone)
        index += used
    return phones


def _longest_phone_at(
    groups: list[_Group], index: int, region: str, *, plus: bool
) -> tuple[str | None, int]:
    """The longest valid phone made of groups starting at `index`, and how many groups it took."""
    lengths: list[int] = []
    total = 0
    for group in groups[index:]:
        if total + len(group.digits) > _MAX_WINDOW:
            break
        total += len(group.digits)
        lengths.append(total)
    lead = len(groups[index].digits)
    for count in range(len(lengths), 0, -1):
        if lengths[count - 1] < _MIN_DIGITS:
            break
        window = groups[index : index + count]
        if _is_round_number_list(window):
            continue
        digits = "".join(group.digits for group in window)
        phone = _phone_for(digits, region, plus, lead)
        if phone is not None:
            return phone, count
    return None, 0


def _is_round_number_list(window: list[_Group]) -> bool:
    """Whether the groups read as a price list ("150 250 400 1000"), not a phone number."""
    return len(window) >= 3 and all(
        group.digits.endswith(("00", "50")) and not group.digits.startswith("0") for group in window
    )


@lru_cache(maxsize=1 << 16)
def _phone_for(digits: str, region: str, plus: bool, lead: int) -> str | None:
    """E.164 for a digit string, or None. `lead` is the length of its first written group.

    Tried in order: an explicit "+"; the default region; an international prefix ("00",
    "011"); a NANP number with its leading "1"; a country code written without "+" as its own
    group ("44 7911 123456").
    """
    if plus:
        return _international(digits)
    if len(digits) > _MAX_WINDOW:
        return None
    national = _national(digits, region)
    if national is not None:
        return national
    if digits.startswith("011"):
        return _international(digits[3:])
    if digits.startswith("00"):
        return _international(digits[2:])
    if len(digits) == 11 and digits.startswith("1"):
        return _international(digits)
    if lead in (2, 3) and int(digits[:lead]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
        return _international(digits)
    return None


def _international(digits: str) -> str | None:
    """E.164 for digits that start with a country code, or None."""
    if not _MIN_DIGITS + 1 <= len(digits) <= _MAX_DIGITS + 1:
        return None
    phone = _valid_e164("+" + digits, _UNKNOWN_REGION)
    if phone is None and digits.startswith("521") and len(digits) == 13:
        # Mexican mobiles were dialled "+52 1 ..." until 2019 and ads still write it so.
        phone = _valid_e164("+52" + digits[3:], _UNKNOWN_REGION)
    return phone


def _national(digits: str, region: str) -> str | None:
    """E.164 for digits written the national way in `region`, or None."""
    if region == _UNKNOWN_REGION or not _is_plausible_national(digits, region):
        return None
    if region == "MX" and len(digits) == 13 and digits[:3] in ("044", "045"):
        digits = digits[3:]  # the old Mexican mobile prefixes
    return _valid_e164(digits, region)


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
    if region == "MX" and size == 13:
        return True  # "044 55 1234 5678"
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


def _valid_e164(number: str, region: str) -> str | None:
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
