"""Check a job offer for signs of deceptive recruitment, in plain language (public use).

`check_job` reads one offer's text against the catalogue's labour indicators (the same ones
that score job ads in the pipeline, with their explanations and what to verify), rates how
serious each sign is and how worrying the offer is overall, and lists the helplines of the
person's country. It does no I/O beyond reading the packaged data, so a web page can call it.

Levels come from the same additive log-odds model as the ad scores, with the catalogue's job
intercept: "high" when the model puts deception at 50% or more, "medium" from 20% (or when any
single sign is of high severity), "low" when some sign is present, "none" otherwise. "None"
never means the offer is safe: it means none of the known signs was found in the text.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import pyarrow as pa

from lightkeeper.ads.indicators.catalogue import Catalogue, Indicator, load_catalogue
from lightkeeper.ads.indicators.match import ABSENT_EVIDENCE, Found, match_ads, match_text
from lightkeeper.errors import ConfigError, InputError

MAX_CHARS = 100_000
HIGH_SEVERITY, MEDIUM_SEVERITY = 1.2, 0.7  # weights (log-odds) at which a sign is high / medium
HIGH_LEVEL, MEDIUM_LEVEL = 0.5, 0.2  # model probabilities
COUNTRY_ALIASES = {"UK": "GB", "EN": "GB"}
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_SPANISH = re.compile(
    r"\b(?:el|la|los|las|de|del|para|con|por|que|una?|trabajo|sueldo|empleo|años)\b", re.I
)
_ENGLISH = re.compile(r"\b(?:the|and|for|with|you|your|we|our|job|work|salary|years)\b", re.I)

ADVICE = {
    "en": (
        "Never hand over your passport or identity documents, and never pay to get a job.",
        "Get the contract in writing, in a language you understand, before you travel.",
        "Look the employer up yourself, in the official company register and on its own website.",
        "Tell someone you trust where you are going, and keep copies of your documents with them.",
    ),
    "es": (
        "Nunca entregues tu pasaporte ni tus documentos, y nunca pagues por conseguir un trabajo.",
        "Pide el contrato por escrito, en un idioma que entiendas, antes de viajar.",
        "Busca tú mismo al empleador en el registro oficial de empresas y en su propia web.",
        "Dile a alguien de confianza a dónde vas y déjale copias de tus documentos.",
    ),
}
NOT_FOUND = {"en": "(not found in the offer)", "es": "(no aparece en la oferta)"}
NO_SIGNS = {
    "en": "No known warning sign was found in this text. That does not prove the offer is "
    "safe: check the employer and the contract before you accept.",
    "es": "No se encontró ninguna señal de alerta conocida en este texto. Eso no demuestra que "
    "la oferta sea segura: comprueba el empleador y el contrato antes de aceptar.",
}


@dataclass(frozen=True, slots=True)
class WarningSign:
    """One warning sign found in the offer."""

    code: str
    name: str
    severity: str  # high | medium | low
    explanation: str  # plain language: what it is and why it matters
    verify: str  # what to check before accepting
    evidence: str  # the words of the offer that show it
    weight: float  # log-odds


@dataclass(frozen=True, slots=True)
class Hotline:
    """A helpline to call, with the source of its number."""

    country: str  # ISO 3166-1 alpha-2, "" for the fallback
    name: str
    phone: str
    source: str
    sms: str = ""
    email: str = ""
    web: str = ""
    hours: str = ""
    emergency: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class JobCheck:
    """The result of checking one job offer."""

    level: str  # high | medium | low | none
    score: float  # model probability that the offer is deceptive, 0..1
    signs: tuple[WarningSign, ...]  # most serious first
    hotlines: tuple[Hotline, ...]
    language: str  # en | es: the language of the explanations
    summary: str
    advice: tuple[str, ...]
    country: str | None = None


def check_job(
    text: str,
    *,
    country: str | None = None,
    language: str | None = None,
    catalogue: Catalogue | None = None,
) -> JobCheck:
    """Check a job offer's `text` for warning signs of deceptive recruitment.

    `country` (ISO alpha-2, e.g. "US", "GB"/"UK", "MX") chooses the helplines; None lists them
    all. `language` ("en" or "es") chooses the explanations' language, detected from the text
    when None. Raises InputError for an empty or oversized text, ConfigError for a bad country.
    """
    if not text or not text.strip():
        raise InputError("the job offer text is empty")
    if len(text) > MAX_CHARS:
        raise InputError(
            f"the job offer text is too long ({len(text):,} characters; at most {MAX_CHARS:,})"
        )
    code = normalise_country(country)
    lang = language or detect_language(text)
    if lang not in ADVICE:
        raise ConfigError(f"unknown language {lang!r}; use one of {', '.join(sorted(ADVICE))}")
    cat = catalogue or _default_catalogue()
    signs = _signs(match_text(text, catalogue=cat, job_offer=True), cat, lang)
    score = _score(signs, cat)
    level = _level(score, signs)
    return JobCheck(
        level=level,
        score=score,
        signs=signs,
        hotlines=hotlines_for(code),
        language=lang,
        summary=_summary(level, signs, lang),
        advice=ADVICE[lang],
        country=code,
    )


@lru_cache(maxsize=1)
def _default_catalogue() -> Catalogue:
    return load_catalogue()


def normalise_country(country: str | None) -> str | None:
    """An ISO alpha-2 code in upper case (UK -> GB), or None; ConfigError when malformed."""
    if country is None or not country.strip():
        return None
    code = country.strip().upper()
    code = COUNTRY_ALIASES.get(code, code)
    if not _COUNTRY.match(code):
        raise ConfigError(
            f"country must be a two-letter code such as US, GB, CA, ES or MX, not {country!r}"
        )
    return code


def detect_language(text: str) -> str:
    """ "es" when the text reads as Spanish, else "en" (a count of common words)."""
    return "es" if len(_SPANISH.findall(text)) > len(_ENGLISH.findall(text)) else "en"


def job_offer_scores(
    texts: Sequence[str | None], *, catalogue: Catalogue | None = None
) -> list[float]:
    """The `check_job` score of many offers at once (for benchmarks and batch screening)."""
    cat = catalogue or _default_catalogue()
    table = pa.table(
        {"title": pa.nulls(len(texts), pa.string()), "body": pa.array(texts, pa.string())}
    )
    return [
        _score(_signs(found, cat, "en"), cat)
        for found in match_ads(table, catalogue=cat, job_offer=True)
    ]


def _score(signs: tuple[WarningSign, ...], catalogue: Catalogue) -> float:
    if not signs:
        return 0.0
    return _probability(catalogue.intercept("job") + sum(s.weight for s in signs))


def _signs(found: Found, catalogue: Catalogue, lang: str) -> tuple[WarningSign, ...]:
    relevant = {
        ind.code: ind for ind in catalogue.active(level="ad") if ind.family in ("labour", "both")
    }
    signs = [
        _sign(relevant[code], evidence, lang)
        for code, evidence in found.items()
        if code in relevant
    ]
    # only signs that raise concern are warning signs; most serious first
    return tuple(sorted((s for s in signs if s.weight > 0), key=lambda s: (-s.weight, s.code)))


def _sign(ind: Indicator, evidence: str, lang: str) -> WarningSign:
    return WarningSign(
        code=ind.code,
        name=ind.name_in(lang),
        severity=severity(ind.contribution),
        explanation=ind.text_in("explain", lang) or ind.description,
        verify=ind.text_in("verify", lang),
        evidence=NOT_FOUND[lang] if evidence == ABSENT_EVIDENCE else evidence,
        weight=ind.contribution,
    )


def severity(weight: float) -> str:
    """high, medium or low, from a sign's weight in log-odds."""
    if weight >= HIGH_SEVERITY:
        return "high"
    return "medium" if weight >= MEDIUM_SEVERITY else "low"


def _probability(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-logit))


def _level(score: float, signs: tuple[WarningSign, ...]) -> str:
    if not signs:
        return "none"
    if score >= HIGH_LEVEL:
        return "high"
    if score >= MEDIUM_LEVEL or any(s.severity == "high" for s in signs):
        return "medium"
    return "low"


_SUMMARIES = {
    "en": {
        "high": "This offer shows several serious warning signs of deceptive recruitment. "
        "Do not travel, pay or hand over documents before you have checked it.",
        "medium": "This offer shows warning signs of deceptive recruitment. "
        "Check the points below before you accept.",
        "low": "This offer shows a few weak warning signs. Check the points below.",
    },
    "es": {
        "high": "Esta oferta muestra varias señales graves de captación engañosa. "
        "No viajes, no pagues ni entregues documentos antes de comprobarla.",
        "medium": "Esta oferta muestra señales de captación engañosa. "
        "Comprueba los puntos de abajo antes de aceptar.",
        "low": "Esta oferta muestra algunas señales débiles. Comprueba los puntos de abajo.",
    },
}


def _summary(level: str, signs: tuple[WarningSign, ...], lang: str) -> str:
    return NO_SIGNS[lang] if not signs else _SUMMARIES[lang][level]


def hotlines_for(country: str | None) -> tuple[Hotline, ...]:
    """The helplines of `country` then the fallback; every known helpline when None."""
    lines, fallback = _hotlines()
    if country is None:
        return (*lines, fallback)
    mine = tuple(h for h in lines if h.country == country)
    return (*mine, fallback)


@lru_cache(maxsize=1)
def _hotlines() -> tuple[tuple[Hotline, ...], Hotline]:
    path = resources.files("lightkeeper") / "data" / "prevent" / "hotlines.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    lines = tuple(_hotline(entry) for entry in data.get("hotline", []))
    return lines, _hotline({"country": "", **data["fallback"]})


def _hotline(entry: dict[str, Any]) -> Hotline:
    fields = set(Hotline.__dataclass_fields__)
    return Hotline(**{k: str(v) for k, v in entry.items() if k in fields})
