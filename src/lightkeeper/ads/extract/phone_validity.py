"""Phone numbers as E.164 when `phonenumbers` deems them valid, with a fast path for plain digits.

`phonenumbers.parse` followed by `is_valid_number` costs ~60 µs a number, most of it in general
machinery (input clean-up, extensions, RFC 3966, metadata look-ups and regex caches per call)
that digit strings never need. For the common shapes, ``"+" + digits`` with no default region
and national digits in a known region, this module finds the country code and the national
significant number itself and checks them against the same metadata patterns, in the same
order, as `phonenumbers` does. Whenever the digits need a step it does not reproduce (an
international or national prefix to strip, the region's own country code in front, leading
zeros), it hands the number to `phonenumbers` itself, so the answer is always the library's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneMetadata

__all__ = ["valid_e164"]

_UNKNOWN_REGION = "ZZ"
_NON_GEO_REGION = "001"  # phonenumbers' region code for global services (+800, +882...)
_MIN_NSN = 2  # phonenumbers' bounds on a national significant number
_MAX_NSN = 17
_MAX_COUNTRY_CODE = 3


@dataclass(frozen=True, slots=True)
class _Desc:
    """A number description: its possible lengths (empty means any) and its full pattern."""

    lengths: frozenset[int]
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class _Rules:
    """What parsing and validating a number of one metadata entry needs."""

    country_code: int
    international_prefix: re.Pattern[str] | None
    national_prefix: re.Pattern[str] | None  # national_prefix_for_parsing
    leading_digits: re.Pattern[str] | None
    general: _Desc | None
    lengths: frozenset[int]  # the general possible lengths, -1 for none
    local_lengths: frozenset[int]  # lengths possible only for local dialling
    transforms_prefix: bool  # a national_prefix_transform_rule rewrites the prefix
    # Descriptions in `phonenumbers`' order of number types; a number is valid when the general
    # description and one of these match (mobile only counts when its pattern differs from the
    # fixed line's, as there).
    types: tuple[_Desc, ...]
    # Per length of national number: one expression that the general description and some type
    # of that length match together (None: no number of that length is valid). Filled on first
    # use: one match instead of up to ten.
    by_length: dict[int, re.Pattern[str] | None] = field(default_factory=dict, compare=False)


def valid_e164(number: str, region: str) -> str | None:
    """E.164 of `number` ("+" and digits, or digits) parsed in `region` when valid, else None.

    Same answer as ``phonenumbers.parse`` then ``is_valid_number`` then E.164 formatting, with
    parse errors as None.
    """
    fast = _fast_e164(number, region)
    if isinstance(fast, _Unsure):
        return _library_e164(number, region)
    return fast


class _Unsure:
    """Marks a number the fast path leaves to `phonenumbers`."""


_UNSURE = _Unsure()


def _fast_e164(number: str, region: str) -> str | _Unsure | None:
    if not number.isascii():
        return _UNSURE
    if number.startswith("+"):
        if region != _UNKNOWN_REGION or not number[1:].isdigit():
            return _UNSURE
        country_code, nsn = _split_country_code(number[1:])
        if not country_code:
            return _UNSURE
        rules = _rules_for_country_code(country_code)
    else:
        if not number.isdigit():
            return _UNSURE
        rules = _rules_for_region(region)
        if rules is None:
            return _UNSURE
        if rules.international_prefix is not None and rules.international_prefix.match(number):
            return _UNSURE
        if number.startswith(str(rules.country_code)):
            return _UNSURE
        nsn = number
    if rules is None or len(nsn) < _MIN_NSN:
        return _UNSURE
    if rules.national_prefix is not None and (prefix := rules.national_prefix.match(nsn)):
        nsn = _without_national_prefix(nsn, prefix, rules)
    if not _MIN_NSN <= len(nsn) <= _MAX_NSN or nsn.startswith("0"):
        return _UNSURE  # empty (unsure) too
    return f"+{rules.country_code}{nsn}" if _is_valid(rules.country_code, nsn) else None


def _without_national_prefix(nsn: str, prefix: re.Match[str], rules: _Rules) -> str:
    """The number without the national prefix that starts it, where `phonenumbers` would strip
    it: no transform rule, and what is left matches the general pattern at a possible length
    that is not local-only. "" when unsure."""
    if rules.transforms_prefix or rules.general is None:
        return ""
    stripped = nsn[prefix.end() :]
    if rules.general.pattern.fullmatch(stripped) is None:
        return ""
    size = len(stripped)
    if size in rules.local_lengths or size not in rules.lengths:
        return ""
    return stripped


def _split_country_code(digits: str) -> tuple[int, str]:
    """The country calling code at the start of the digits and the rest, or (0, digits)."""
    if not digits or digits[0] == "0":
        return 0, digits
    for size in range(1, min(len(digits), _MAX_COUNTRY_CODE) + 1):
        code = int(digits[:size])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return code, digits[size:]
    return 0, digits


def _is_valid(country_code: int, nsn: str) -> bool:
    """`phonenumbers.is_valid_number` for a number without leading zeros."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(country_code)
    if not regions:
        return False
    if len(regions) == 1:
        rules = _rules_for(country_code, regions[0])
        return rules is not None and _has_known_type(rules, nsn)
    for rules in _shared_code_rules(country_code):
        if rules.leading_digits is not None:
            if rules.leading_digits.match(nsn):
                return _has_known_type(rules, nsn)
        elif _has_known_type(rules, nsn):
            return True
    return False


@lru_cache(maxsize=64)
def _shared_code_rules(country_code: int) -> tuple[_Rules, ...]:
    """The rules of the regions sharing a country code (NANP...), in `phonenumbers`' order, the
    regions without metadata left out as it skips them."""
    found: list[_Rules] = []
    for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(country_code, ()):
        rules = _rules_for(country_code, region) if region != _NON_GEO_REGION else None
        if rules is not None:
            found.append(rules)
    return tuple(found)


def _has_known_type(rules: _Rules, nsn: str) -> bool:
    """Whether `phonenumbers` gives the number a type other than UNKNOWN."""
    size = len(nsn)
    if size in rules.by_length:
        pattern = rules.by_length[size]
    else:
        pattern = rules.by_length[size] = _known_type_pattern(rules, size)
    return pattern is not None and pattern.fullmatch(nsn) is not None


def _known_type_pattern(rules: _Rules, size: int) -> re.Pattern[str] | None:
    """One expression for numbers of `size` digits that the general description and one of the
    type descriptions match (the alternation matches the whole number when one branch does)."""
    general = rules.general
    if general is None or (general.lengths and size not in general.lengths):
        return None
    types = [
        desc.pattern.pattern for desc in rules.types if not desc.lengths or size in desc.lengths
    ]
    if not types:
        return None
    branches = "|".join(f"(?:{pattern})" for pattern in types)
    return re.compile(rf"(?=(?:{general.pattern.pattern})\Z)(?:{branches})")


@lru_cache(maxsize=512)
def _rules_for_country_code(country_code: int) -> _Rules | None:
    region = phonenumbers.region_code_for_country_code(country_code)
    return _rules_for(country_code, region)


@lru_cache(maxsize=512)
def _rules_for_region(region: str) -> _Rules | None:
    metadata = PhoneMetadata.metadata_for_region(region, None)
    return None if metadata is None else _rules_for(metadata.country_code, region)


@lru_cache(maxsize=512)
def _rules_for(country_code: int, region: str) -> _Rules | None:
    metadata = PhoneMetadata.metadata_for_region_or_calling_code(country_code, region)
    if metadata is None or metadata.country_code is None:
        return None
    types = [
        metadata.premium_rate,
        metadata.toll_free,
        metadata.shared_cost,
        metadata.voip,
        metadata.personal_number,
        metadata.pager,
        metadata.uan,
        metadata.voicemail,
        metadata.fixed_line,
    ]
    if not metadata.same_mobile_and_fixed_line_pattern:
        types.append(metadata.mobile)
    general = metadata.general_desc
    return _Rules(
        country_code=metadata.country_code,
        international_prefix=_compiled(metadata.international_prefix),
        national_prefix=_compiled(metadata.national_prefix_for_parsing),
        leading_digits=_compiled(metadata.leading_digits),
        general=_desc(metadata.general_desc),
        lengths=frozenset(general.possible_length or ()) if general else frozenset(),
        local_lengths=frozenset(general.possible_length_local_only or ())
        if general
        else frozenset(),
        transforms_prefix=bool(metadata.national_prefix_transform_rule),
        types=tuple(desc for desc in map(_desc, types) if desc is not None),
    )


def _compiled(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern) if pattern else None


def _desc(desc: phonenumbers.PhoneNumberDesc | None) -> _Desc | None:
    """A description that can match, or None (no pattern matches nothing in phonenumbers)."""
    if desc is None or not desc.national_number_pattern:
        return None
    return _Desc(frozenset(desc.possible_length or ()), re.compile(desc.national_number_pattern))


def _library_e164(number: str, region: str) -> str | None:
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
