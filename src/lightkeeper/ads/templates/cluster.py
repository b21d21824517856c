"""`cluster_templates`: near-duplicate ads grouped into templates, with each template's text.

The steps, each a pure function over flat arrays so an engine can run them on batches:

1. rows are put in canonical order (by ``id#version``), so every tie-break below, and so the
   result, is the same whatever order the rows came in;
2. texts are cut into sentences and masked words, all hashed (`shingles.tokenise`);
3. boilerplate sentences are learned from the whole corpus (`boilerplate`);
4. word shingles, less those made only of boilerplate words, get MinHash signatures
   (`minhash`); LSH bands give candidate pairs (`lsh`), and a pair is confirmed when its
   estimated Jaccard similarity reaches the threshold;
5. connected components of confirmed pairs with two or more ads are templates, named
   ``canonical_id("tpl", members)``; each gets its text with slots (`align`).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from lightkeeper.ads.ids import canonical_id
from lightkeeper.ads.templates.align import Member, build_template, masked_form
from lightkeeper.ads.templates.boilerplate import Boilerplate, BoilerplateOptions, learn_boilerplate
from lightkeeper.ads.templates.lsh import signature_pair_codes, signature_pairs
from lightkeeper.ads.templates.minhash import Method, estimated_similarity, minhash_signatures
from lightkeeper.ads.templates.shingles import (
    I64,
    U64,
    ad_texts,
    offsets_and_bytes,
    shingle_hashes,
    string_hashes,
    tokenise,
)
from lightkeeper.engine.arrays import mix64
from lightkeeper.engine.graph import connected_components
from lightkeeper.engine.memory import Spilled, trim_heap
from lightkeeper.engine.runner import InProcess, SharedRunner

SLOT_TYPE = pa.struct([("name", pa.string()), ("values", pa.list_(pa.string()))])
TEMPLATES_SCHEMA = pa.schema(
    [
        ("template_id", pa.string()),
        ("ad_count", pa.int64()),
        ("text", pa.string()),
        ("slots", pa.list_(SLOT_TYPE)),
        ("first_seen", pa.timestamp("us", tz="UTC")),
        ("last_seen", pa.timestamp("us", tz="UTC")),
        ("boilerplate_removed", pa.list_(pa.string())),
    ]
)
PREFIX = "tpl"
DEFAULT_THRESHOLD = 0.4
DEFAULT_NUM_PERM = 128
BATCH_ROWS = 20_000
MAX_BOILERPLATE_LISTED = 50
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SALT = np.uint64(0xD6E8FEB86659FD93)


@dataclass(frozen=True, slots=True)
class TemplateOptions:
    """Tuning of template clustering; the defaults are the measured ones (see the benchmark)."""

    threshold: float = DEFAULT_THRESHOLD
    num_perm: int = DEFAULT_NUM_PERM
    bands: int = 32
    shingle_size: int = 3
    method: Method = "oph"
    seed: int = 1
    max_aligned: int = 30
    boilerplate: BoilerplateOptions = field(default_factory=BoilerplateOptions)


@dataclass(frozen=True, slots=True)
class TemplateResult:
    """Templates of a corpus: one id (or None) per ad row, the templates table, the boilerplate."""

    template_ids: list[str | None]
    templates: pa.Table
    boilerplate: list[str]
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step


@dataclass(frozen=True, slots=True)
class Corpus:
    """Flat arrays of one corpus in canonical row order (see `shingles.Tokenised`)."""

    sentence_ad: I64
    sentence_start: I64
    sentence_end: I64
    sentence_hash: U64
    sentence_shape: U64
    token_sentence: I64
    token_hash: U64


def cluster_templates(
    ads: pa.Table,
    *,
    threshold: float | None = None,
    num_perm: int | None = None,
    options: TemplateOptions | None = None,
    engine: Engine | None = None,
) -> TemplateResult:
    """Group near-duplicate ads into templates and describe each template.

    `ads` needs columns id, version, title, body (posted_at, city optional; other columns are
    not read). `threshold` is the estimated Jaccard similarity of word shingles (boilerplate
    discounted) at which two ads count as one template (default DEFAULT_THRESHOLD), `num_perm`
    the MinHash signature length (a power of two, default DEFAULT_NUM_PERM); `options` tunes
    the rest, and the two keywords override it. Ads with no near-duplicate get None. The result
    does not depend on the order of the rows.

    `engine` (anything with ``map_batches(fn, batches)``, such as `LocalEngine`) runs the
    per-batch steps (tokenising, signatures, describing templates) on its workers; without
    one they run here. The result is the same whatever the engine and its number of workers.
    """
    groups = group_templates(
        ads, threshold=threshold, num_perm=num_perm, options=options, engine=engine
    )
    return groups.describe()


def group_templates(
    ads: pa.Table,
    *,
    threshold: float | None = None,
    num_perm: int | None = None,
    options: TemplateOptions | None = None,
    engine: Engine | None = None,
    keep_text: bool = True,
) -> TemplateGroups:
    """The first part of `cluster_templates` (same arguments): which ads form templates, with
    the template id of each ad, before the templates are described.

    A caller that needs only the ids first (linking does) can go on while `describe` runs,
    for example in a thread whose batches run on the engine's workers. Without `keep_text`,
    the text is let go once tokenised (the caller must hold no other reference to `ads` for
    that to free it), and `describe` must be given it again.
    """
    opts = options or TemplateOptions()
    if threshold is not None:
        opts = replace(opts, threshold=threshold)
    if num_perm is not None:
        opts = replace(opts, num_perm=num_perm)
    n = ads.num_rows
    run = engine or InProcess()
    clock = _Clock()
    table = ads.select([c for c in READ_COLUMNS if c in ads.column_names])
    if n == 0:
        return TemplateGroups([], table, np.zeros(0, dtype=np.int64), None, opts, run, clock)
    order = canonical_order(table)
    members = member_ids(table).take(pa.array(order))
    features, shapes = _features(table, order, run)
    if not keep_text:
        del ads
        table = table.drop_columns([c for c in _TEXT_COLUMNS if c in table.column_names])
    clock.lap("prepare")
    # Learning the boilerplate reads only sentences: the tokens (the largest array) wait in a
    # temporary file meanwhile.
    tokens = Spilled({"token_hash": features.token_hash})
    features = features.without_tokens()
    boiler = learn_boilerplate(
        features.sentence_ads(),
        features.sentence_hash,
        string_hashes(members),
        sentence_shape=shapes,
        options=opts.boilerplate,
        run=run,
    )
    del shapes
    features = replace(features, token_hash=tokens.load()["token_hash"])
    clock.lap("boilerplate")
    sig = _signatures(features, boiler, n, opts, run)
    # Finding similar pairs reads only the signatures: the features (at a million ads a third
    # of this process's memory) wait in a temporary file meanwhile, so neither this process
    # nor the processes it forks for the step hold them.
    spilled = Spilled(_arrays(features))
    del features
    labels = clusters_of(similar_pairs(sig, opts, run=run), n)
    del sig
    features = Features(**spilled.load())
    ids_sorted = _template_ids(labels, members)
    del members
    clock.lap("cluster")
    template_ids: list[str | None] = [None] * n
    for row, tid in zip(order.tolist(), ids_sorted, strict=True):
        template_ids[row] = tid
    # Describing needs the tokens only to choose each template's representative: chosen now,
    # the tokens (the largest array) are not held while the templates are described.
    aligned = _aligned_rows(labels, opts)
    reps = _all_representatives(
        labels, aligned, features=features, boiler=boiler, opts=opts, run=run
    )
    grouped = _Grouped(order, labels, ids_sorted, features.without_tokens(), boiler, reps)
    del features
    return TemplateGroups(
        template_ids, table, order, grouped, opts, run, clock, _text_dropped=not keep_text
    )


@dataclass(frozen=True, slots=True)
class _Grouped:
    """What describing needs of the grouping, in canonical order."""

    order: I64
    labels: I64
    ids: list[str | None]
    features: Features  # without tokens
    boiler: Boilerplate
    reps: I64  # per template, the position of its representative among the aligned rows


@dataclass(frozen=True, slots=True)
class TemplateGroups:
    """Ads grouped into templates (see `group_templates`); `describe` finishes the stage."""

    template_ids: list[str | None]  # per row of the input, None for an ad in no template
    _table: pa.Table
    _order: I64
    _grouped: _Grouped | None
    _opts: TemplateOptions
    _run: Engine
    _clock: _Clock
    _text_dropped: bool = False

    def describe(self, texts: pa.Table | None = None) -> TemplateResult:
        """The templates table and boilerplate texts: `cluster_templates`'s result.

        `texts` (title, body of the grouped rows, in their order) is needed when the grouping
        did not keep the text."""
        g = self._grouped
        if g is None:
            return TemplateResult([], TEMPLATES_SCHEMA.empty_table(), [])
        table = self._table
        if texts is None and self._text_dropped:
            raise ValueError("grouped without keep_text: describe needs the texts again")
        if texts is not None:
            present = [c for c in _TEXT_COLUMNS if c in texts.column_names]
            if texts.num_rows != table.num_rows:
                raise ValueError(f"{texts.num_rows} rows of text for {table.num_rows} ads")
            for name in present:
                if name not in table.column_names:
                    table = table.append_column(name, texts.column(name))
        templates, boilerplate_texts = _describe_templates(
            table,
            g.order,
            g.labels,
            ids=g.ids,
            features=g.features,
            boiler=g.boiler,
            opts=self._opts,
            run=self._run,
            reps=g.reps,
        )
        self._clock.lap("describe")
        return TemplateResult(
            self.template_ids, templates, boilerplate_texts, dict(self._clock.seconds)
        )


class Engine(SharedRunner, Protocol):
    """What `cluster_templates` needs of an engine (see `lightkeeper.engine.local`): batches
    mapped on its workers, and `map_shared` for the steps over corpus-wide arrays."""

    def map_batches(self, fn: Callable[[Any], Any], batches: Iterable[Any]) -> Iterator[Any]:
        """`fn` of each batch, in the order of the batches."""
        ...


class _Clock:
    """Seconds spent per step, for the run summary and the benchmark."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        trim_heap()
        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self._last
        self._last = now


def member_ids(ads: pa.Table) -> pa.Array:
    """The ``id#version`` string of each row (see `lightkeeper.ads.ids.member_id`)."""
    ids = pc.fill_null(ads.column("id").cast(pa.string()), "")
    if "version" in ads.column_names:
        versions = pc.fill_null(ads.column("version").cast(pa.string()), "")
    else:
        versions = pa.array(["1"] * ads.num_rows, pa.string())
    joined = pc.binary_join_element_wise(ids, versions, "#")
    return joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined


def canonical_order(ads: pa.Table) -> I64:
    """Row positions sorted by ``id#version``, ties broken by the text, then by row.

    Rows that tie on both are identical for clustering, so the result never depends on the
    input order.
    """
    members = member_ids(ads)
    if pc.count_distinct(members).as_py() == len(members):
        return np.asarray(pc.sort_indices(members), dtype=np.int64)
    keys = pa.table({"member": members, "text_hash": pa.array(string_hashes(ad_texts(ads)))})
    indices = pc.sort_indices(keys, sort_keys=[("member", "ascending"), ("text_hash", "ascending")])
    return np.asarray(indices, dtype=np.int64)


def prepare_corpus(table: pa.Table, *, batch_rows: int = BATCH_ROWS) -> Corpus:
    """Sentences and tokens of every row of `table`, computed batch by batch."""
    order = np.arange(table.num_rows, dtype=np.int64)
    features, shapes = _features(table, order, InProcess(), batch_rows=batch_rows)
    corpus = features.corpus(order)
    return replace(corpus, sentence_shape=shapes)


@dataclass(frozen=True, slots=True)
class Features:
    """Sentences and tokens of a corpus in canonical row order, held compactly.

    What a `Corpus` holds, with offsets in place of per-sentence and per-token row numbers:
    ad i owns sentences ``ad_sentences[i]:ad_sentences[i+1]`` and tokens
    ``ad_tokens[i]:ad_tokens[i+1]``; sentence j starts `sentence_start[j]` bytes into its ad's
    text and holds `sentence_tokens[j]` tokens; it ends where the next sentence of its ad
    starts, or at the end of the text (`text_bytes`). Sentence shapes, needed only to learn the
    boilerplate, are kept apart.
    """

    ad_sentences: I64
    ad_tokens: I64
    text_bytes: U32
    sentence_start: U32
    sentence_tokens: U32
    sentence_hash: U64
    token_hash: U64

    @property
    def rows(self) -> int:
        """The number of ads."""
        return len(self.ad_sentences) - 1

    def sentence_ads(self) -> I64:
        """The ad of each sentence."""
        counts = np.diff(self.ad_sentences)
        return np.repeat(np.arange(self.rows, dtype=np.int64), counts)

    def without_tokens(self) -> Features:
        """These features less the tokens (the largest array), for steps that read only
        sentences; `corpus` of the result gives no tokens."""
        return dataclasses.replace(self, token_hash=np.zeros(0, dtype=np.uint64))

    def corpus(self, rows: I64, *, tokens: bool = True) -> Corpus:
        """The given rows as a `Corpus`, numbered 0..len(rows)-1 in the order given (with no
        tokens unless `tokens`)."""
        s_count = self.ad_sentences[rows + 1] - self.ad_sentences[rows]
        sentences = _spans(self.ad_sentences[rows], s_count)
        start = self.sentence_start[sentences].astype(np.int64)
        end = np.empty_like(start)
        end[:-1] = start[1:]
        has = s_count > 0
        end[np.cumsum(s_count)[has] - 1] = self.text_bytes[rows[has]]
        if tokens:
            per_sentence = self.sentence_tokens[sentences].astype(np.int64)
            t_count = self.ad_tokens[rows + 1] - self.ad_tokens[rows]
            token_sentence = np.repeat(np.arange(len(sentences), dtype=np.int64), per_sentence)
            token_hash = self.token_hash[_spans(self.ad_tokens[rows], t_count)]
        else:
            token_sentence = np.zeros(0, dtype=np.int64)
            token_hash = np.zeros(0, dtype=np.uint64)
        return Corpus(
            sentence_ad=np.repeat(np.arange(len(rows), dtype=np.int64), s_count),
            sentence_start=start,
            sentence_end=end,
            sentence_hash=self.sentence_hash[sentences],
            sentence_shape=np.zeros(len(sentences), dtype=np.uint64),
            token_sentence=token_sentence,
            token_hash=token_hash,
        )

    @staticmethod
    def of_corpus(corpus: Corpus, n: int) -> Features:
        """The features of a `Corpus` of `n` rows."""
        ad_sentences = _offsets(np.bincount(corpus.sentence_ad, minlength=n))
        per_sentence = np.bincount(corpus.token_sentence, minlength=len(corpus.sentence_hash))
        tokens_per_ad = np.bincount(corpus.sentence_ad, weights=per_sentence, minlength=n)
        has = ad_sentences[1:] > ad_sentences[:-1]
        text_bytes = np.zeros(n, dtype=np.uint32)
        text_bytes[has] = corpus.sentence_end[ad_sentences[1:][has] - 1]
        return Features(
            ad_sentences=ad_sentences,
            ad_tokens=_offsets(tokens_per_ad.astype(np.int64)),
            text_bytes=text_bytes,
            sentence_start=corpus.sentence_start.astype(np.uint32),
            sentence_tokens=per_sentence.astype(np.uint32),
            sentence_hash=corpus.sentence_hash,
            token_hash=corpus.token_hash,
        )


U32 = npt.NDArray[np.uint32]
# The columns the stage reads; any others in the ads table are never touched.
READ_COLUMNS = ("id", "version", "title", "body", "posted_at", "city")
_TEXT_COLUMNS = ("title", "body")
TOKENISE_ROWS = 8_000  # rows per tokenising batch: its byte-level arrays stay small
DESCRIBE_ROWS = 2_000  # aligned member rows per describe batch (whole templates)
_DESCRIBED = pa.schema([TEMPLATES_SCHEMA.field("text"), TEMPLATES_SCHEMA.field("slots")])


def _offsets(counts: I64) -> I64:
    out = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


def _tokenised(texts: pa.Table) -> tuple[Features, U64]:
    """The features and sentence shapes of one batch of ads (title and body columns)."""
    tok = tokenise(ad_texts(texts))
    corpus = Corpus(
        sentence_ad=tok.sentence_text,
        sentence_start=tok.sentence_start,
        sentence_end=tok.sentence_end,
        sentence_hash=tok.sentence_hash,
        sentence_shape=tok.sentence_shape,
        token_sentence=tok.token_sentence,
        token_hash=tok.token_hash,
    )
    return Features.of_corpus(corpus, texts.num_rows), tok.sentence_shape


def _text_batches(table: pa.Table, order: I64, batch_rows: int) -> Iterator[pa.Table]:
    texts = table.select([c for c in _TEXT_COLUMNS if c in table.column_names])
    for start in range(0, len(order), batch_rows):
        yield texts.take(pa.array(order[start : start + batch_rows]))


def _features(
    table: pa.Table, order: I64, run: Engine, *, batch_rows: int = TOKENISE_ROWS
) -> tuple[Features, U64]:
    """Features of the rows of `table` in `order`, and their sentence shapes, batch by batch.

    Each batch is copied into arrays sized from the first batch (rows are in canonical order,
    a fair sample of the corpus), grown when short, so the whole corpus is never held twice."""
    n = len(order)
    fields = [f.name for f in dataclasses.fields(Features)]
    per_sentence = ("sentence_start", "sentence_tokens", "sentence_hash", "shapes")
    growing: dict[str, _Growing] = {}
    counts: dict[str, list[I64]] = {"ad_sentences": [], "ad_tokens": []}
    text_bytes = np.zeros(n, dtype=np.uint32)
    done = 0
    for batch, shapes in run.map_batches(_tokenised, _text_batches(table, order, batch_rows)):
        rows = batch.rows
        if not growing:
            scale = n / max(1, rows)
            sentences = len(batch.sentence_hash) * scale
            tokens = len(batch.token_hash) * scale
            for name in (*per_sentence, "token_hash"):
                expected = tokens if name == "token_hash" else sentences
                growing[name] = _Growing(int(expected * 1.05))
        for name in ("ad_sentences", "ad_tokens"):
            counts[name].append(np.diff(getattr(batch, name)))
        text_bytes[done : done + rows] = batch.text_bytes
        done += rows
        for name in (*per_sentence[:-1], "token_hash"):
            growing[name].add(getattr(batch, name))
        growing["shapes"].add(shapes)
        del batch, shapes
    if not growing:
        return Features.of_corpus(_empty_corpus(), 0), np.zeros(0, dtype=np.uint64)
    columns: dict[str, npt.NDArray[Any]] = {"text_bytes": text_bytes}
    for name in ("ad_sentences", "ad_tokens"):
        columns[name] = _offsets(np.concatenate(counts[name]))
    for name in fields:
        if name in growing:
            columns[name] = growing.pop(name).result()
    return Features(**columns), growing.pop("shapes").result()


class _Growing:
    """An array filled batch by batch: allocated once at the expected size, grown by a
    quarter when short, and trimmed at the end only when much too long."""

    def __init__(self, capacity: int) -> None:
        self._out: npt.NDArray[Any] | None = None
        self._capacity = max(1, capacity)
        self._size = 0

    def add(self, values: npt.NDArray[Any]) -> None:
        """Append `values`."""
        if self._out is None:
            self._out = np.empty(max(self._capacity, len(values)), dtype=values.dtype)
        end = self._size + len(values)
        if end > len(self._out):
            grown = np.empty(max(end, len(self._out) * 5 // 4), dtype=self._out.dtype)
            grown[: self._size] = self._out[: self._size]
            self._out = grown
        self._out[self._size : end] = values
        self._size = end

    def result(self) -> npt.NDArray[Any]:
        """The values appended, in order."""
        if self._out is None:
            return np.zeros(0, dtype=np.uint64)
        if self._size * 10 < len(self._out) * 9:  # more than a tenth unused: copy it out
            return self._out[: self._size].copy()
        return self._out[: self._size]


def _empty_corpus() -> Corpus:
    empty, none = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64)
    return Corpus(empty, empty, empty, none, none, empty, none)


# -- clustering ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _SignBatch:
    """What one batch of ads needs to get its MinHash signatures."""

    token_hash: U64
    sentence_tokens: U32
    sentence_boilerplate: npt.NDArray[np.bool_]
    ad_tokens: I64  # counts per ad
    opts: TemplateOptions


def _sign(batch: _SignBatch) -> U32:
    """MinHash signatures of one batch of ads (`ad_shingles` then `minhash_signatures`)."""
    opts = batch.opts
    n = len(batch.ad_tokens)
    flagged = np.repeat(batch.sentence_boilerplate, batch.sentence_tokens.astype(np.int64))
    owner = np.repeat(np.arange(n, dtype=np.int64), batch.ad_tokens)
    shingles, offsets = shingle_hashes(
        batch.token_hash, owner, n, k=opts.shingle_size, boilerplate=flagged
    )
    return minhash_signatures(
        shingles, offsets, num_perm=opts.num_perm, seed=opts.seed, method=opts.method
    )


def _sign_batches(
    features: Features, boiler: Boilerplate, opts: TemplateOptions, batch_rows: int
) -> Iterator[_SignBatch]:
    flagged = boiler.contains(features.sentence_hash)
    for lo in range(0, features.rows, batch_rows):
        hi = min(lo + batch_rows, features.rows)
        s0, s1 = features.ad_sentences[lo], features.ad_sentences[hi]
        t0, t1 = features.ad_tokens[lo], features.ad_tokens[hi]
        yield _SignBatch(
            token_hash=features.token_hash[t0:t1],
            sentence_tokens=features.sentence_tokens[s0:s1],
            sentence_boilerplate=flagged[s0:s1],
            ad_tokens=np.diff(features.ad_tokens[lo : hi + 1]),
            opts=opts,
        )


def _signatures(
    features: Features,
    boiler: Boilerplate,
    n: int,
    opts: TemplateOptions,
    run: Engine,
    *,
    batch_rows: int = BATCH_ROWS,
) -> U32:
    """The MinHash signature of each row (canonical order), as `template_labels` signs them,
    in batches on the engine."""
    sig = np.empty((n, opts.num_perm), dtype=np.uint32)
    at = 0
    for part in run.map_batches(_sign, _sign_batches(features, boiler, opts, batch_rows)):
        sig[at : at + len(part)] = part
        at += len(part)
    return sig


def _arrays(features: Features) -> dict[str, npt.NDArray[Any]]:
    """The arrays of `features` by field name (not copied)."""
    return {f.name: getattr(features, f.name) for f in dataclasses.fields(features)}


def similar_pairs(
    sig: U32, opts: TemplateOptions, *, chunk: int = 1 << 20, run: Engine | None = None
) -> I64:
    """The candidate pairs of `sig` whose estimated similarity reaches the threshold, as an
    (E, 2) array; candidates are read in chunks, so only one chunk's rows and similarities
    are held beside the candidates (at a million ads they number tens of millions).

    With `run`, bands and chunks are worked on its processes (`map_shared`: they read `sig`
    and the candidates without a copy); the pairs are the same."""
    runner = run or InProcess()
    codes = signature_pair_codes(sig, bands=opts.bands, run=runner)
    spans = [(lo, lo + chunk, opts.threshold) for lo in range(0, len(codes), chunk)]
    kept = list(runner.map_shared(_similar_in_chunk, (sig, codes), spans))
    del codes
    rows = sig.shape[0]
    similar = np.concatenate(kept) if kept else np.zeros(0, dtype=np.int64)
    return np.stack([similar // rows, similar % rows], axis=1)


def _similar_in_chunk(shared: tuple[U32, I64], span: tuple[int, int, float]) -> I64:
    """The codes of candidates lo..hi-1 whose estimated similarity reaches the threshold."""
    sig, codes = shared
    lo, hi, threshold = span
    rows = sig.shape[0]
    part = codes[lo:hi]
    left, right = part // rows, part % rows
    return np.asarray(part[estimated_similarity(sig, left, right) >= threshold], dtype=np.int64)


def template_labels(corpus: Corpus, boiler: Boilerplate, n: int, opts: TemplateOptions) -> I64:
    """Template label of each row (canonical order); -1 for a row with no near-duplicate."""
    shingles, offsets = ad_shingles(corpus, boiler, n, k=opts.shingle_size)
    sig = minhash_signatures(
        shingles, offsets, num_perm=opts.num_perm, seed=opts.seed, method=opts.method
    )
    left, right = signature_pairs(sig, bands=opts.bands)
    similar = estimated_similarity(sig, left, right) >= opts.threshold
    return clusters_of(np.stack([left[similar], right[similar]], axis=1), n)


def ad_shingles(corpus: Corpus, boiler: Boilerplate, n: int, *, k: int) -> tuple[U64, I64]:
    """The word shingles of each row, less those made only of boilerplate words."""
    flagged = boiler.contains(corpus.sentence_hash)[corpus.token_sentence]
    owner = corpus.sentence_ad[corpus.token_sentence]
    return shingle_hashes(corpus.token_hash, owner, n, k=k, boilerplate=flagged)


def clusters_of(edges: npt.NDArray[np.int64], n: int) -> I64:
    """Component label per node for components of two or more nodes, -1 for a lone node.

    Labels are 0..k-1 in order of each component's smallest node.
    """
    labels = connected_components(edges, n)
    sizes = np.bincount(labels, minlength=1)
    grouped = sizes[labels] >= 2
    out = np.full(n, -1, dtype=np.int64)
    _, dense = np.unique(labels[grouped], return_inverse=True)
    out[grouped] = dense.reshape(-1)
    return out


def _template_ids(labels: I64, members: pa.Array) -> list[str | None]:
    """``canonical_id("tpl", members)`` per row; rows are canonical, so the first is smallest."""
    if not (labels >= 0).any():
        return [None] * len(labels)
    names = members.take(pa.array(_first_rows(labels))).to_pylist()
    ids = [canonical_id(PREFIX, [name]) for name in names]
    return [ids[label] if label >= 0 else None for label in labels.tolist()]


def _first_rows(labels: I64) -> I64:
    rows = np.flatnonzero(labels >= 0)
    _, first = np.unique(labels[rows], return_index=True)
    return np.asarray(rows[first], dtype=np.int64)


# -- describing templates --------------------------------------------------------------------


def _templates_table(
    table: pa.Table,
    labels: I64,
    *,
    ids: list[str | None],
    corpus: Corpus,
    boiler: Boilerplate,
    opts: TemplateOptions,
) -> tuple[pa.Table, list[str]]:
    """The templates table and boilerplate texts of `table` (rows in canonical order) and its
    `corpus` (see `_describe_templates`)."""
    order = np.arange(table.num_rows, dtype=np.int64)
    features = Features.of_corpus(corpus, table.num_rows)
    return _describe_templates(
        table, order, labels, ids=ids, features=features, boiler=boiler, opts=opts
    )


def _describe_templates(
    table: pa.Table,
    order: I64,
    labels: I64,
    *,
    ids: list[str | None],
    features: Features,
    boiler: Boilerplate,
    opts: TemplateOptions,
    run: Engine | None = None,
    reps: I64 | None = None,
) -> tuple[pa.Table, list[str]]:
    """The templates table (one row per label) and the readable boilerplate sentences.

    Canonical row i is row `order[i]` of `table`; `labels`, `ids` and `features` are in
    canonical order. `reps` are the representatives from `_all_representatives` (then
    `features` need no tokens); without them they are chosen here."""
    texts_of = _boilerplate_texts(table, order, features, boiler)
    boilerplate_list = sorted(set(texts_of.values()))
    if not (labels >= 0).any():
        return TEMPLATES_SCHEMA.empty_table(), boilerplate_list
    n_templates = int(labels.max()) + 1
    first_seen, last_seen = _seen(table, order, labels, n_templates)
    described = _describe(
        table,
        order,
        labels,
        features=features,
        boiler=boiler,
        opts=opts,
        run=run or InProcess(),
        reps=reps,
    )
    removed = _removed_per_template(labels, features, boiler, texts_of)
    columns = [
        pa.array([ids[row] for row in _first_rows(labels).tolist()], pa.string()),
        pa.array(np.bincount(labels[labels >= 0], minlength=n_templates), pa.int64()),
        described.column("text"),
        described.column("slots"),
        pa.array(first_seen, TEMPLATES_SCHEMA.field("first_seen").type),
        pa.array(last_seen, TEMPLATES_SCHEMA.field("last_seen").type),
        pa.array(removed, TEMPLATES_SCHEMA.field("boilerplate_removed").type),
    ]
    result = pa.Table.from_arrays(columns, schema=TEMPLATES_SCHEMA)
    ordered = result.sort_by([("ad_count", "descending"), ("template_id", "ascending")])
    return ordered, boilerplate_list


def _seen(
    table: pa.Table, order: I64, labels: I64, n_templates: int
) -> tuple[list[Any], list[Any]]:
    first: list[Any] = [None] * n_templates
    last: list[Any] = [None] * n_templates
    if "posted_at" not in table.column_names:
        return first, last
    rows = np.flatnonzero(labels >= 0)
    posted = table.column("posted_at").take(pa.array(order[rows]))
    grouped = (
        pa.table({"label": labels[rows], "posted": posted})
        .group_by("label")
        .aggregate([("posted", "min"), ("posted", "max")])
    )
    for label, lo, hi in zip(
        grouped.column("label").to_pylist(),
        grouped.column("posted_min").to_pylist(),
        grouped.column("posted_max").to_pylist(),
        strict=True,
    ):
        first[label], last[label] = lo, hi
    return first, last


def _boilerplate_texts(
    table: pa.Table, order: I64, features: Features, boiler: Boilerplate
) -> dict[int, str]:
    """A readable form of each boilerplate sentence: as in the first ad that has it, with
    masked values (phones, prices) shown as slots."""
    flagged = np.flatnonzero(boiler.contains(features.sentence_hash))
    if len(flagged) == 0:
        return {}
    hashes, first = np.unique(features.sentence_hash[flagged], return_index=True)
    sentences = flagged[first]
    ads = np.searchsorted(features.ad_sentences, sentences, side="right") - 1
    unique_ads, position = np.unique(ads, return_inverse=True)
    texts = ad_texts(table.take(pa.array(order[unique_ads])).select(_present(table)))
    offsets, data = offsets_and_bytes(texts)
    corpus = features.corpus(unique_ads, tokens=False)  # sentences only
    position = position.reshape(-1)
    # Global sentence s of ad a is sentence s - (a's first) of a's row in `corpus`.
    local = _local_first(corpus)[position] + sentences - features.ad_sentences[ads]
    out: dict[int, str] = {}
    for h, s, p in zip(hashes.tolist(), local.tolist(), position.tolist(), strict=True):
        base = int(offsets[p])
        piece = data[base + corpus.sentence_start[s] : base + corpus.sentence_end[s]]
        out[h] = masked_form(piece.tobytes().decode("utf-8", errors="replace").strip())
    return out


def _local_first(corpus: Corpus) -> I64:
    """The first sentence of each row of `corpus` (every row here has one)."""
    return np.searchsorted(corpus.sentence_ad, np.arange(int(corpus.sentence_ad.max()) + 1))


def _present(table: pa.Table) -> list[str]:
    return [c for c in _TEXT_COLUMNS if c in table.column_names]


def _removed_per_template(
    labels: I64, features: Features, boiler: Boilerplate, texts_of: dict[int, str]
) -> list[list[str]]:
    n_templates = int(labels.max()) + 1
    flagged = np.flatnonzero(boiler.contains(features.sentence_hash))
    label_of = labels[np.searchsorted(features.ad_sentences, flagged, side="right") - 1]
    rows = flagged[label_of >= 0]
    label_of = label_of[label_of >= 0]
    found: list[set[str]] = [set() for _ in range(n_templates)]
    hashes = features.sentence_hash[rows]
    with np.errstate(over="ignore"):
        pair_key = mix64(hashes ^ (label_of.astype(np.uint64) * _GOLDEN))
    _, first = np.unique(pair_key, return_index=True)
    for label, h in zip(label_of[first].tolist(), hashes[first].tolist(), strict=True):
        found[label].add(texts_of[h])
    return [sorted(texts)[:MAX_BOILERPLATE_LISTED] for texts in found]


@dataclass(frozen=True, slots=True)
class _DescribeBatch:
    """Whole templates to describe: their aligned members, grouped by template."""

    texts: pa.Table  # title, body, city of each member
    corpus: Corpus  # the members' sentences and tokens, rows 0..m-1
    labels: I64  # template of each member, 0.. in order
    boilerplate: U64  # the boilerplate sentence hashes
    opts: TemplateOptions
    reps: I64 | None = None  # each template's representative (a member position), if chosen


def _describe(
    table: pa.Table,
    order: I64,
    labels: I64,
    *,
    features: Features,
    boiler: Boilerplate,
    opts: TemplateOptions,
    run: Engine,
    reps: I64 | None = None,
) -> pa.Table:
    """Template text and slots of each template (a row each, in label order), from its first
    `max_aligned` members."""
    aligned = _aligned_rows(labels, opts)
    batches = _describe_batches(
        table,
        order,
        labels,
        aligned=aligned,
        features=features,
        boiler=boiler,
        opts=opts,
        reps=reps,
    )
    parts = list(run.map_batches(_describe_batch, batches))
    return pa.concat_tables(parts).combine_chunks() if parts else _DESCRIBED.empty_table()


def _aligned_rows(labels: I64, opts: TemplateOptions) -> I64:
    """The first `max_aligned` members of each template, grouped by template."""
    rows = np.flatnonzero(labels >= 0)
    aligned = rows[_rank_within(labels[rows]) < opts.max_aligned]
    return np.asarray(aligned[np.argsort(labels[aligned], kind="stable")], dtype=np.int64)


def _batch_bounds(labels: I64, aligned: I64) -> list[tuple[int, int]]:
    """(lo, hi) positions in `aligned` of batches of about DESCRIBE_ROWS rows, cut between
    templates."""
    template_starts = np.r_[0, np.flatnonzero(np.diff(labels[aligned])) + 1]
    cuts = template_starts[np.r_[0, np.flatnonzero(np.diff(template_starts // DESCRIBE_ROWS)) + 1]]
    bounds = np.r_[cuts, len(aligned)]
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))


@dataclass(frozen=True, slots=True)
class _RepBatch:
    """Whole templates whose representatives are to be chosen: their aligned members."""

    corpus: Corpus  # the members' sentences and tokens, rows 0..m-1
    labels: I64  # template of each member, 0.. in order
    boilerplate: U64
    opts: TemplateOptions


def _all_representatives(
    labels: I64,
    aligned: I64,
    *,
    features: Features,
    boiler: Boilerplate,
    opts: TemplateOptions,
    run: Engine,
) -> I64:
    """Per template (label order), the position in `aligned` of its representative (see
    `_representatives`), chosen batch by batch on the engine."""
    if not len(aligned):
        return np.zeros(0, dtype=np.int64)
    bounds = _batch_bounds(labels, aligned)

    def batches() -> Iterator[_RepBatch]:
        for lo, hi in bounds:
            local = labels[aligned[lo:hi]]
            yield _RepBatch(features.corpus(aligned[lo:hi]), local - local[0], boiler.hashes, opts)

    parts = run.map_batches(_batch_representatives, batches())
    found = [part + lo for part, (lo, _) in zip(parts, bounds, strict=True)]
    return np.concatenate(found)


def _batch_representatives(batch: _RepBatch) -> I64:
    """`_representatives` of one batch (positions within the batch)."""
    flags = _boilerplate_flags(batch.boilerplate, batch.corpus.sentence_hash)
    return _representatives(batch.labels, batch.corpus, flags, batch.opts)


def _boilerplate_flags(hashes: U64, sentence_hash: U64) -> npt.NDArray[np.bool_]:
    """Whether each sentence is one of the boilerplate `hashes` (sorted)."""
    boiler = Boilerplate(
        hashes=hashes,
        ad_counts=np.zeros(len(hashes), dtype=np.int64),
        related=np.zeros(len(hashes), dtype=np.float64),
    )
    return boiler.contains(sentence_hash)


def _describe_batches(
    table: pa.Table,
    order: I64,
    labels: I64,
    *,
    aligned: I64,
    features: Features,
    boiler: Boilerplate,
    opts: TemplateOptions,
    reps: I64 | None = None,
) -> Iterator[_DescribeBatch]:
    """Batches of about DESCRIBE_ROWS aligned rows, cut between templates (with their
    templates' representatives when `reps` gives them, so no tokens are sent)."""
    columns = [c for c in (*_TEXT_COLUMNS, "city") if c in table.column_names]
    for lo, hi in _batch_bounds(labels, aligned):
        rows = aligned[lo:hi]
        local = labels[rows]
        first, last = int(local[0]), int(local[-1])
        yield _DescribeBatch(
            texts=table.select(columns).take(pa.array(order[rows])),
            corpus=features.corpus(rows, tokens=reps is None),
            labels=local - local[0],
            boilerplate=boiler.hashes,
            opts=opts,
            reps=None if reps is None else reps[first : last + 1] - lo,
        )


def _describe_batch(batch: _DescribeBatch) -> pa.Table:
    """Text and slots of each template of a batch (see `align.build_template`), as Arrow
    (compact, and cheap to send back from a worker)."""
    labels, corpus = batch.labels, batch.corpus
    boilerplate = _boilerplate_flags(batch.boilerplate, corpus.sentence_hash)
    members = _members(batch.texts, corpus, boilerplate)
    reps = batch.reps
    if reps is None:
        reps = _representatives(labels, corpus, boilerplate, batch.opts)
    bounds = np.r_[0, np.flatnonzero(np.diff(labels)) + 1, len(labels)]
    texts: list[str] = []
    slots: list[list[dict[str, Any]]] = []
    for label in range(len(bounds) - 1):
        lo, hi = int(bounds[label]), int(bounds[label + 1])
        template = build_template(members[lo:hi], representative=int(reps[label]) - lo)
        texts.append(template.text)
        slots.append([{"name": k, "values": v} for k, v in template.slots.items()])
    return pa.table({"text": texts, "slots": slots}, schema=_DESCRIBED)


def _rank_within(labels: I64) -> I64:
    """Position of each element among the elements with the same label, in order."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    starts = np.r_[True, sorted_labels[1:] != sorted_labels[:-1]]
    begin = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - begin
    return rank


def _members(texts: pa.Table, corpus: Corpus, boilerplate: npt.NDArray[np.bool_]) -> list[Member]:
    """Each row as an alignment member: sentences with keys, boilerplate (`boilerplate`, per
    sentence of `corpus`) and empty ones out."""
    n = texts.num_rows
    offsets, data = offsets_and_bytes(ad_texts(texts))
    # Sentences tile their text, so the texts' bytes with sentence offsets are a string array.
    owner = corpus.sentence_ad
    starts = offsets[:-1][owner] + corpus.sentence_start
    sentence_offsets = np.r_[starts, offsets[-1]].astype(np.int64)
    sentences = pa.Array.from_buffers(
        pa.large_string(),
        len(owner),
        [None, pa.py_buffer(sentence_offsets), pa.py_buffer(data)],
    )
    hashes = corpus.sentence_hash
    kept = (hashes != 0) & ~boilerplate
    kept_text = sentences.filter(pa.array(kept)).to_pylist()
    kept_keys = hashes[kept].tolist()
    ends = np.cumsum(np.bincount(owner[kept], minlength=n)).tolist()
    cities = _column_values(texts, "city")
    members: list[Member] = []
    begin = 0
    for end, city in zip(ends, cities, strict=True):
        members.append(Member(kept_text[begin:end], kept_keys[begin:end], city))
        begin = end
    return members


def _one_of_each(keys: U64, owner: I64, shingles: U64) -> I64:
    """An index of each distinct value of `keys`, hashes of (owner, shingle) pairs.

    A plain sort is several times faster than the stable one `np.unique` uses to return first
    indices; any index of a key will do unless two different pairs share a key (a hash
    collision), which is checked, and then the first ones are taken as before."""
    order = np.argsort(keys)
    sorted_keys = keys[order]
    repeat = np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1])
    if len(repeat) and (
        np.any(owner[order[repeat]] != owner[order[repeat + 1]])
        or np.any(shingles[order[repeat]] != shingles[order[repeat + 1]])
    ):
        _, first = np.unique(keys, return_index=True)
        return np.asarray(first, dtype=np.int64)
    distinct = np.ones(len(keys), dtype=bool)
    distinct[repeat + 1] = False
    return np.asarray(order[distinct], dtype=np.int64)


def _spans(starts: I64, lengths: I64) -> I64:
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    return np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)


def _column_values(table: pa.Table, name: str) -> list[str]:
    if name not in table.column_names:
        return [""] * table.num_rows
    values = table.column(name).to_pylist()
    return [v if isinstance(v, str) else "" for v in values]


def _representatives(
    labels: I64, corpus: Corpus, boilerplate: npt.NDArray[np.bool_], opts: TemplateOptions
) -> I64:
    """Per template, the position of the member most like the others (rows grouped by label).

    A member's score is the mean, over its distinct shingles, of how many members of its
    template share that shingle: the medoid under shingle overlap, found without pairs.
    Ties go to the earliest member (canonical order). `boilerplate` flags the sentences of
    `corpus` left out.
    """
    m = len(labels)
    keep = ~boilerplate[corpus.token_sentence]
    owner = corpus.sentence_ad[corpus.token_sentence][keep]
    shingles, offsets = shingle_hashes(corpus.token_hash[keep], owner, m, k=opts.shingle_size)
    owner_of = np.repeat(np.arange(m, dtype=np.int64), np.diff(offsets))
    with np.errstate(over="ignore"):
        own_key = mix64(shingles ^ (owner_of.astype(np.uint64) * _GOLDEN))
        first = _one_of_each(own_key, owner_of, shingles)
        d_owner, d_shingle = owner_of[first], shingles[first]
        label_key = mix64(d_shingle ^ (labels[d_owner].astype(np.uint64) * _SALT))
    # Each distinct (template, shingle) adds its member count to each of its members' scores
    # (sums of whole numbers, exact in any order).
    order = np.argsort(label_key)
    sorted_keys = label_key[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    counts = np.diff(np.r_[starts, len(sorted_keys)])
    share = np.repeat(counts, counts).astype(np.float64)
    score = np.bincount(d_owner[order], weights=share, minlength=m)
    size = np.bincount(d_owner, minlength=m)
    mean = np.divide(score, size, out=np.zeros(m), where=size > 0)
    ranked = np.lexsort((np.arange(m), -mean, labels))
    first_of_label = np.r_[True, labels[ranked][1:] != labels[ranked][:-1]]
    return np.asarray(ranked[first_of_label], dtype=np.int64)
