"""Find the ad-level indicators of a catalogue in ads, with the snippet that fired each one.

Speed matters (the whole pipeline runs at >= 10,000 ads/s), so the catalogue's phrases are
compiled once into a few combined RE2 regexes that pyarrow runs over whole columns: RE2 makes
one pass over the text per regex whatever the number of phrases in it, where Python's `re`
makes one per phrase. Texts are lower-cased once (case-insensitive RE2 is several times
slower). One pass marks every match (``\\x00match\\x00``); Python then reads only the ads that
matched and maps each matched text back to its indicators. Indicators that apply to job offers
run in a second pass over the ads that read as job offers only. The fixed cost of a pass (RE2
builds its automaton lazily) is paid per call, so call this on large batches.

Within one combined regex, matches do not overlap: where two phrases start at the same place
the longest wins. Indicators that share a phrase both fire.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lightkeeper.ads.indicators.catalogue import Catalogue, Indicator
from lightkeeper.ads.indicators.names import CUED_NAMES, NAME_CUES, several_names
from lightkeeper.ads.indicators.obscured import CANDIDATE, RUN, obscured_run
from lightkeeper.ads.indicators.patterns import fold_key, phrase_regexes

EVIDENCE_CHARS = 120
CONTEXT_CHARS = 30
MARK = "\x00"
ABSENT_EVIDENCE = "(none of its signs found in the text)"
Found = dict[str, str]  # indicator code -> evidence snippet, in catalogue order


@dataclass(frozen=True, eq=False)
class _Group:
    """One combined regex and how to map what it matched back to indicator codes."""

    regex: str
    phrase_codes: dict[str, tuple[str, ...]]
    regex_codes: tuple[tuple[re.Pattern[str], str], ...]


@dataclass(frozen=True, eq=False)
class Matcher:
    """A catalogue's ad-level indicators compiled for matching (see `compile_matcher`)."""

    any_group: _Group | None
    job_group: _Group | None
    job_context: str
    absent: tuple[Indicator, ...]
    obscured: tuple[Indicator, ...]
    several_names: tuple[Indicator, ...]
    minor_age: tuple[Indicator, ...]
    order: dict[str, int]


@lru_cache(maxsize=16)
def compile_matcher(catalogue: Catalogue) -> Matcher:
    """Compile the enabled ad-level indicators of `catalogue` (cached per catalogue object)."""
    active = catalogue.active(level="ad")
    textual = [i for i in active if i.detector in ("text", "absent")]
    return Matcher(
        any_group=_group([i for i in textual if i.applies_to == "any"]),
        job_group=_group([i for i in textual if i.applies_to == "job_offer"]),
        job_context=_combined(
            rx for phrase in catalogue.contexts["job_offer"] for rx in phrase_regexes(phrase)
        ),
        absent=tuple(i for i in active if i.detector == "absent"),
        obscured=tuple(i for i in active if i.detector == "obscured_phone"),
        several_names=tuple(i for i in active if i.detector == "several_names"),
        minor_age=tuple(i for i in active if i.detector == "minor_age"),
        order={ind.code: n for n, ind in enumerate(catalogue.indicators)},
    )


def _group(indicators: Sequence[Indicator]) -> _Group | None:
    phrase_codes: dict[str, tuple[str, ...]] = {}
    regexes: list[tuple[re.Pattern[str], str]] = []
    sources: dict[str, None] = {}
    for ind in indicators:
        for phrases in ind.patterns.values():
            for phrase in phrases:
                key = fold_key(phrase)
                if ind.code not in phrase_codes.get(key, ()):
                    phrase_codes[key] = (*phrase_codes.get(key, ()), ind.code)
                sources.update(dict.fromkeys(phrase_regexes(phrase)))
        for items in ind.regex.values():
            for pattern in items:
                regexes.append((re.compile(pattern, re.IGNORECASE), ind.code))
                sources[f"(?i:{pattern})"] = None  # texts are lower-cased, patterns may not be
    if not sources:
        return None
    return _Group(_combined(list(sources)), phrase_codes, tuple(regexes))


def _combined(alternatives: Iterable[str]) -> str:
    # longest first: RE2 alternation is leftmost-first, so "new girls" must come before "new girl"
    ordered = sorted(set(alternatives), key=lambda s: (-len(s), s))
    return "(?:" + "|".join(ordered) + ")"


def ad_texts(ads: pa.Table) -> pa.Array:
    """Title and body of each ad joined by a newline (nulls as empty), as one string array."""
    n = ads.num_rows
    title = ads.column("title") if "title" in ads.column_names else pa.nulls(n, pa.string())
    body = ads.column("body") if "body" in ads.column_names else pa.nulls(n, pa.string())
    joined = pc.binary_join_element_wise(
        pc.cast(title, pa.string()),
        pc.cast(body, pa.string()),
        "\n",
        null_handling="replace",
        null_replacement="",
    )
    # our match marker must not occur in the text itself
    return _as_array(pc.replace_substring(joined, MARK, " "))


def _as_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks() if values.num_chunks else pa.array([], values.type)
    return values


def match_ads(ads: pa.Table, *, catalogue: Catalogue, job_offer: bool | None = None) -> list[Found]:
    """The ad-level indicators found in each row of `ads` (title, body, ages), with evidence.

    Returns one dict per row, code -> evidence snippet (at most 120 characters), in catalogue
    order. Missing columns are treated as empty. `job_offer=True` reads every row as a job
    offer (False as none); None decides from each ad's words.
    """
    return _match(ads, compile_matcher(catalogue), job_offer=job_offer)


def match_text(
    text: str, *, catalogue: Catalogue, ages: Sequence[int] = (), job_offer: bool | None = None
) -> Found:
    """The ad-level indicators found in one text (see `match_ads`).

    `job_offer=True` treats the text as a job offer whatever its words (the job check does);
    None decides from the words, as for ads.
    """
    table = pa.table(
        {
            "title": pa.array([None], pa.string()),
            "body": pa.array([text], pa.string()),
            "ages": pa.array([list(ages)], pa.list_(pa.int16())),
        }
    )
    return _match(table, compile_matcher(catalogue), job_offer=job_offer)[0]


def _match(ads: pa.Table, matcher: Matcher, *, job_offer: bool | None) -> list[Found]:
    texts = ad_texts(ads)
    lower = _as_array(pc.utf8_lower(texts))
    found: list[Found] = [{} for _ in range(len(texts))]
    if job_offer is None:
        job = np.asarray(
            pc.fill_null(pc.match_substring_regex(lower, matcher.job_context), False).to_numpy(
                zero_copy_only=False
            ),
            dtype=bool,
        )
    else:
        # an empty text is no offer at all, whatever the caller says
        lengths = pc.utf8_length(pc.utf8_trim_whitespace(texts)).to_numpy(zero_copy_only=False)
        job = np.asarray(lengths, dtype=np.int64) > 0 if job_offer else np.zeros(len(texts), bool)
    if matcher.any_group is not None:
        _mark_group(lower, texts, matcher.any_group, found, rows=None)
    if matcher.job_group is not None and job.any():
        rows = pa.array(np.nonzero(job)[0], pa.int64())
        _mark_group(lower.take(rows), texts.take(rows), matcher.job_group, found, rows=rows)
    if matcher.absent:
        _mark_absent(matcher.absent, found, job)
    if matcher.obscured:
        _mark_obscured(texts, matcher.obscured, found)
    if matcher.several_names:
        _mark_runs(texts, CUED_NAMES, several_names, matcher.several_names, found, only=NAME_CUES)
    if matcher.minor_age and "ages" in ads.column_names:
        _mark_minor_age(ads.column("ages"), matcher.minor_age, found)
    return [_in_order(f, matcher.order) for f in found]


def _mark_group(
    lower: pa.Array,
    texts: pa.Array,
    group: _Group,
    found: list[Found],
    *,
    rows: pa.Array | None,
) -> None:
    """Run one combined regex over the lower-cased texts and record what it found."""
    marked = pc.replace_substring_regex(lower, group.regex, MARK + r"\0" + MARK)
    changed = pc.fill_null(pc.not_equal(pc.binary_length(marked), pc.binary_length(lower)), False)
    hits = np.nonzero(np.asarray(changed.to_numpy(zero_copy_only=False), dtype=bool))[0]
    if not len(hits):
        return
    take = pa.array(hits, pa.int64())
    targets = hits if rows is None else np.asarray(rows.to_numpy())[hits]
    cache: dict[str, tuple[str, ...]] = {}
    for row, value, original in zip(
        targets.tolist(),
        marked.take(take).to_pylist(),
        texts.take(take).to_pylist(),
        strict=True,
    ):
        _read_marks(value, original or "", group, cache, found[row])


def _read_marks(
    value: str, original: str, group: _Group, cache: dict[str, tuple[str, ...]], into: Found
) -> None:
    parts = value.split(MARK)
    # evidence quotes the original text; lower-casing rarely changes a text's length, and
    # then the lower-cased text is quoted instead
    same = len(value) - (len(parts) - 1) == len(original)
    text = original if same else "".join(parts)
    offset = len(parts[0])
    for j in range(1, len(parts), 2):
        matched = parts[j]
        codes = cache.get(matched)
        if codes is None:
            codes = cache[matched] = _codes_of(matched, group)
        for code in codes:
            if code not in into:
                into[code] = evidence_snippet(text, offset, offset + len(matched))
        offset += len(matched) + len(parts[j + 1])


def _codes_of(matched: str, group: _Group) -> tuple[str, ...]:
    codes = list(group.phrase_codes.get(fold_key(matched), ()))
    codes += [code for rx, code in group.regex_codes if code not in codes and rx.fullmatch(matched)]
    return tuple(codes)


def evidence_snippet(text: str, start: int, end: int, *, limit: int = EVIDENCE_CHARS) -> str:
    """The matched text with a little context, on one line, at most `limit` characters.

    The context stops at whole words; "…" marks where the text goes on.
    """
    lo, hi = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space >= 0 else hi
    snippet = " ".join(text[lo:hi].split())
    snippet = ("…" if lo > 0 else "") + snippet + ("…" if hi < len(text) else "")
    return snippet if len(snippet) <= limit else snippet[: limit - 1] + "…"


def _mark_absent(indicators: Sequence[Indicator], found: list[Found], job: np.ndarray) -> None:
    for row, hits in enumerate(found):
        if not job[row]:
            continue
        for ind in indicators:
            if ind.code in hits:
                del hits[ind.code]  # its patterns are signs of presence: found, so not absent
            else:
                hits[ind.code] = ABSENT_EVIDENCE


def _mark_obscured(texts: pa.Array, indicators: Sequence[Indicator], found: list[Found]) -> None:
    candidates = pc.fill_null(pc.match_substring_regex(texts, CANDIDATE), False)
    rows = np.nonzero(np.asarray(candidates.to_numpy(zero_copy_only=False), dtype=bool))[0]
    if not len(rows):
        return
    marked = pc.replace_substring_regex(
        texts.take(pa.array(rows, pa.int64())), RUN, MARK + r"\0" + MARK
    )
    for row, value in zip(rows.tolist(), marked.to_pylist(), strict=True):
        run = obscured_run(value or "")
        if run is not None:
            for ind in indicators:
                found[row][ind.code] = " ".join(run.split())[:EVIDENCE_CHARS]


def _mark_runs(
    texts: pa.Array,
    pattern: str,
    verify: Callable[[str], str | None],
    indicators: Sequence[Indicator],
    found: list[Found],
    *,
    only: str,
) -> None:
    """Mark `pattern` (case-sensitive RE2) in the original texts that match `only` (a cheap
    prefilter), and let `verify` read the marks."""
    candidates = pc.fill_null(pc.match_substring_regex(texts, only), False)
    rows = np.nonzero(np.asarray(candidates.to_numpy(zero_copy_only=False), dtype=bool))[0]
    if not len(rows):
        return
    subset = texts.take(pa.array(rows, pa.int64()))
    marked = pc.replace_substring_regex(subset, pattern, MARK + r"\0" + MARK)
    changed = pc.fill_null(pc.not_equal(pc.binary_length(marked), pc.binary_length(subset)), False)
    hits = np.nonzero(np.asarray(changed.to_numpy(zero_copy_only=False), dtype=bool))[0]
    marked, rows = marked.take(pa.array(hits, pa.int64())), rows[hits]
    for row, value in zip(rows.tolist(), marked.to_pylist(), strict=True):
        hit = verify(value or "")
        if hit is not None:
            for ind in indicators:
                found[row][ind.code] = hit[:EVIDENCE_CHARS]


def _mark_minor_age(
    ages: pa.Array | pa.ChunkedArray, indicators: Sequence[Indicator], found: list[Found]
) -> None:
    ages = _as_array(ages)
    flat = pc.list_flatten(ages).to_numpy(zero_copy_only=False)
    if not len(flat):
        return
    parents = pc.list_parent_indices(ages).to_numpy()
    for ind in indicators:
        below, plausible = ind.param("below", 18), ind.param("plausible_from", 12)
        for k in ((flat >= plausible) & (flat < below)).nonzero()[0]:
            row = int(parents[k])
            found[row].setdefault(ind.code, f"stated age {int(flat[k])}")


def _in_order(found: Found, order: dict[str, int]) -> Found:
    if len(found) < 2:
        return found
    return dict(sorted(found.items(), key=lambda item: order.get(item[0], len(order))))
