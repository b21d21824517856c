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
from operator import itemgetter
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
_GROUP = re.compile(r"\(\?P<\w+>")
# Without email or URL every value starts with a digit, a currency sign, "+" or "(": the
# lookahead lets the scan pass other characters without trying each alternative (same matches).
_DIGIT_FIRST = r"(?=[\d$€£+(])"
_VALUES = {
    (has_at, has_url): re.compile(
        ("" if has_at or has_url else _DIGIT_FIRST)
        + "(?:"
        + (_EMAIL if has_at else "")
        + (_URL if has_url else "")
        + _NUMBERS.removeprefix("|")
        + ")",
        re.IGNORECASE,
    )
    for has_at in (False, True)
    for has_url in (False, True)
}
# The same without group names, so `findall` returns whole matches (no match objects).
_VALUE_STRINGS = {
    key: re.compile(_GROUP.sub("(?:", pattern.pattern), re.IGNORECASE)
    for key, pattern in _VALUES.items()
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


_KEYS = {kind: f"<{kind}>" for kind in _MASKED}
# The values seen in each slot of a template, repeats kept (they are counted once, at the end).
_Slots = dict[str, list[str]]
Opcode = tuple[str, int, int, int, int]  # as difflib's: (tag, i1, i2, j1, j2)


class Token(NamedTuple):
    """One token of a sentence: its alignment key, its kind, and where it sits in the text."""

    key: str
    kind: str
    start: int
    end: int


# The tokens of a sentence as parallel tuples: keys, kinds, starts, ends. One plain tuple per
# sentence, not an object per token; plain tuples of strings and numbers also drop out of the
# garbage collector's sight, so the many the cache keeps cost no time in full collections.
_Tokens = tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...], tuple[int, ...]]


class Member(NamedTuple):
    """One ad of a cluster, as sentences (boilerplate removed), for alignment.

    (A named tuple: a describe batch makes thousands, and these are cheaper to make.)"""

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
    return [Token(*token) for token in zip(*_tokens_of(text), strict=True)]


@lru_cache(maxsize=_CACHED)
def _tokens_of(text: str) -> _Tokens:
    pattern = _TOKENS[("@" in text, _URL_HINT.search(text) is not None)]
    keys: list[str] = []
    kinds: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in pattern.finditer(text):
        kind = match.lastgroup or "mark"
        start, end = match.span()
        if kind in ("word", "mark"):
            keys.append(text[start:end].lower())
        else:
            if kind == "phone" and sum(map(str.isdigit, text[start:end])) < 7:
                kind = "number"
            keys.append(_KEYS[kind])
        kinds.append(kind)
        starts.append(start)
        ends.append(end)
        if len(keys) >= MAX_TOKENS:
            break
    if "number" in kinds:
        _mark_ages(keys, kinds)
    return tuple(keys), tuple(kinds), tuple(starts), tuple(ends)


def _mark_ages(keys: list[str], kinds: list[str]) -> None:
    """Numbers next to an age word ("23 years", "age 23") are ages."""
    last = len(keys) - 1
    for i, kind in enumerate(kinds):
        if kind != "number":
            continue
        if (i < last and keys[i + 1] in _AGE_AFTER) or (i and keys[i - 1] in _AGE_BEFORE):
            keys[i], kinds[i] = _KEYS["age"], "age"


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
    slots: _Slots = {}
    pieces: list[str] = []
    for j, votes in enumerate(sentences):
        if (len(votes.same) + len(votes.other)) * 2 <= len(members):
            continue  # most members lack this sentence: not part of the common text
        pieces.append(_sentence_text(rep.sentences[j], votes, cities, slots))
    text = "".join(pieces).strip()
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS].rstrip() + " …"
    return Template(text=text, slots={k: _top_values(Counter(v)) for k, v in _ordered(slots)})


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
    pending: list[str] = []
    previous = -1  # the last representative sentence matched; matches only move forward
    for text, j in zip(texts, matched, strict=True):
        if j <= previous:  # unmatched (-1), or matched out of order
            pending.append(text)
            continue
        if pending:
            _pair(sentences, range(previous + 1, j), pending)
            pending = []
        sentences[j].same.append(text)
        previous = j
    if pending:
        _pair(sentences, range(previous + 1, len(sentences)), pending)


def _pair(sentences: list[_SentenceVotes], gap: range, pending: list[str]) -> None:
    """Unmatched member sentences vote "other" on the representative's, in order."""
    for k, other in zip(gap, pending, strict=False):
        sentences[k].other.append(other)


def _sentence_text(
    rep_sentence: str, votes: _SentenceVotes, cities: set[str], slots: _Slots
) -> str:
    """The template form of one kept sentence: verbatim, or with slots where members differ."""
    if not votes.other:
        return _masked_sentence(rep_sentence, votes.same, slots)
    rep_tokens = _tokens_of(rep_sentence)
    words = _WordVotes(rep_tokens)
    for text in votes.same:
        words.add_same(text)
    rep_keys = rep_tokens[0]
    rep_set = frozenset(rep_keys)
    matcher: SequenceMatcher[str] | None = None
    for text in votes.other:
        toks = _tokens_of(text)
        opcodes: Sequence[Opcode] | None = edit_opcodes(toks[0], rep_keys, rep_set)
        if opcodes is None:  # not provably difflib's answer: ask difflib
            if matcher is None:
                matcher = SequenceMatcher(None, autojunk=False)
                matcher.set_seq2(rep_keys)
            matcher.set_seq1(toks[0])
            opcodes = matcher.get_opcodes()
        words.add(text, toks, opcodes)
    return words.render(rep_sentence, votes.present, cities, slots)


def edit_opcodes(a: Sequence[str], b: Sequence[str], b_set: frozenset[str]) -> list[Opcode] | None:
    """difflib's opcodes turning `a` into `b` (``SequenceMatcher(None, a, b, autojunk=False)``)
    when `a` and `b` differ in one run, else None (then ask difflib).

    `b_set` is ``frozenset(b)``. With p the common prefix, s the common suffix (p + s at most
    the shorter length) and the middles a[p:len(a)-s], b[p:len(b)-s], the answer is "equal
    prefix, one change, equal suffix" when no middle element occurs anywhere in the other
    sequence: every matching block then lies in the prefixes or suffixes, so difflib's longest
    block (earliest in a, then in b) is the longer of prefix and suffix (the prefix on a tie),
    and the rest of its recursion finds the other. One exception needs a check: when one middle
    is empty and s > p, the suffix must not also occur earlier in the sequence with the empty
    middle (difflib would take that earlier copy).
    """
    la, lb = len(a), len(b)
    shorter = la if la < lb else lb
    p = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        p += 1
    s = 0
    if p < shorter:
        for x, y in zip(reversed(a), reversed(b), strict=False):
            if x != y or s == shorter - p:
                break
            s += 1
    a_end, b_end = la - s, lb - s
    if p == a_end and p == b_end:  # equal sequences
        return [("equal", 0, la, 0, lb)] if la else []
    if not b_set.isdisjoint(a[p:a_end]):
        return None
    if p < b_end and not frozenset(b[p:b_end]).isdisjoint(a):
        return None
    if s > p > 0:
        if p == b_end and any(b[j : j + s] == a[a_end:] for j in range(p)):
            return None
        if p == a_end and any(a[i : i + s] == b[b_end:] for i in range(p)):
            return None
    tag = "replace" if p < a_end and p < b_end else "delete" if p < a_end else "insert"
    out: list[Opcode] = [("equal", 0, p, 0, p)] if p else []
    out.append((tag, p, a_end, p, b_end))
    if s:
        out.append(("equal", a_end, la, b_end, lb))
    return out


def _masked_sentence(rep_sentence: str, same: list[str], slots: _Slots) -> str:
    """A sentence every member writes alike but for masked values: those become slots.

    The common case, so it skips word tokens: masked values are found by one regex scan."""
    form = _masked_template(rep_sentence)
    if form is None:
        return rep_sentence
    text, kinds, own = form
    buckets = [_bucket(slots, kind) for kind in kinds]
    for member_text in same:
        # (the representative, and members copying it, need no second scan)
        values = own if member_text == rep_sentence else _clean_values(member_text)
        for bucket, value in zip(buckets, values, strict=False):
            if value:
                bucket.append(value)
    return text


def _bucket(slots: _Slots, name: str) -> list[str]:
    """The values of slot `name`, which now exists (even if no value is ever seen in it)."""
    values = slots.get(name)
    if values is None:
        values = slots[name] = []
    return values


@lru_cache(maxsize=_CACHED)
def _masked_template(sentence: str) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    """`sentence` with its masked values as slots, the slots' kinds and the values as shown
    (its `_clean_values`); None if it has none."""
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
    values = tuple(_clean(sentence[start:end]) for _, start, end in spans)
    return "".join(pieces), tuple(kind for kind, _, _ in spans), values


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

    def __init__(self, rep: _Tokens) -> None:
        self.rep = rep
        _, kinds, _, _ = rep
        n = len(kinds)
        self.agree = [0] * n  # members agreeing besides the `same` ones
        self.values: list[list[str]] = [[] for _ in range(n)]
        self.inserted: list[list[str]] = [[] for _ in range(n + 1)]
        self.same = 0  # members writing the sentence as the representative does
        self.masked = [j for j, kind in enumerate(kinds) if kind in _MASKED]

    def add_same(self, text: str) -> None:
        """A member with the same sentence key: it agrees everywhere; masked values differ."""
        self.same += 1
        if self.masked:
            for j, value in zip(self.masked, _masked_values(text), strict=False):
                self.values[j].append(value)

    def add(self, text: str, toks: _Tokens, opcodes: Sequence[Opcode]) -> None:
        """A member whose sentence differs: aligned word by word."""
        agree, values = self.agree, self.values
        _, _, starts, ends = toks
        for tag, i1, i2, j1, j2 in opcodes:
            if tag == "equal":
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                    agree[j] += 1
                    values[j].append(text[starts[i] : ends[i]])
            elif tag == "insert":
                self.inserted[j1].append(_span(text, toks, i1, i2))
            elif tag == "replace":
                values[j1].append(_span(text, toks, i1, i2))

    def render(self, rep_text: str, members: int, cities: set[str], slots: _Slots) -> str:
        kept = [(count + self.same) * 2 > members for count in self.agree]
        _, kinds, starts, ends = self.rep
        pieces: list[str] = []
        previous_end = 0
        j, n = 0, len(kinds)
        while j <= n:
            if len(self.inserted[j]) * 2 > members:
                pieces.append(_slot(" ", self.inserted[j], cities, slots))
            if j == n:
                break
            gap = rep_text[previous_end : starts[j]]
            if kept[j] and kinds[j] not in _MASKED:
                pieces.append(gap + rep_text[starts[j] : ends[j]])
                previous_end, j = ends[j], j + 1
                continue
            run_end = j + 1
            while not kept[j] and run_end < n and not kept[run_end]:
                run_end += 1
            values = [v for k in range(j, run_end) for v in self.values[k]]
            if not kept[j]:  # what the representative (and its copies) write there
                values += [rep_text[starts[j] : ends[run_end - 1]]] * self.same
            kind = kinds[j] if kept[j] else None
            pieces.append(_slot(gap, values, cities, slots, kind=kind))
            previous_end, j = ends[run_end - 1], run_end
        pieces.append(rep_text[previous_end:])
        return "".join(pieces)


def _slot(
    gap: str,
    values: list[str],
    cities: set[str],
    slots: _Slots,
    *,
    kind: str | None = None,
) -> str:
    clean = [c for c in map(_clean, values) if c]
    name = kind if kind is not None else slot_name(clean, cities)
    _bucket(slots, name).extend(clean)
    return f"{gap}{{{{{name}}}}}"


@lru_cache(maxsize=_CACHED)
def _clean(value: str) -> str:
    """A slot value as shown: trimmed of spaces and trailing punctuation, bounded."""
    return value.strip().rstrip(",.;:!?").strip()[:MAX_VALUE_CHARS]


def _span(text: str, toks: _Tokens, i1: int, i2: int) -> str:
    if i1 >= i2:
        return ""
    return text[toks[2][i1] : toks[3][i2 - 1]]


def _ordered(slots: _Slots) -> list[tuple[str, list[str]]]:
    rank = {name: i for i, name in enumerate(_SLOT_ORDER)}
    return sorted(slots.items(), key=lambda item: rank.get(item[0], len(rank)))


def _top_values(values: Counter[str]) -> list[str]:
    """The most common values, ties in value order (two C sorts: by value, then stably by
    count, highest first)."""
    ranked = sorted(sorted(values.items()), key=itemgetter(1), reverse=True)
    return [value for value, _ in ranked[:MAX_VALUES]]


def slot_name(values: Sequence[str], cities: set[str] | frozenset[str] = frozenset()) -> str:
    """What a slot holds, judged from the values members wrote in it (majority; else text)."""
    kinds = [_value_kind(v, cities) for v in values if v]
    if not kinds:
        return "text"
    # Only a strict majority names the slot, and there is at most one: try the first kind
    # (nearly always it), count them all only when it falls short.
    if kinds.count(kinds[0]) * 2 > len(kinds):
        return kinds[0]
    top, count = Counter(kinds).most_common(1)[0]
    return top if count * 2 > len(kinds) else "text"


def _value_kind(value: str, cities: set[str] | frozenset[str]) -> str:
    if value.lower() in cities:
        return "city"
    return _kind_of(value)


@lru_cache(maxsize=_CACHED)
def _kind_of(value: str) -> str:
    """What a slot value is, cities aside (see `_value_kind`)."""
    keys, kind_of_token, _, _ = _tokens_of(value)
    kinds = set(kind_of_token)
    kinds.discard("mark")
    for masked in ("phone", "email", "handle", "url", "price", "age"):
        if masked in kinds:
            return masked
    words = [key for key, kind in zip(keys, kind_of_token, strict=True) if kind == "word"]
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
    pattern = _VALUE_STRINGS[("@" in text, _URL_HINT.search(text) is not None)]
    return tuple(pattern.findall(text))


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
