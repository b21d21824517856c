"""Base templates: the text an advertiser copies from ad to ad.

A template is built once per advertiser by sampling sentence patterns from the phrase bank
and fixing their choices, so different advertisers write clearly different texts while
sharing vocabulary (and boilerplate). Per-ad changes (slots, dropped or swapped words,
typos, emoji) happen at render time.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from random import Random

from lightkeeper.synth import bank_jobs
from lightkeeper.synth.vocab import BANKS, BOILERPLATE, Pattern, compile_bank, realise


@dataclass(frozen=True, slots=True)
class Template:
    """An advertiser's base text with `{_x}` slots and what may vary per ad."""

    label: str
    language: str
    title: str
    sentences: tuple[str, ...]
    keep: tuple[float, ...]  # probability each sentence appears in a given ad
    contact_at: int  # the contact block goes before this sentence index
    contact_lead: str
    joiner: str
    uses: frozenset[str] = frozenset()  # the optional slots ("_a", "_d"...) its text has


_OPTIONAL_SLOTS = ("_n2", "_a", "_m", "_d", "_z", "_j")


@dataclass(frozen=True, slots=True)
class Voice:
    """What shapes an escort or massage template: who writes and how risky they are."""

    language: str
    third_person: bool
    risky: bool
    independent: bool
    multi: bool  # the advertiser has several personas
    massage: bool
    shop: bool  # a massage business rather than a person


_JOB_BANKS: dict[tuple[bool, str], dict[str, tuple[Pattern, ...]]] = {
    (deceptive, lang): compile_bank(source[lang])
    for deceptive, source in ((False, bank_jobs.LEGIT), (True, bank_jobs.DECEPTIVE))
    for lang in ("en", "es")
}


_POOL_SIZE = 256
_POOLS: dict[int, list[str]] = {}
_KEYS: dict[int, int] = {}
_M64 = (1 << 64) - 1


class _SplitMix:
    """A tiny seeded generator (SplitMix64): far cheaper to seed than random.Random."""

    __slots__ = ("state",)

    def __init__(self, seed: int) -> None:
        self.state = seed & _M64

    def random(self) -> float:
        self.state = (self.state + 0x9E3779B97F4A7C15) & _M64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
        return ((z ^ (z >> 31)) >> 11) * 2.0**-53


def _register(prefix: str, bank: dict[str, tuple[Pattern, ...]]) -> None:
    for category, patterns in bank.items():
        for i, pattern in enumerate(patterns):
            _KEYS[id(pattern)] = zlib.crc32(f"{prefix}/{category}/{i}".encode()) << 16


for _lang, _bank in BANKS.items():
    _register(_lang, _bank)
for (_deceptive, _lang), _bank in _JOB_BANKS.items():
    _register(f"job/{_deceptive}/{_lang}", _bank)


def pooled_sentence(pattern: Pattern, rng: Random) -> str:
    """Return one of 256 fixed realisations of a bank `pattern`, chosen with `rng`.

    Realising a pattern costs more than picking one of its realisations, and with 256
    variants per pattern unrelated advertisers still rarely share a sentence. A variant is
    a pure function of the pattern and the slot (its own seeded generator), so the pool is a
    cache: the same in every process and for every corpus.
    """
    pool = _POOLS.get(id(pattern))
    if pool is None:
        pool = [""] * _POOL_SIZE
        _POOLS[id(pattern)] = pool
    slot = int(rng.random() * _POOL_SIZE)
    text = pool[slot]
    if not text:
        text = realise(pattern, _SplitMix(_KEYS[id(pattern)] + slot).random)
        pool[slot] = text
    return text


class _Draft:
    """Collects sentences in order with their per-ad inclusion probability."""

    def __init__(self, bank: dict[str, tuple[Pattern, ...]], rng: Random, *, pooled: bool) -> None:
        self.bank = bank
        self.rng = rng
        self.pooled = pooled
        self.items: list[tuple[str, float]] = []

    def realise(self, pattern: Pattern) -> str:
        if self.pooled:
            return pooled_sentence(pattern, self.rng)
        return realise(pattern, self.rng.random)

    def add(self, category: str, *, count: int = 1, keep: float = 1.0) -> None:
        patterns = self.bank[category]
        n = len(patterns)
        first = int(self.rng.random() * n)
        # Consecutive patterns from a random start: distinct, and cheaper than sample().
        for i in range(count if count < n else n):
            pattern = patterns[(first + i) % n]
            text = pooled_sentence(pattern, self.rng) if self.pooled else self.realise(pattern)
            self.items.append((text, keep))

    def maybe(self, category: str, chance: float, *, keep: float = 1.0) -> None:
        if self.rng.random() < chance:
            self.add(category, keep=keep)


def _joiner(rng: Random) -> str:
    r = rng.random()
    return " " if r < 0.6 else "\n" if r < 0.9 else "\n\n"


def _finish(
    draft: _Draft, *, label: str, language: str, title: str, lead: str, rng: Random
) -> Template:
    sentences = tuple(text for text, _ in draft.items)
    keep = tuple(p for _, p in draft.items)
    r = rng.random()
    # Most put contacts last; some right after the greeting, some before the rates.
    contact_at = len(sentences) if r < 0.7 else 1 if r < 0.85 else max(1, len(sentences) - 2)
    text = " ".join((title, *sentences))
    uses = frozenset(slot for slot in _OPTIONAL_SLOTS if f"{{{slot}}}" in text)
    return Template(label, language, title, sentences, keep, contact_at, lead, _joiner(rng), uses)


def _boilerplate(draft: _Draft, language: str, rng: Random, chance: float) -> None:
    if rng.random() < chance:
        lines = BOILERPLATE[language]
        first = int(rng.random() * len(lines))
        for i in range(1 + int(rng.random() * 2)):
            draft.items.append((lines[(first + i * 3) % len(lines)], 0.85))


def companion_template(label: str, voice: Voice, rng: Random, *, pooled: bool = True) -> Template:
    """Return an escort or massage advertiser's template, its indicators drawn from `voice`.

    `pooled` draws sentences from fixed pools of realisations (fast, see `pooled_sentence`);
    without it every sentence is realised afresh from `rng`.
    """
    bank = BANKS[voice.language]
    draft = _Draft(bank, rng, pooled=pooled)
    risky, indep = voice.risky, voice.independent
    person = "3p" if voice.third_person else "1p"
    if voice.massage and voice.shop:
        draft.add("massage_shop", count=2 + int(rng.random() * 2))
    elif voice.massage:
        draft.add("massage_1p", count=2)
    else:
        draft.add(f"intro_{person}")
    if not voice.shop:
        draft.maybe(f"describe_{person}", 0.7)
    draft.maybe("youth", 0.55 if risky else 0.06 if indep else 0.12, keep=0.7)
    draft.maybe("ethnic", 0.5 if risky else 0.1 if indep else 0.15, keep=0.8)
    if not voice.massage:
        draft.add("services", count=1 + int(rng.random() * 2))
    if voice.multi and (voice.third_person or voice.shop):
        draft.maybe("multi", 0.65 if risky else 0.2, keep=0.75)
    draft.maybe("trust", 0.5 if risky else 0.1, keep=0.7)
    draft.add("avail", count=1 + int(rng.random() * 2), keep=0.95)
    draft.maybe("restrict", 0.55 if risky else 0.08, keep=0.8)
    draft.maybe("movement", 0.1 if risky else 0.45 if indep else 0.25, keep=0.6)
    draft.maybe("location", 0.4, keep=0.9)
    if not voice.shop:
        draft.maybe("stats", 0.3)
    draft.maybe("dates", 0.12, keep=0.8)
    if rng.random() < 0.85:
        draft.add("massage_rates" if voice.massage else "rates")
    draft.maybe("closing", 0.6, keep=0.9)
    _boilerplate(draft, voice.language, rng, 0.45)
    title_key = "title_massage" if voice.massage else f"title_{person}"
    title = draft.realise(bank[title_key][int(rng.random() * len(bank[title_key]))])
    lead = draft.realise(bank["contact"][int(rng.random() * len(bank["contact"]))])
    return _finish(draft, label=label, language=voice.language, title=title, lead=lead, rng=rng)


def job_template(
    label: str,
    *,
    language: str,
    deceptive: bool,
    fixed: dict[str, str],
    rng: Random,
    pooled: bool = True,
) -> Template:
    """Return a job advertiser's template; `fixed` fills its constant slots (employer, role...).

    Deceptive templates carry several recruitment indicators, each kept in most ads; legitimate
    ones name the employer, pay and address and say no fees are charged.
    """
    bank = _JOB_BANKS[(deceptive, language)]
    draft = _Draft(bank, rng, pooled=pooled)
    draft.add("intro")
    if deceptive:
        draft.maybe("wage", 0.9, keep=0.9)
        for category, chance in (
            ("free", 0.7),
            ("fee", 0.6),
            ("noexp", 0.6),
            ("urgency", 0.6),
            ("documents", 0.5),
            ("appearance", 0.5),
            ("agency", 0.4),
        ):
            draft.maybe(category, chance, keep=0.8)
    else:
        draft.add("pay")
        draft.maybe("schedule", 0.7)
        draft.maybe("benefits", 0.6, keep=0.9)
        draft.maybe("requirements", 0.7)
        draft.maybe("apply", 0.8)
        draft.add("trust", count=1 + int(rng.random() * 3), keep=0.8)
    title = draft.realise(bank["title"][int(rng.random() * len(bank["title"]))])
    lead = draft.realise(bank["contact"][int(rng.random() * len(bank["contact"]))])
    for key, value in fixed.items():
        # Constant slots are filled now: they are part of what the advertiser copies.
        title = title.replace(key, value)
        lead = lead.replace(key, value)
        draft.items = [(text.replace(key, value), keep) for text, keep in draft.items]
    # An employer name ending in "Inc." or "S.A." meets the sentence's own full stop.
    draft.items = [(text.replace("..", "."), keep) for text, keep in draft.items]
    title = title.replace("..", ".")
    return _finish(draft, label=label, language=language, title=title, lead=lead, rng=rng)
