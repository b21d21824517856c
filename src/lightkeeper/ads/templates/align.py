"""A cluster's template: the text its ads share, with named slots where they differ.

In the spirit of InfoShield (Lee et al., ICDE 2021), which describes a cluster by the template
that costs least to state plus each ad's changes to it, the template is read off an alignment of
the members to one representative ad, in two levels so the cost stays near linear:

1. sentences: each member's sequence of sentence keys is aligned to the representative's
   (difflib opcodes over hashes). A representative sentence is kept when most members have it;
2. words, only inside kept sentences that some members write differently (a name, a city, a
   typo) or that hold masked values (phones, prices): a word stays when most members that have
   the sentence agree on it, a run of words they write differently becomes a slot.

A slot is named for what it holds (phone, email, handle, url, price, age, name, city, number,
text); masked kinds are slots even where every member agrees on their place, since their values
are what differs. The distinct values seen in each slot are kept (at most MAX_VALUES).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from typing import NamedTuple

from lightkeeper.ads.templates.shingles import SPELLED_DIGITS

MAX_TOKENS = 200  # per sentence, so a huge or repeated text cannot make alignment slow
MAX_SENTENCES = 200  # per member
MAX_VALUES = 50
MAX_VALUE_CHARS = 200
MAX_TEXT_CHARS = 5000  # a template longer than this is cut (with an ellipsis)
# Sentences, values and slot values repeat across the members of a template and across
# templates (an operator reposts the same lines): their scans are cached, per process.
_CACHED = 1 << 16

_WORD = r"(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)?)"
_NUMBERS = (
    r"|(?P<price>[$€£]\s?\d[\d,.]*|\d[\d,.]*\s?(?:[$€£]|usd\b|eur\b|gbp\b|dollars\b|roses\b"
    r"|pesos\b|euros\b))"
    r"|(?P<phone>\+?\(?\d[\d\s().\-*~/_]{5,}\d)"
    r"|(?P<number>\d+(?:[.,]\d+)?)"
)
_MARK = r"|(?P<mark>[^\w\s])"
_EMAIL = r"(?P<email>[\w.%+-]+@[\w-]+(?:\.[\w-]+)+)|(?P<handle>@[\w.]+)|"
_URL = r"(?P<url>(?:https?://|www\.)\S+)|"
# Words first where no email or URL can occur (the common case, and much faster).
_TOKENS = {
    (has_at, has_url): re.compile(
        (_EMAIL if has_at else "") + (_URL if has_url else "") + _WORD + _NUMBERS + _MARK,
        re.IGNORECASE,
    )
    for has_at in (False, True)
    for has_url in (False, True)
}
_MAYBE_MASKED = re.compile(r"[\d@]|https?:|www\.", re.IGNORECASE)
_VALUES = {
    (has_at, has_url): re.compile(
        (_EMAIL if has_at else "") + (_URL if has_url else "") + _NUMBERS.removeprefix("|"),
        re.IGNORECASE,
    )
    for has_at in (False, True)
    for has_url in (False, True)
}
_AGE_NEXT = re.compile(r"\s*(?:yo|y/o|years|yrs|year|años|anos|añitos)\b", re.IGNORECASE)
_AGE_PREVIOUS = re.compile(r"\b(?:age|edad|aged)\s*:?\s*$", re.IGNORECASE)
_DIGIT_WORD = (
    r"(?:zero|one|two|three|four|five|six|seven|eight|nine|oh|cero|uno|dos|tres|cuatro|cinco"
    r"|seis|siete|ocho|nueve)"
)
_SPELLED_RUN = re.compile(rf"\b{_DIGIT_WORD}(?:[\s/.,|*~_-]+{_DIGIT_WORD}){{4,}}\b", re.IGNORECASE)
_URL_HINT = re.compile(r"https?://|www\.", re.IGNORECASE)
_AGE_AFTER = frozenset({"yo", "y/o", "years", "yrs", "year", "años", "anos", "añitos"})
_AGE_BEFORE = frozenset({"age", "edad", "aged"})
_DIGIT_WORDS = frozenset([*SPELLED_DIGITS, "oh"])
_MASKED = frozenset({"email", "url", "handle", "price", "phone", "age", "number"})
_SLOT_ORDER = ("phone", "email", "handle", "url", "price", "age", "name", "city", "number", "text")
_NAME = re.compile(r"^[^\W\d_][^\W\d_'’-]*(?:[ '’-][^\W\d_][^\W\d_'’-]*){0,2}$")


class Token(NamedTuple):
    """One token of a sentence: its alignment key, its kind, and where it sits in the text."""

    key: str
    kind: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Member:
    """One ad of a cluster, as sentences (boilerplate removed), for alignment."""

    sentences: Sequence[str]  # as written, with the break and spaces that follow them
    keys: Sequence[int]  # normalised sentence hashes: equal keys, same sentence up to slots
    city: str = ""


@dataclass(frozen=True, slots=True)
class Template:
    """A template's text (slots as ``{{name}}``) and the distinct values seen in each slot."""

    text: str
    slots: dict[str, list[str]]


def tokens(text: str) -> list[Token]:
    """The tokens of `text` (at most MAX_TOKENS), masked kinds keyed as ``<kind>``."""
    return list(_token_tuple(text))


@lru_cache(maxsize=_CACHED)
def _token_tuple(text: str) -> tuple[Token, ...]:
    pattern = _TOKENS[("@" in text, _URL_HINT.search(text) is not None)]
    out: list[Token] = []
    for match in pattern.finditer(text):
        kind = match.lastgroup or "mark"
        value = match.group()
        if kind == "phone" and sum(c.isdigit() for c in value) < 7:
            kind = "number"
        key = f"<{kind}>" if kind in _MASKED else value.lower()
        out.append(Token(key, kind, match.start(), match.end()))
        if len(out) >= MAX_TOKENS:
            break
    return tuple(_with_ages(out))


@lru_cache(maxsize=_CACHED)
def _token_keys(text: str) -> list[str]:
    """The alignment keys of `text`'s tokens (callers must not change the list)."""
    return [t.key for t in _token_tuple(text)]


def _with_ages(toks: list[Token]) -> list[Token]:
    for i, tok in enumerate(toks):
        if tok.kind != "number":
            continue
        after = toks[i + 1].key if i + 1 < len(toks) else ""
        before = toks[i - 1].key if i else ""
        if after in _AGE_AFTER or before in _AGE_BEFORE:
            toks[i] = Token("<age>", "age", tok.start, tok.end)
    return toks


def build_template(members: Sequence[Member], *, representative: int = 0) -> Template:
    """The template of a cluster from its members (boilerplate already removed).

    `representative` is the index of the member the others are aligned to (best: the one most
    like the others).
    """
    if not members:
        return Template(text="", slots={})
    rep = members[representative]
    rep_keys = list(rep.keys[:MAX_SENTENCES])
    position: dict[int, int] = {}
    for j, key in enumerate(rep_keys):
        position.setdefault(key, j)
    # A member with the representative's very sentence keys (the common case in a template)
    # votes "same" everywhere; `_vote` would say so too, at more cost.
    distinct = len(position) == len(rep_keys)
    sentences = [_SentenceVotes() for _ in rep_keys]
    for index, member in enumerate(members):
        if index == representative:
            for votes, text in zip(sentences, rep.sentences, strict=False):
                votes.same.append(text)
        elif distinct and list(member.keys[:MAX_SENTENCES]) == rep_keys:
            for votes, text in zip(sentences, member.sentences, strict=False):
                votes.same.append(text)
        else:
            _vote(sentences, member, position)
    cities = {m.city.lower() for m in members if m.city}
    slots: dict[str, Counter[str]] = {}
    pieces: list[str] = []
    for j, votes in enumerate(sentences):
        if (len(votes.same) + len(votes.other)) * 2 <= len(members):
            continue  # most members lack this sentence: not part of the common text
        pieces.append(_sentence_text(rep.sentences[j], votes, cities, slots))
    text = "".join(pieces).strip()
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS].rstrip() + " …"
    return Template(text=text, slots={k: _top_values(v) for k, v in _ordered(slots)})


class _SentenceVotes:
    """How members write one representative sentence: verbatim (same key) or otherwise."""

    __slots__ = ("other", "same")

    def __init__(self) -> None:
        self.same: list[str] = []
        self.other: list[str] = []

    @property
    def present(self) -> int:
        return len(self.same) + len(self.other)


def _vote(sentences: list[_SentenceVotes], member: Member, position: dict[int, int]) -> None:
    """Record how `member` writes each representative sentence.

    Sentences with a representative sentence's key vote "same"; the others are paired, in
    order, with the representative sentences this member lacks between the same two matched
    neighbours (what a diff would call a replacement) and vote "other".
    """
    texts = member.sentences[:MAX_SENTENCES]
    matched = [position.get(key, -1) for key in member.keys[:MAX_SENTENCES]]
    seen: set[int] = set()
    pending: list[str] = []
    previous = -1
    for text, j in [*zip(texts, matched, strict=True), ("", len(sentences))]:
        if j < 0 or j in seen or j <= previous:
            if j < len(sentences):
                pending.append(text)
            continue
        if pending:
            gap = [k for k in range(previous + 1, j) if k not in seen]
            for k, other in zip(gap, pending, strict=False):
                sentences[k].other.append(other)
            pending = []
        if j < len(sentences):
            sentences[j].same.append(text)
            seen.add(j)
        previous = j


def _sentence_text(
    rep_sentence: str, votes: _SentenceVotes, cities: set[str], slots: dict[str, Counter[str]]
) -> str:
    """The template form of one kept sentence: verbatim, or with slots where members differ."""
    if not votes.other:
        return _masked_sentence(rep_sentence, votes.same, slots)
    rep_tokens = _token_tuple(rep_sentence)
    words = _WordVotes(rep_tokens)
    for text in votes.same:
        words.add_same(text)
    matcher: SequenceMatcher[str] = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(_token_keys(rep_sentence))
    for text in votes.other:
        matcher.set_seq1(_token_keys(text))
        words.add(text, _token_tuple(text), matcher.get_opcodes())
    return words.render(rep_sentence, votes.present, cities, slots)


def _masked_sentence(rep_sentence: str, same: list[str], slots: dict[str, Counter[str]]) -> str:
    """A sentence every member writes alike but for masked values: those become slots.

    The common case, so it skips word tokens: masked values are found by one regex scan."""
    form = _masked_template(rep_sentence)
    if form is None:
        return rep_sentence
    text, kinds = form
    values: list[list[str]] = [[] for _ in kinds]
    for member_text in same:
        for bucket, value in zip(values, _clean_values(member_text), strict=False):
            bucket.append(value)
    for kind, seen in zip(kinds, values, strict=True):
        slots.setdefault(kind, Counter()).update(c for c in seen if c)
    return text


@lru_cache(maxsize=_CACHED)
def _masked_template(sentence: str) -> tuple[str, tuple[str, ...]] | None:
    """`sentence` with its masked values as slots, and the slots' kinds; None if it has none."""
    if not _MAYBE_MASKED.search(sentence):
        return None
    spans = _masked_spans(sentence)
    if not spans:
        return None
    pieces: list[str] = []
    previous_end = 0
    for kind, start, end in spans:
        pieces.append(f"{sentence[previous_end:start]}{{{{{kind}}}}}")
        previous_end = end
    pieces.append(sentence[previous_end:])
    return "".join(pieces), tuple(kind for kind, _, _ in spans)


def _masked_spans(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of each masked value in `text`, numbers told apart as ages by context."""
    pattern = _VALUES[("@" in text, _URL_HINT.search(text) is not None)]
    out: list[tuple[str, int, int]] = []
    for match in pattern.finditer(text):
        kind = match.lastgroup or "number"
        if kind == "phone" and sum(c.isdigit() for c in match.group()) < 7:
            kind = "number"
        if kind == "number" and (
            _AGE_NEXT.match(text, match.end()) or _AGE_PREVIOUS.search(text, 0, match.start())
        ):
            kind = "age"
        out.append((kind, match.start(), match.end()))
    return out


class _WordVotes:
    """Per representative token: how many members agree, and the values they hold there."""

    def __init__(self, rep: Sequence[Token]) -> None:
        self.rep = rep
        self.agree = [0] * len(rep)  # members agreeing besides the `same` ones
        self.values: list[list[str]] = [[] for _ in rep]
        self.inserted: list[list[str]] = [[] for _ in range(len(rep) + 1)]
        self.same = 0  # members writing the sentence as the representative does
        self.masked = [j for j, t in enumerate(rep) if t.kind in _MASKED]

    def add_same(self, text: str) -> None:
        """A member with the same sentence key: it agrees everywhere; masked values differ."""
        self.same += 1
        if self.masked:
            for j, value in zip(self.masked, _masked_values(text), strict=False):
                self.values[j].append(value)

    def add(
        self, text: str, toks: Sequence[Token], opcodes: Sequence[tuple[str, int, int, int, int]]
    ) -> None:
        """A member whose sentence differs: aligned word by word."""
        for tag, i1, i2, j1, j2 in opcodes:
            if tag == "equal":
                for offset in range(j2 - j1):
                    self.agree[j1 + offset] += 1
                    tok = toks[i1 + offset]
                    self.values[j1 + offset].append(text[tok.start : tok.end])
            elif tag == "insert":
                self.inserted[j1].append(_span(text, toks, i1, i2))
            elif tag == "replace":
                self.values[j1].append(_span(text, toks, i1, i2))

    def render(
        self, rep_text: str, members: int, cities: set[str], slots: dict[str, Counter[str]]
    ) -> str:
        kept = [(count + self.same) * 2 > members for count in self.agree]
        pieces: list[str] = []
        previous_end = 0
        j, n = 0, len(self.rep)
        while j <= n:
            if len(self.inserted[j]) * 2 > members:
                pieces.append(_slot(" ", self.inserted[j], cities, slots))
            if j == n:
                break
            tok = self.rep[j]
            gap = rep_text[previous_end : tok.start]
            if kept[j] and tok.kind not in _MASKED:
                pieces.append(gap + rep_text[tok.start : tok.end])
                previous_end, j = tok.end, j + 1
                continue
            run_end = j + 1
            while not kept[j] and run_end < n and not kept[run_end]:
                run_end += 1
            values = [v for k in range(j, run_end) for v in self.values[k]]
            if not kept[j]:  # what the representative (and its copies) write there
                values += [rep_text[tok.start : self.rep[run_end - 1].end]] * self.same
            kind = tok.kind if kept[j] else None
            pieces.append(_slot(gap, values, cities, slots, kind=kind))
            previous_end, j = self.rep[run_end - 1].end, run_end
        pieces.append(rep_text[previous_end:])
        return "".join(pieces)


def _slot(
    gap: str,
    values: list[str],
    cities: set[str],
    slots: dict[str, Counter[str]],
    *,
    kind: str | None = None,
) -> str:
    clean = [c for c in map(_clean, values) if c]
    name = kind if kind is not None else slot_name(clean, cities)
    slots.setdefault(name, Counter()).update(clean)
    return f"{gap}{{{{{name}}}}}"


@lru_cache(maxsize=_CACHED)
def _clean(value: str) -> str:
    """A slot value as shown: trimmed of spaces and trailing punctuation, bounded."""
    return value.strip().rstrip(",.;:!?").strip()[:MAX_VALUE_CHARS]


def _span(text: str, toks: Sequence[Token], i1: int, i2: int) -> str:
    if i1 >= i2:
        return ""
    return text[toks[i1].start : toks[i2 - 1].end]


def _ordered(slots: dict[str, Counter[str]]) -> list[tuple[str, Counter[str]]]:
    rank = {name: i for i, name in enumerate(_SLOT_ORDER)}
    return sorted(slots.items(), key=lambda item: rank.get(item[0], len(rank)))


def _top_values(values: Counter[str]) -> list[str]:
    ranked = sorted(values.items(), key=lambda item: (-item[1], item[0]))
    return [value for value, _ in ranked[:MAX_VALUES]]


def slot_name(values: Sequence[str], cities: set[str] | frozenset[str] = frozenset()) -> str:
    """What a slot holds, judged from the values members wrote in it (majority; else text)."""
    kinds = Counter(_value_kind(v, cities) for v in values if v)
    if not kinds:
        return "text"
    top, count = kinds.most_common(1)[0]
    return top if count * 2 > sum(kinds.values()) else "text"


def _value_kind(value: str, cities: set[str] | frozenset[str]) -> str:
    if value.lower() in cities:
        return "city"
    return _kind_of(value)


@lru_cache(maxsize=_CACHED)
def _kind_of(value: str) -> str:
    """What a slot value is, cities aside (see `_value_kind`)."""
    toks = _token_tuple(value)
    kinds = {t.kind for t in toks if t.kind != "mark"}
    for masked in ("phone", "email", "handle", "url", "price", "age"):
        if masked in kinds:
            return masked
    words = [t.key for t in toks if t.kind == "word"]
    if len(words) >= 5 and sum(w in _DIGIT_WORDS for w in words) * 2 >= len(words):
        return "phone"
    if kinds == {"number"}:
        return "number"
    if _NAME.match(value) and all(w[:1].isupper() for w in value.split()):
        return "name"
    return "text"


@lru_cache(maxsize=_CACHED)
def _masked_values(text: str) -> tuple[str, ...]:
    """The masked values of a sentence in order (phones, prices, ...), as written.

    The same alternatives as `tokens` less words and marks, so values split the same way,
    without building tokens (this runs for every member sentence holding a number)."""
    if not _MAYBE_MASKED.search(text):
        return ()
    pattern = _VALUES[("@" in text, _URL_HINT.search(text) is not None)]
    return tuple(m.group() for m in pattern.finditer(text))


@lru_cache(maxsize=_CACHED)
def _clean_values(text: str) -> tuple[str, ...]:
    """`_masked_values` of `text`, cleaned as slot values are shown."""
    return tuple(_clean(value) for value in _masked_values(text))


def masked_form(sentence: str) -> str:
    """A sentence with its masked values (phones, prices, ...) shown as ``{{kind}}`` slots."""
    sentence = _SPELLED_RUN.sub("{{phone}}", sentence)
    pieces: list[str] = []
    previous_end = 0
    for tok in tokens(sentence):
        if tok.kind in _MASKED:
            pieces.append(sentence[previous_end : tok.start] + f"{{{{{tok.kind}}}}}")
            previous_end = tok.end
    pieces.append(sentence[previous_end:])
    return "".join(pieces)
