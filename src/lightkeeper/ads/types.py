"""Typed records that flow between the stages of the ad pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class AdRecord:
    """One validated ad (ad record v1) as ingest hands it to the later stages."""

    id: str
    version: int = 1
    site: str | None = None
    posted_at: datetime | None = None
    url: str | None = None
    location: str | None = None
    title: str | None = None
    body: str | None = None
    phone: str | None = None
    email: str | None = None
    images: tuple[str, ...] = ()
    language: str | None = None
    extra: str | None = None  # unknown properties, kept untouched as a JSON object text
    source: str = ""  # input file the record came from
    line: int = 0  # 1-based line (or row) number in that file

    @property
    def text(self) -> str:
        """Title and body joined: the text every extractor reads."""
        return "\n".join(part for part in (self.title, self.body) if part)


@dataclass(frozen=True, slots=True, order=True)
class Price:
    """A price as advertised: amount, ISO currency code and the unit of time it buys."""

    amount: float
    currency: str  # ISO 4217, e.g. "USD", "EUR", "GBP", "MXN"
    unit: str  # "hour", "half_hour", "15min", "night", "session" or "unknown"
    code: str = ""  # the word used as a price code, e.g. "roses", "" when plain money


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place: city name and ISO 3166-1 alpha-2 country, either may be unknown."""

    city: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything the extract stage finds in one ad."""

    phones: list[str] = field(default_factory=list)  # E.164, in order of first appearance
    emails: list[str] = field(default_factory=list)  # lower-case
    handles: list[str] = field(default_factory=list)  # "platform:handle"
    urls: list[str] = field(default_factory=list)
    prices: list[Price] = field(default_factory=list)
    ages: list[int] = field(default_factory=list)
    place: Place = field(default_factory=Place)
    image_hashes: list[str] = field(default_factory=list)  # 16 lower-case hex digits
