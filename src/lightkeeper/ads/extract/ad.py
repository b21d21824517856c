"""Run every extractor over one ad: the extract stage for a single record."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lightkeeper.ads.extract.ages import extract_ages
from lightkeeper.ads.extract.bytescan import ascii_lowered, folded_lowered
from lightkeeper.ads.extract.emails import extract_emails
from lightkeeper.ads.extract.handles import extract_handles
from lightkeeper.ads.extract.images import extract_image_hashes
from lightkeeper.ads.extract.phones import extract_phones
from lightkeeper.ads.extract.places import region_for_place, resolve_place
from lightkeeper.ads.extract.prices import extract_prices
from lightkeeper.ads.extract.urls import extract_urls
from lightkeeper.ads.types import AdRecord, Extraction

DEFAULT_REGION = "US"


def extract_ad(record: AdRecord, *, default_region: str = DEFAULT_REGION) -> Extraction:
    """Everything the extractors find in one ad.

    The phone region comes from the ad's resolved place, else `default_region`. Image paths are
    resolved against the folder of the file the record came from.
    """
    title, body = record.title, record.body
    # `record.text`, without a generator: title and body joined by a newline.
    text = (title + "\n" + body if body else title) if title else (body or "")
    place = resolve_place(record.location, text)
    region = region_for_place(place) or default_region
    # The lower-cased forms of the text are made once and shared by the extractors that read them.
    low = ascii_lowered(text)
    folded = folded_lowered(text, low)
    images = record.images
    return Extraction(
        phones=extract_phones(text, region=region, structured=record.phone),
        emails=extract_emails(text, structured=record.email, folded=folded),
        handles=extract_handles(text, folded=folded),
        urls=extract_urls(text),
        prices=extract_prices(text, default_currency=_currency_for(place.country), low=low),
        ages=extract_ages(text, low=low),
        place=place,
        image_hashes=(
            extract_image_hashes(images, base_dir=_source_dir(record.source)) if images else []
        ),
    )


# Every record of an input file names the same file: one Path per file, not per ad.
@lru_cache(maxsize=1024)
def _source_dir(source: str) -> Path | None:
    """The folder of the input file a record came from, or None when unknown."""
    return Path(source).parent if source else None


_CURRENCIES = {
    "US": "USD",
    "CA": "CAD",
    "GB": "GBP",
    "MX": "MXN",
    "ES": "EUR",
    "FR": "EUR",
    "DE": "EUR",
    "IT": "EUR",
    "PT": "EUR",
    "NL": "EUR",
    "IE": "EUR",
    "AU": "AUD",
}


def _currency_for(country: str | None) -> str:
    return _CURRENCIES.get(country or "", "USD")
