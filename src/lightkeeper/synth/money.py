"""Rates and wages as ads write them: the numbers a phone extractor must not take for phones."""

from __future__ import annotations

from functools import lru_cache

_SYMBOL = {"USD": "$", "CAD": "$", "GBP": "£", "EUR": "€", "MXN": "$"}
_WORD_ES = {"USD": "dólares", "CAD": "dólares", "GBP": "libras", "EUR": "euros", "MXN": "pesos"}

RATE_FORMS: dict[tuple[str, bool], tuple[str, ...]] = {
    ("en", False): (
        "{v}/hr",
        "{hh}hh {h}h",
        "{h} roses",
        "{vh} half hour, {v} hour",
        "{h} donation",
        "{vh} qv / {v} hr",
        "{v} per hour",
        "{v} 1hr",
    ),
    ("es", False): (
        "{v} la hora",
        "{vh} media hora, {v} la hora",
        "{h} rosas",
        "{h} {w}/hora",
        "media hora {vh}, hora {v}",
        "{v} 1 hora",
    ),
    ("en", True): (
        "60 min {v}",
        "{v}/hr",
        "30 min {vh}, 60 min {v}",
        "1 hour {v}",
        "{v} per session",
    ),
    ("es", True): ("60 min {v}", "1 hora {v}", "30 min {vh}, 60 min {v}", "{v} la sesión"),
}


def price_step(currency: str) -> int:
    """Return the unit prices are rounded to in `currency`."""
    return 100 if currency == "MXN" else 10


def _amount(value: int, currency: str, language: str) -> str:
    number = f"{value:,}" if value >= 1000 else str(value)
    symbol = _SYMBOL[currency]
    if currency == "EUR" and language == "es":
        return f"{number}{symbol}"
    return f"{symbol}{number}"


@lru_cache(maxsize=8192)  # a few hundred distinct rates recur across a corpus
def rate_text(currency: str, language: str, form: str, hour: int) -> str:
    """Return a rate line such as "$200/hr" or "150hh 250h" for an hourly price `hour`."""
    step = price_step(currency)
    half = max(step, round(hour * 0.65 / step) * step)
    return form.format(
        v=_amount(hour, currency, language),
        vh=_amount(half, currency, language),
        h=hour,
        hh=half,
        w=_WORD_ES[currency],
    )


def legit_wage(country: str, value: float) -> str:
    """Return a realistic wage line for `country` ("$17.50/hr", "1.350 € al mes", ...)."""
    if country in ("US", "CA"):
        return f"${value:.2f}/hr"
    if country == "GB":
        return f"£{value:.2f} per hour"
    if country == "ES":
        return f"{int(value):,} € al mes".replace(",", ".")
    return f"${int(value):,} semanales"


def legit_wage_value(country: str, draw: float) -> float:
    """Return a market wage for `country` from a uniform draw in [0, 1)."""
    if country in ("US", "CA"):
        return 15 + round(draw * 40) * 0.25
    if country == "GB":
        return 11.5 + round(draw * 12) * 0.25
    if country == "ES":
        return 1200 + round(draw * 10) * 50
    return 2500 + round(draw * 20) * 100


def lure_wage(country: str, value: int) -> str:
    """Return a wage far above market as deceptive recruiters write it ("$5,000")."""
    if country == "GB":
        return f"£{value:,}"
    if country == "ES":
        return f"{value:,} €".replace(",", ".")
    if country == "MX":
        return f"${value:,} dólares"
    return f"${value:,}"


def fee_text(country: str, value: int) -> str:
    """Return a recruitment fee in local currency ("$350", "300 €", "$3,500 pesos")."""
    if country == "GB":
        return f"£{value}"
    if country == "ES":
        return f"{value} €"
    if country == "MX":
        return f"${value * 10:,} pesos"
    return f"${value}"
