"""Unique, valid phone numbers for the synthetic corpus.

A `PhoneBook` hands out numbers per national prefix from a counter passed through an affine
permutation of the suffix space, so numbers look scattered yet never repeat between operators
(an accidental shared number would be a false link in the truth). Fictional ranges (NANP
555-01xx, Ofcom drama numbers) are used first where `phonenumbers` accepts them. Every number
is checked with `phonenumbers.is_valid_number_for_region` before it is used.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from random import Random

import phonenumbers

from lightkeeper.synth.places import COUNTRIES

_DIGIT_RUNS = re.compile(r"\d+")
_NANP_RESERVED_EXCHANGE = "555"  # kept for the fictional 555-01xx block


@dataclass(frozen=True, slots=True)
class Phone:
    """A valid phone number and the digit groups it is usually written in."""

    e164: str
    country: str
    calling_code: str
    national: tuple[str, ...]  # national format groups, trunk prefix included ("07400", ...)
    international: tuple[str, ...]  # groups after the calling code ("7400", "123456")

    @property
    def national_digits(self) -> str:
        """The digits of the national form (with trunk prefix)."""
        return "".join(self.national)


class ExhaustedError(Exception):
    """No unused valid number is left under the prefixes asked for."""


def _coprime_multiplier(key: str, modulus: int) -> tuple[int, int]:
    # A multiplier coprime to 10^k (odd, not a multiple of 5) makes k -> a*k+b a bijection.
    h = zlib.crc32(key.encode())
    a = (h * 2 + 1) % modulus or 1
    while a % 5 == 0 or a % 2 == 0:
        a = (a + 2) % modulus or 1
    return a, (h >> 7) % modulus


class PhoneBook:
    """Hands out unique valid numbers; state is a counter per prefix (small, bounded).

    Books with the same seed and different `part` (of `parts`) never hand out the same
    number: each takes every `parts`-th index of the permuted suffix space. Batches of a
    corpus made in parallel each get their own part.
    """

    def __init__(self, *, seed: int, part: int = 0, parts: int = 1) -> None:
        if not 0 <= part < parts:
            raise ValueError(f"part {part} is not in 0..{parts - 1}")
        self._seed = seed
        self._part = part
        self._parts = parts
        self._counters: dict[str, int] = {}
        self._perms: dict[str, tuple[int, int, int]] = {}

    def _permutation(self, country: str, prefix: str) -> tuple[int, int, int]:
        key = f"{country}:{prefix}"
        perm = self._perms.get(key)
        if perm is None:
            length = COUNTRIES[country].national_length - len(prefix)
            modulus = 10**length
            a, b = _coprime_multiplier(f"{self._seed}:{key}", modulus)
            perm = (a, b, length)
            self._perms[key] = perm
        return perm

    def _next_in(self, country: str, prefix: str) -> Phone | None:
        key = f"{country}:{prefix}"
        a, b, length = self._permutation(country, prefix)
        modulus = 10**length
        info = COUNTRIES[country]
        k = self._counters.get(key, 0)
        while (index := k * self._parts + self._part) < modulus:
            suffix = str((a * index + b) % modulus).zfill(length)
            k += 1
            if (
                info.calling_code == 1
                and length == 7
                and suffix.startswith(_NANP_RESERVED_EXCHANGE)
            ):
                continue
            phone = phone_from_national(country, prefix + suffix)
            if phone is not None:
                self._counters[key] = k
                return phone
        self._counters[key] = k
        return None

    def new_phone(
        self, country: str, *, prefixes: tuple[str, ...], fictional: tuple[str, ...], rng: Random
    ) -> Phone:
        """Return an unused valid number, from a fictional range while one has room.

        `prefixes` are national prefixes to draw from once the fictional ranges are used up;
        raises ExhaustedError when nothing is left (only with absurd corpus sizes).
        """
        if fictional:
            start = int(rng.random() * len(fictional))
            for i in range(len(fictional)):
                phone = self._next_in(country, fictional[(start + i) % len(fictional)])
                if phone is not None:
                    return phone
        start = int(rng.random() * len(prefixes))
        for i in range(len(prefixes)):
            phone = self._next_in(country, prefixes[(start + i) % len(prefixes)])
            if phone is not None:
                return phone
        raise ExhaustedError(f"no number left in {country} under {prefixes}")


def phone_from_national(country: str, national: str) -> Phone | None:
    """Return the Phone for a national significant number, None when phonenumbers rejects it."""
    info = COUNTRIES[country]
    number = phonenumbers.PhoneNumber(country_code=info.calling_code, national_number=int(national))
    if not phonenumbers.is_valid_number_for_region(number, country):
        return None
    national_lengths, intl_lengths = _group_lengths(country, national, number)
    return Phone(
        e164=f"+{info.calling_code}{national}",
        country=country,
        calling_code=str(info.calling_code),
        national=_split(info.trunk + national, national_lengths),
        international=_split(national, intl_lengths),
    )


_LENGTHS: dict[tuple[str, str], tuple[tuple[int, ...], tuple[int, ...]]] = {}


def _group_lengths(
    country: str, national: str, number: phonenumbers.PhoneNumber
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    # Grouping depends on the leading digits only; ask phonenumbers once per leading block
    # (formatting costs more than validating) and reuse it for the block.
    key = (country, national[:3])
    lengths = _LENGTHS.get(key)
    if lengths is None:
        fmt = phonenumbers.PhoneNumberFormat
        national_text = phonenumbers.format_number(number, fmt.NATIONAL)
        intl_text = phonenumbers.format_number(number, fmt.INTERNATIONAL)
        lengths = (
            tuple(len(g) for g in _DIGIT_RUNS.findall(national_text)),
            tuple(len(g) for g in _DIGIT_RUNS.findall(intl_text)[1:]),
        )
        _LENGTHS[key] = lengths
    return lengths


def _split(digits: str, lengths: tuple[int, ...]) -> tuple[str, ...]:
    out, pos = [], 0
    for length in lengths:
        out.append(digits[pos : pos + length])
        pos += length
    return tuple(out)
