"""The synthetic ad corpus: a stream of (ad record, truth) pairs and the files they go to.

Ads are made in batches of operators (a batch holds at most `BATCH` lines, so memory stays
flat however many ads are asked for); inside a batch ads are in posting order and every
operator's ads follow its route. Re-crawls are mixed in: exact repeats (same id, same content)
and edited re-posts (same id, a new price, `version` 2, 3...).
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import IO, Any

from lightkeeper.errors import ConfigError, OutputError
from lightkeeper.synth.operators import (
    Operator,
    World,
    build_world,
    network_size,
    new_companion,
    new_job,
)
from lightkeeper.synth.places import City
from lightkeeper.synth.render import Rendered, new_price, render_ad

BATCH = 8_000  # lines per batch: bounds memory (and the largest operator)
JOB_SHARE = 0.10
DECEPTIVE_SHARE = 0.40
DUPLICATE_SHARE = 0.005
EDIT_SHARE = 0.003
_ID_MULTIPLIER = 7919 * 1_000_003  # coprime to 10**9: ids look random yet never repeat
_ID_SPACE = 10**9
_UPDATED = {"en": "Updated.", "es": "Actualizado."}
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@dataclass(frozen=True, slots=True)
class CorpusInfo:
    """What `write_corpus` wrote."""

    path: Path
    truth_path: Path
    ads: int  # lines in the ad file, re-crawls included
    truth: int  # lines in the truth file: one per distinct (id, version)
    duplicates: int  # exact repeats of an earlier line
    edits: int  # edited re-posts (version > 1)
    operators: int


@dataclass(slots=True)
class _Tally:
    """Running counts that steer the mix (job share, deceptive share) and feed CorpusInfo."""

    ads: int = 0
    job_ads: int = 0
    deceptive_ads: int = 0
    operators: int = 0
    serial: int = 0
    duplicates: int = 0
    edits: int = 0
    versions: dict[str, int] = field(default_factory=dict)


def generate(ads: int, *, seed: int) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Yield (ad record, truth) pairs: exactly `ads` ad lines, deterministic for a `seed`.

    An exact repeat of an earlier line is yielded with a truth copy marked
    `"duplicate": True` (the truth file holds each (id, version) once); an edited re-post has
    the same id and a truth with `version` > 1. Memory does not grow with `ads`.
    """
    yield from _generate(ads, seed=seed, tally=_Tally())


def _generate(
    ads: int, *, seed: int, tally: _Tally
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    if ads < 0:
        raise ConfigError(f"the number of ads must be 0 or more, not {ads}")
    rng = Random(seed)
    world = build_world(seed=seed, ads=ads, largest=BATCH // 4)
    id_offset = int(rng.random() * _ID_SPACE)
    produced = 0
    while produced < ads:
        target = min(BATCH, ads - produced)
        yield from _batch(target, world=world, rng=rng, tally=tally, id_offset=id_offset)
        produced += target


def _stochastic_round(value: float, rng: Random) -> int:
    whole = int(value)
    return whole + (rng.random() < value - whole)


def _next_operator(world: World, rng: Random, tally: _Tally, room: int) -> Operator:
    tally.operators += 1
    label = f"op{tally.operators:06d}"
    if tally.job_ads < JOB_SHARE * (tally.ads + 1):
        deceptive = tally.deceptive_ads < DECEPTIVE_SHARE * (tally.job_ads + 1)
        if deceptive:
            size = network_size(rng, min(world.cap, 80)) - 1
        else:
            size = 1 + int(rng.random() ** 2 * 6)
        return new_job(label, world=world, rng=rng, deceptive=deceptive, size=min(size, room))
    independent = rng.random() < 0.72
    size = (
        (1, 1, 1, 1, 2, 2, 3)[int(rng.random() * 7)]
        if independent
        else network_size(rng, world.cap)
    )
    return new_companion(label, world=world, rng=rng, independent=independent, size=min(size, room))


def _ads_of(
    op: Operator, *, world: World, rng: Random, tally: _Tally, id_offset: int
) -> Iterator[tuple[float, Rendered, City]]:
    stays = op.stays
    leg = 0
    sites = op.sites
    for day in op.times:
        while leg < len(stays) - 1 and day > stays[leg][0]:
            leg += 1
        city = stays[leg][1]
        site = (
            sites[0]
            if len(sites) == 1 or rng.random() < 0.6
            else sites[int(rng.random() * len(sites))]
        )
        number = (tally.serial * _ID_MULTIPLIER + id_offset) % _ID_SPACE
        tally.serial += 1
        ad_id = f"{site.prefix}{number:09d}"
        yield day, render_ad(op, day, city, ad_id=ad_id, site=site, world=world, rng=rng), city
    tally.ads += len(op.times)
    if op.kind == "job":
        tally.job_ads += len(op.times)
        if op.deceptive:
            tally.deceptive_ads += len(op.times)


def _edited(
    item: tuple[float, Rendered, City, Operator], rng: Random, tally: _Tally
) -> tuple[dict[str, Any], dict[str, Any]]:
    _, rendered, city, op = item
    slots = dict(rendered.slots)
    slots["_p"] = new_price(rendered, op, city, rng)
    ad = dict(rendered.ad)
    ad["title"] = rendered.title_fmt.format_map(slots)
    body = rendered.body_fmt.format_map(slots) + rendered.suffix
    if body == rendered.ad["body"] and ad["title"] == rendered.ad["title"]:
        body += "\n" + _UPDATED[ad.get("language", "en")]
    ad["body"] = body
    version = tally.versions.get(ad["id"], 1) + 1
    tally.versions[ad["id"]] = version
    tally.edits += 1
    truth = dict(rendered.truth)
    truth["version"] = version
    return ad, truth


def _batch(
    target: int, *, world: World, rng: Random, tally: _Tally, id_offset: int
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    duplicates = _stochastic_round(target * DUPLICATE_SHARE, rng)
    edits = _stochastic_round(target * EDIT_SHARE, rng)
    if duplicates + edits >= target:
        duplicates = edits = 0
    base = target - duplicates - edits
    items: list[tuple[float, Rendered, City, Operator]] = []
    while len(items) < base:
        op = _next_operator(world, rng, tally, base - len(items))
        for day, rendered, city in _ads_of(
            op, world=world, rng=rng, tally=tally, id_offset=id_offset
        ):
            items.append((day, rendered, city, op))
    items.sort(key=lambda item: item[0])
    # Re-crawls land after the line they repeat: (position, order, kind, original index).
    events: list[tuple[int, int, str, int]] = []
    for order in range(duplicates + edits):
        original = int(rng.random() * base)
        position = original + 1 + int(rng.random() * (base - original))
        events.append((position, order, "dup" if order < duplicates else "edit", original))
    events.sort()
    tally.versions.clear()
    e = 0
    for index, item in enumerate(items):
        yield item[1].ad, item[1].truth
        while e < len(events) and events[e][0] == index + 1:
            _, _, kind, original = events[e]
            e += 1
            if kind == "dup":
                tally.duplicates += 1
                source = items[original][1]
                yield dict(source.ad), {**source.truth, "duplicate": True}
            else:
                yield _edited(items[original], rng, tally)


def truth_path_for(out: Path) -> Path:
    """Return where the truth file of ad file `out` goes (`x.jsonl.gz` -> `x.truth.jsonl`)."""
    name = out.name
    for ending in (".jsonl.gz", ".jsonl", ".gz"):
        if name.endswith(ending):
            name = name[: -len(ending)]
            break
    return out.with_name(f"{name}.truth.jsonl")


def _open_text(path: Path, stack: ExitStack) -> IO[str]:
    if path.name.endswith(".gz"):
        raw = stack.enter_context(open(path, "wb"))
        # No file name or time in the header: the same seed must give the same bytes.
        packed = stack.enter_context(
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)
        )
        return stack.enter_context(io.TextIOWrapper(packed, encoding="utf-8", newline="\n"))
    return stack.enter_context(open(path, "w", encoding="utf-8", newline="\n"))


def write_corpus(out: Path, *, ads: int, seed: int) -> CorpusInfo:
    """Write `ads` ad lines to `out` (JSONL, gzip when it ends in .gz) and the truth beside it.

    Parent directories are created. Raises OutputError when a file cannot be written and
    ConfigError when `ads` is negative.
    """
    out = Path(out)
    truth_path = truth_path_for(out)
    tally = _Tally()
    truth_lines = 0
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with ExitStack() as stack:
            ad_file = _open_text(out, stack)
            truth_file = stack.enter_context(open(truth_path, "w", encoding="utf-8", newline="\n"))
            ad_chunk: list[str] = []
            truth_chunk: list[str] = []
            for ad, truth in _generate(ads, seed=seed, tally=tally):
                ad_chunk.append(_ENCODE(ad))
                if not truth.get("duplicate"):
                    truth_chunk.append(_ENCODE(truth))
                if len(ad_chunk) >= 2000:
                    truth_lines += _flush(ad_file, ad_chunk, truth_file, truth_chunk)
            truth_lines += _flush(ad_file, ad_chunk, truth_file, truth_chunk)
    except OSError as e:
        raise OutputError(f"cannot write the corpus to {out}: {e.strerror or e}") from e
    return CorpusInfo(
        out, truth_path, ads, truth_lines, tally.duplicates, tally.edits, tally.operators
    )


def _flush(
    ad_file: IO[str], ad_chunk: list[str], truth_file: IO[str], truth_chunk: list[str]
) -> int:
    written = len(truth_chunk)
    if ad_chunk:
        ad_file.write("\n".join(ad_chunk) + "\n")
    if truth_chunk:
        truth_file.write("\n".join(truth_chunk) + "\n")
    ad_chunk.clear()
    truth_chunk.clear()
    return written
