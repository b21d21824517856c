"""The synthetic ad corpus: a stream of (ad record, truth) pairs and the files they go to.

The corpus is cut into batches of at most `BATCH` lines. A batch is self-contained: its own
generator seeded from (seed, batch number), its own operators, and its own share of the
phone-number space, so memory stays flat however many ads are asked for, and batches can be
made in parallel processes with byte-identical output. Inside a batch ads are in posting
order and every operator's ads follow its route. Re-crawls are mixed in: exact repeats (same
id, same content) and edited re-posts (same id, a new price, `version` 2, 3...).
"""

from __future__ import annotations

import gc
import gzip
import io
import json
import os
import sys
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from multiprocessing import get_context
from multiprocessing.context import BaseContext
from operator import itemgetter
from pathlib import Path
from random import Random
from typing import IO, Any

from lightkeeper.errors import ConfigError, OutputError
from lightkeeper.synth.companions import new_companion
from lightkeeper.synth.numbers import PhoneBook
from lightkeeper.synth.operators import Operator, World, build_world, network_size
from lightkeeper.synth.places import City
from lightkeeper.synth.recruiters import new_job
from lightkeeper.synth.render import Rendered, new_price, render_ad

BATCH = 8_000  # lines per batch: bounds memory (and the largest operator)
JOB_SHARE = 0.10
DECEPTIVE_SHARE = 0.40
INDEPENDENT_SHARE = 0.72
DUPLICATE_SHARE = 0.005
EDIT_SHARE = 0.003
PARALLEL_FROM = 4  # batches: below this, starting processes costs more than it saves
_ID_MULTIPLIER = 7919 * 1_000_003  # coprime to 10**9: ids look random yet never repeat
_ID_SPACE = 10**9
_UPDATED = {"en": "Updated.", "es": "Actualizado."}
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

Pair = tuple[dict[str, Any], dict[str, Any]]


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
    """Counts of one batch: they steer its mix (job share, deceptive share) and add up."""

    ads: int = 0
    job_ads: int = 0
    deceptive_ads: int = 0
    operators: int = 0
    duplicates: int = 0
    edits: int = 0
    versions: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Plan:
    """The batches of a corpus: everything a worker process needs to make one of them."""

    ads: int
    seed: int
    batch: int

    @property
    def batches(self) -> int:
        return -(-self.ads // self.batch)

    def lines(self, index: int) -> int:
        return min(self.batch, self.ads - index * self.batch)


def generate(ads: int, *, seed: int) -> Iterator[Pair]:
    """Yield (ad record, truth) pairs: exactly `ads` ad lines, deterministic for a `seed`.

    An exact repeat of an earlier line is yielded with a truth copy marked
    `"duplicate": True` (the truth file holds each (id, version) once); an edited re-post has
    the same id and a truth with `version` > 1. Memory does not grow with `ads`.
    """
    plan = _checked_plan(ads, seed)
    for index in range(plan.batches):
        yield from _batch(plan, index, _Tally())


def _checked_plan(ads: int, seed: int) -> _Plan:
    if ads < 0:
        raise ConfigError(f"the number of ads must be 0 or more, not {ads}")
    return _Plan(ads, seed, BATCH)


@lru_cache(maxsize=4)
def _world(plan: _Plan) -> World:
    # Part 0 of the number space is the corpus-wide one (site lines, agencies).
    return build_world(
        seed=plan.seed, ads=plan.ads, largest=plan.batch // 4, parts=plan.batches + 1
    )


def _stochastic_round(value: float, rng: Random) -> int:
    whole = int(value)
    return whole + (rng.random() < value - whole)


def _next_operator(label: str, world: World, rng: Random, tally: _Tally, room: int) -> Operator:
    tally.operators += 1
    if tally.job_ads < JOB_SHARE * (tally.ads + 1):
        deceptive = tally.deceptive_ads < DECEPTIVE_SHARE * (tally.job_ads + 1)
        if deceptive:
            size = network_size(rng, min(world.cap, 80)) - 1
            # A large recruiter may not tip the batch's mix: cap it by what is left to fill.
            left = DECEPTIVE_SHARE * JOB_SHARE * (tally.ads + room) - tally.deceptive_ads
        else:
            size = 1 + int(rng.random() ** 2 * 6)
            left = (1 - DECEPTIVE_SHARE) * JOB_SHARE * (tally.ads + room) - tally.job_ads
            left += tally.deceptive_ads
        size = max(1, min(size, room, int(left)))
        return new_job(label, world=world, rng=rng, deceptive=deceptive, size=size)
    independent = rng.random() < INDEPENDENT_SHARE
    if independent:
        size = (1, 1, 1, 2, 2, 2, 3, 3)[int(rng.random() * 8)]  # re-posts, 1 to 3
    else:
        size = network_size(rng, world.cap)
    return new_companion(label, world=world, rng=rng, independent=independent, size=min(size, room))


def _ads_of(
    op: Operator, *, world: World, rng: Random, first_serial: int, id_offset: int
) -> Iterator[tuple[float, Rendered, City]]:
    stays = op.stays
    leg = 0
    sites = op.sites
    for n, day in enumerate(op.times):
        while leg < len(stays) - 1 and day > stays[leg][0]:
            leg += 1
        city = stays[leg][1]
        site = sites[0]
        if len(sites) > 1 and rng.random() >= 0.6:
            site = sites[int(rng.random() * len(sites))]
        number = ((first_serial + n) * _ID_MULTIPLIER + id_offset) % _ID_SPACE
        ad_id = f"{site.prefix}{number:09d}"
        yield day, render_ad(op, day, city, ad_id=ad_id, site=site, world=world, rng=rng), city


def _edited(item: tuple[float, Rendered, City, Operator], rng: Random, tally: _Tally) -> Pair:
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


def _batch(plan: _Plan, index: int, tally: _Tally) -> Iterator[Pair]:
    base_world = _world(plan)
    # A fresh phone-book part and rendering cache: nothing carries over between batches.
    book = PhoneBook(seed=plan.seed, part=index + 1, parts=plan.batches + 1)
    world = replace(base_world, book=book, cache={})
    rng = Random(f"{plan.seed}/{index}")
    id_offset = Random(f"{plan.seed}/ids").getrandbits(30) % _ID_SPACE
    target = plan.lines(index)
    duplicates = _stochastic_round(target * DUPLICATE_SHARE, rng)
    edits = _stochastic_round(target * EDIT_SHARE, rng)
    if duplicates + edits >= target:
        duplicates = edits = 0
    base = target - duplicates - edits
    with _no_cycle_collection():  # no yield inside: the caller's code never runs without it
        items = _items(plan, index, base, world=world, rng=rng, tally=tally, id_offset=id_offset)
    yield from _with_recrawls(items, duplicates, edits, rng, tally)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    # A batch makes ~10^5 small acyclic objects that reference counting frees; the cycle
    # collector would only rescan them again and again (a fifth of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _items(
    plan: _Plan, index: int, base: int, *, world: World, rng: Random, tally: _Tally, id_offset: int
) -> list[tuple[float, Rendered, City, Operator]]:
    items: list[tuple[float, Rendered, City, Operator]] = []
    first_serial = index * plan.batch
    while len(items) < base:
        label = f"op{index:04d}{tally.operators:04d}"
        op = _next_operator(label, world, rng, tally, base - len(items))
        serial = first_serial + len(items)
        for day, rendered, city in _ads_of(
            op, world=world, rng=rng, first_serial=serial, id_offset=id_offset
        ):
            items.append((day, rendered, city, op))
        _count(op, tally)
    items.sort(key=itemgetter(0))
    return items


def _count(op: Operator, tally: _Tally) -> None:
    size = len(op.times)
    tally.ads += size
    if op.kind == "job":
        tally.job_ads += size
        if op.deceptive:
            tally.deceptive_ads += size


def _with_recrawls(
    items: list[tuple[float, Rendered, City, Operator]],
    duplicates: int,
    edits: int,
    rng: Random,
    tally: _Tally,
) -> Iterator[Pair]:
    base = len(items)
    # Re-crawls land after the line they repeat: (position, order, kind, original index).
    events: list[tuple[int, int, str, int]] = []
    for order in range(duplicates + edits):
        original = int(rng.random() * base)
        position = original + 1 + int(rng.random() * (base - original))
        events.append((position, order, "dup" if order < duplicates else "edit", original))
    events.sort()
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


@dataclass(frozen=True, slots=True)
class _BatchText:
    """One batch serialised: JSONL text of its ads and truth lines, and its counts."""

    ads: str
    truth: str
    truth_lines: int
    tally: _Tally


def _batch_text(plan: _Plan, index: int) -> _BatchText:
    tally = _Tally()
    ad_lines: list[str] = []
    truth_lines: list[str] = []
    with _no_cycle_collection():
        for ad, truth in _batch(plan, index, tally):
            ad_lines.append(_ENCODE(ad))
            if not truth.get("duplicate"):
                truth_lines.append(_ENCODE(truth))
    tally.versions.clear()
    ads = "\n".join(ad_lines) + "\n" if ad_lines else ""
    truths = "\n".join(truth_lines) + "\n" if truth_lines else ""
    return _BatchText(ads, truths, len(truth_lines), tally)


def _fork_context() -> BaseContext | None:
    # Forked workers need no importable __main__ (spawned ones re-run the caller's script),
    # but forking is only safe on Linux and in a single-threaded process.
    if sys.platform != "linux" or threading.active_count() > 1:
        return None
    return get_context("fork")


def _batch_texts(plan: _Plan, workers: int) -> Iterator[_BatchText]:
    context = _fork_context() if workers > 1 and plan.batches >= PARALLEL_FROM else None
    if context is None:
        for index in range(plan.batches):
            yield _batch_text(plan, index)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future[_BatchText]] = deque()
        submitted = 0
        while submitted < plan.batches or pending:
            # Keep a bounded number of batches in flight so memory stays flat.
            while submitted < plan.batches and len(pending) < 2 * workers:
                pending.append(pool.submit(_batch_text, plan, submitted))
                submitted += 1
            yield pending.popleft().result()


def _open_text(path: Path, stack: ExitStack) -> IO[str]:
    if path.name.endswith(".gz"):
        raw = stack.enter_context(path.open("wb"))
        # No file name or time in the header: the same seed must give the same bytes.
        packed = stack.enter_context(
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6)
        )
        return stack.enter_context(io.TextIOWrapper(packed, encoding="utf-8", newline="\n"))
    return stack.enter_context(path.open("w", encoding="utf-8", newline="\n"))


def default_workers() -> int:
    """Return how many processes `write_corpus` uses by default: one per usable core, at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cores = os.cpu_count() or 1
    return max(1, min(8, cores))


def _reason(error: OSError, out: Path) -> str:
    if isinstance(error, FileExistsError | NotADirectoryError):
        # mkdir's own message ("File exists") hides which part of the path is in the way.
        blocker = next((p for p in out.parents if p.exists() and not p.is_dir()), None)
        if blocker is not None:
            return f"{blocker} is not a directory"
    return error.strerror or str(error)


def write_corpus(out: Path, *, ads: int, seed: int, workers: int | None = None) -> CorpusInfo:
    """Write `ads` ad lines to `out` (JSONL, gzip when it ends in .gz) and the truth beside it.

    Parent directories are created. Large corpora are made by `workers` processes (default:
    one per core); the bytes are the same whatever the number. Raises OutputError when a file
    cannot be written and ConfigError when `ads` is negative.
    """
    out = Path(out)
    plan = _checked_plan(ads, seed)
    truth_path = truth_path_for(out)
    truth_lines = duplicates = edits = operators = 0
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with ExitStack() as stack:
            ad_file = _open_text(out, stack)
            truth_file = stack.enter_context(truth_path.open("w", encoding="utf-8", newline="\n"))
            for text in _batch_texts(plan, default_workers() if workers is None else workers):
                ad_file.write(text.ads)
                truth_file.write(text.truth)
                truth_lines += text.truth_lines
                duplicates += text.tally.duplicates
                edits += text.tally.edits
                operators += text.tally.operators
    except OSError as e:
        raise OutputError(f"cannot write the corpus to {out}: {_reason(e, out)}") from e
    return CorpusInfo(out, truth_path, ads, truth_lines, duplicates, edits, operators)
