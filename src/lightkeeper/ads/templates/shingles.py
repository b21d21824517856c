"""Ad text to sentences, tokens and word shingles, as flat arrays, at byte level with numpy.

Every step runs over a whole batch at once on the UTF-8 bytes of the texts, because a Python
loop over ads (or even a dozen regex passes) would spend the whole time budget of the stage.
The text of an ad is its title and body, NFKC-normalised. It is cut into sentences (at line
breaks, ``;``, ``|``, bullets, and ``. ! ?`` followed by a space); each sentence into words
(runs of letters and digits, lower-cased). Masking makes the slots of a template equal: a word
holding a digit, a spelled digit ("seven", "siete") and a run of such words count as one
number token (phones, prices, ages, however obfuscated); a whitespace-separated chunk holding
``@`` is one email or handle token, one holding ``://`` or starting ``www.`` one URL token.
Punctuation, emoji and symbols separate words and are otherwise dropped.

Each word, and each sentence (from its words), gets a 64-bit hash that depends only on its
content, so hashes agree across batches, processes and engines.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from lightkeeper.engine.arrays import mix64

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
Bools = npt.NDArray[np.bool_]

# Byte classes.
_SPACE, _WORD, _DIGIT, _BREAK, _END, _AT, _PUNCT = range(7)

# Odd 64-bit constants (golden ratio, FNV); any odd values would do.
_POLY = np.uint64(0x100000001B3)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_BLOCK_BITS = 12

SPELLED_DIGITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "cero",
    "uno",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
]


def _byte_classes() -> U8:
    table = np.full(256, _PUNCT, dtype=np.uint8)
    table[[ord(c) for c in " \t\v\f"]] = _SPACE
    table[ord("a") : ord("z") + 1] = _WORD
    table[ord("A") : ord("Z") + 1] = _WORD
    table[ord("0") : ord("9") + 1] = _DIGIT
    table[[ord(c) for c in "\n\r;|"]] = _BREAK
    table[[ord(c) for c in ".!?"]] = _END
    table[ord("@")] = _AT
    table[0x80:] = _WORD  # bytes of non-ASCII characters; symbols are re-classed below
    return table


_CLASSES = _byte_classes()


@dataclass(frozen=True, slots=True)
class Tokenised:
    """Sentences and tokens of a batch of texts, flat.

    Sentence i belongs to text `sentence_text[i]` and spans bytes `sentence_start[i]` to
    `sentence_end[i]` of that text's UTF-8 encoding (its break included); `sentence_hash[i]` is
    0 for a sentence with no word. `sentence_shape[i]` is a key that tolerates typos and names
    (see `_sentence_shapes`). Token j belongs to sentence `token_sentence[j]`, in order.
    """

    sentence_text: I64
    sentence_start: I64
    sentence_end: I64
    sentence_hash: U64
    sentence_shape: U64
    token_sentence: I64
    token_hash: U64


def ad_texts(ads: pa.Table) -> pa.Array:
    """Title and body of each ad joined by a line break (just one of them when the other is
    empty), NFKC-normalised; '' where both are empty."""
    nothing = pa.array([""] * ads.num_rows, pa.string())
    title, body = (pc.fill_null(_column_or(ads, name, nothing), "") for name in ("title", "body"))
    both = pc.binary_join_element_wise(title, body, "\n")
    # (join's null_handling="skip" miscounts rows when a column is all null, so no nulls here)
    joined = pc.if_else(pc.equal(title, ""), body, pc.if_else(pc.equal(body, ""), title, both))
    return _nfkc(_combined(joined))


def _nfkc(texts: pa.Array) -> pa.Array:
    """NFKC of each text. ASCII texts are already normalised and are left alone; the others go
    through CPython's `unicodedata`, about twice as fast as Arrow's kernel on ad texts (its
    quick check skips texts that need no change)."""
    plain = pc.string_is_ascii(texts)
    if pc.all(plain).as_py() is not False:
        return texts
    mask = pc.invert(plain)
    normalised = [unicodedata.normalize("NFKC", t) for t in texts.filter(mask).to_pylist()]
    return _combined(pc.replace_with_mask(texts, mask, pa.array(normalised, texts.type)))


def _column_or(ads: pa.Table, name: str, default: pa.Array) -> pa.Array:
    if name not in ads.column_names:
        return default
    return _combined(ads.column(name).cast(pa.string()))


def _combined(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    return values


def sorted_unique(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The distinct values, sorted: by sorting, which beats np.unique's hash table on large
    integer arrays."""
    ordered = np.sort(values)
    if len(ordered) == 0:
        return ordered
    return np.asarray(ordered[np.r_[True, ordered[1:] != ordered[:-1]]])


def sequence_hashes(values: U64, starts: I64, ends: I64) -> U64:
    """A 64-bit hash of each slice ``values[starts[i]:ends[i]]``; 0 for an empty slice.

    A polynomial hash computed for all slices at once from prefix sums (x * P**i summed, then
    shifted back by P**-start, which exists because P is odd), then mixed with the length.
    """
    size = len(values)
    out = np.zeros(len(starts), dtype=np.uint64)
    if size == 0 or len(starts) == 0:
        return out
    with np.errstate(over="ignore"):
        prefix = np.zeros(size + 1, dtype=np.uint64)
        np.cumsum(values * _leading_powers(_POLY, size), out=prefix[1:])
        sums = prefix[ends] - prefix[starts]
        shifted = sums * _powers(_inverse64(_POLY), starts)
        lengths = (ends - starts).astype(np.uint64)
        hashed = mix64(shifted + lengths * _GOLDEN)
    return np.where(ends > starts, hashed, np.uint64(0))


def _powers(base: np.uint64, exponents: I64) -> U64:
    """base ** exponents (mod 2**64), from two small tables instead of one per exponent."""
    block = 1 << _BLOCK_BITS
    top = int(exponents.max()) >> _BLOCK_BITS if len(exponents) else 0
    with np.errstate(over="ignore"):
        low = np.cumprod(np.r_[np.uint64(1), np.full(block - 1, base, dtype=np.uint64)])
        step = low[-1] * base
        high = np.cumprod(np.r_[np.uint64(1), np.full(top, step, dtype=np.uint64)])
        return np.asarray(
            low[exponents & (block - 1)] * high[exponents >> _BLOCK_BITS], dtype=np.uint64
        )


def _leading_powers(base: np.uint64, count: int) -> U64:
    """base ** 0 .. base ** (count - 1) (mod 2**64), as an outer product of two small tables."""
    block = 1 << _BLOCK_BITS
    rows = -(-count // block)
    with np.errstate(over="ignore"):
        low = np.cumprod(np.r_[np.uint64(1), np.full(block - 1, base, dtype=np.uint64)])
        step = low[-1] * base
        high = np.cumprod(np.r_[np.uint64(1), np.full(max(0, rows - 1), step, dtype=np.uint64)])
        return np.asarray((high[:, None] * low[None, :]).reshape(-1)[:count], dtype=np.uint64)


def _inverse64(value: np.uint64) -> np.uint64:
    return np.uint64(pow(int(value), -1, 1 << 64))


def string_hashes(strings: pa.Array) -> U64:
    """A 64-bit hash of each string's UTF-8 bytes, vectorised; 0 for null or ''."""
    if len(strings) == 0:
        return np.zeros(0, dtype=np.uint64)
    offsets, data = offsets_and_bytes(strings)
    base = int(offsets[0])
    body = data[base : int(offsets[-1])].astype(np.uint64) + np.uint64(1)
    return sequence_hashes(body, offsets[:-1] - base, offsets[1:] - base)


def offsets_and_bytes(strings: pa.Array) -> tuple[I64, U8]:
    """The offsets (int64) and UTF-8 bytes of an Arrow string array, without copying bytes."""
    if not pa.types.is_large_string(strings.type):
        strings = strings.cast(pa.string())
    width = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    buffers = strings.buffers()
    raw_offsets = np.frombuffer(buffers[1], dtype=width)
    offsets = raw_offsets[strings.offset : strings.offset + len(strings) + 1].astype(np.int64)
    data = (
        np.frombuffer(buffers[2], dtype=np.uint8)
        if buffers[2] is not None
        else np.zeros(0, dtype=np.uint8)
    )
    return offsets, data


_NUMBER = mix64(np.array([1], dtype=np.uint64))[0]
_EMAIL = mix64(np.array([2], dtype=np.uint64))[0]
_HANDLE = mix64(np.array([3], dtype=np.uint64))[0]
_URL = mix64(np.array([4], dtype=np.uint64))[0]


def tokenise(texts: pa.Array) -> Tokenised:
    """Sentences and masked, hashed words of each text (see the module docstring)."""
    offsets, data = offsets_and_bytes(texts)
    base = int(offsets[0]) if len(offsets) else 0
    raw = data[base : int(offsets[-1])] if len(offsets) else np.zeros(0, dtype=np.uint8)
    text_start = offsets[:-1] - base
    size = len(raw)
    lowered = _lowered(raw)
    cls = _classes(raw)
    first = np.zeros(size, dtype=bool)
    first[text_start[text_start < size]] = True
    sentence_begin = _sentence_begins(raw, cls, first)
    begins = np.flatnonzero(sentence_begin)
    ends = np.r_[begins[1:], size]
    token_sentence, token_hash, capital = _words(raw, lowered, cls, sentence_begin, begins)
    sentence_hash = _sentence_hashes(token_sentence, token_hash, len(begins))
    sentence_shape = _sentence_shapes(token_sentence, token_hash, capital, len(begins))
    owner = np.searchsorted(text_start, begins, side="right") - 1
    return Tokenised(
        sentence_text=owner,
        sentence_start=begins - text_start[owner],
        sentence_end=ends - text_start[owner],
        sentence_hash=sentence_hash,
        sentence_shape=sentence_shape,
        token_sentence=token_sentence,
        token_hash=token_hash,
    )


def _lowered(raw: U8) -> U8:
    """ASCII and Latin-1 capitals (À..Þ, as in Spanish) lower-cased, byte lengths kept."""
    out = raw.copy()
    out[(raw >= ord("A")) & (raw <= ord("Z"))] += 32
    latin = np.flatnonzero(raw[:-1] == 0xC3) + 1 if len(raw) > 1 else np.zeros(0, np.int64)
    follow = raw[latin]
    upper = latin[(follow >= 0x80) & (follow <= 0x9E) & (follow != 0x97)]
    out[upper] += 0x20
    return out


def _classes(raw: U8) -> U8:
    """Class of each byte; a multi-byte character takes the class of its lead byte."""
    cls = _CLASSES[raw]
    wide = np.flatnonzero(raw >= 0x80)
    if len(wide) == 0:
        return cls
    wide_bytes = raw[wide]
    is_lead = wide_bytes >= 0xC0
    lead_at = np.maximum.accumulate(np.where(is_lead, np.arange(len(wide)), 0))
    lead_pos = wide[lead_at]  # position of the lead byte of each non-ASCII byte's character
    lead = raw[lead_pos]
    last = len(raw) - 1
    second = raw[np.minimum(lead_pos + 1, last)]
    third = raw[np.minimum(lead_pos + 2, last)]
    char_cls = np.full(len(wide), _WORD, dtype=np.uint8)
    # Symbols, emoji, dingbats, variation selectors and Latin-1 punctuation are not letters.
    symbol = (lead == 0xE2) | (lead >= 0xF0) | ((lead == 0xC2) & (second < 0xC0))
    symbol |= (lead == 0xEF) & (second == 0xB8)
    symbol |= lead < 0xC0  # a stray continuation byte
    char_cls[symbol] = _PUNCT
    # Bullets (• U+2022, · U+00B7) separate phrases like line breaks.
    bullet = ((lead == 0xE2) & (second == 0x80) & (third == 0xA2)) | (
        (lead == 0xC2) & (second == 0xB7)
    )
    char_cls[bullet] = _BREAK
    cls[wide] = char_cls
    return cls


def _sentence_begins(raw: U8, cls: U8, first: Bools) -> Bools:
    """Where each sentence begins: at each text's start, and at the first byte after a break
    that is not a space or line break (so those stay with the sentence they follow)."""
    size = len(cls)
    begin = first.copy()
    if size == 0:
        return begin
    nxt = np.r_[cls[1:], np.uint8(_SPACE)]
    next_first = np.r_[first[1:], True]
    # A break ends after its character's last byte (bullets are three bytes).
    last_byte = np.r_[(raw[1:] & 0xC0) != 0x80, True]
    ends = np.flatnonzero(
        last_byte
        & ((cls == _BREAK) | ((cls == _END) & ((nxt == _SPACE) | (nxt == _BREAK) | next_first)))
    )
    if len(ends) == 0:
        return begin
    solid = (cls != _SPACE) & (cls != _BREAK)
    run_starts = np.flatnonzero(solid & np.r_[True, ~solid[:-1]])
    following = np.minimum(ends + 1, size - 1)
    after = np.searchsorted(run_starts, ends, side="right")
    found = (after < len(run_starts)) | solid[following]
    ends = ends[found]
    candidate = np.where(
        solid[following[found]],
        following[found],
        run_starts[np.minimum(after[found], len(run_starts) - 1)],
    )
    text_starts = np.flatnonzero(first)
    same_text = np.searchsorted(text_starts, candidate, side="right") == np.searchsorted(
        text_starts, ends, side="right"
    )
    same_text &= candidate > ends
    begin[candidate[same_text]] = True
    return begin


def _words(
    raw: U8, lowered: U8, cls: U8, sentence_begin: Bools, begins: I64
) -> tuple[I64, U64, Bools]:
    """The masked word tokens in text order: (sentence, hash, capitalised) of each."""
    size = len(cls)
    empty = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=bool)
    if size == 0:
        return empty
    chunk_byte = (cls != _SPACE) & (cls != _BREAK)
    chunk_begin = chunk_byte & (np.r_[True, ~chunk_byte[:-1]] | sentence_begin)
    word_byte = (cls == _WORD) | (cls == _DIGIT)
    boundary = sentence_begin | chunk_begin
    starts = np.flatnonzero(word_byte & (np.r_[True, ~word_byte[:-1]] | boundary))
    if len(starts) == 0:
        return empty
    stops = np.flatnonzero(word_byte & np.r_[~word_byte[1:] | boundary[1:], True]) + 1
    # Segments [starts[i], starts[i+1]) hold word i and the separators after it; separators
    # are zeroed so the segment sums below only see the word's own bytes.
    hashes = _segment_hashes(lowered, word_byte, starts, stops - starts)
    digit_word = np.zeros(len(starts), dtype=bool)
    digit_word[np.searchsorted(starts, np.flatnonzero(cls == _DIGIT), side="right") - 1] = True
    hashes[digit_word | np.isin(hashes, _SPELLED)] = _NUMBER
    sentence = _owner_of(begins, starts)
    # A chunk with @ or :// (or starting www.) is one email, handle or URL token: the chunk's
    # first word takes the kind's hash and its other words go.
    keep = np.ones(len(starts), dtype=bool)
    chunk_starts = np.flatnonzero(chunk_begin)
    kind = _special_chunks(lowered, cls, chunk_starts, chunk_byte)
    special = np.flatnonzero(kind)
    if len(special):
        chunk_ends = np.r_[chunk_starts[1:], size][special]
        lo = np.searchsorted(starts, chunk_starts[special])
        hi = np.searchsorted(starts, chunk_ends)
        has_word = hi > lo
        inside = _ranges(lo[has_word], (hi - lo)[has_word])
        keep[inside] = False
        keep[lo[has_word]] = True
        hashes[lo[has_word]] = _KIND_HASH[kind[special[has_word]]]
    # Consecutive numbers are one slot (a phone written in groups, digits between words).
    keep &= ~(
        np.r_[False, (hashes[1:] == _NUMBER) & (hashes[:-1] == _NUMBER)]
        & np.r_[False, sentence[1:] == sentence[:-1]]
    )
    capital = _capitalised(raw, starts) & (hashes != _NUMBER) & ~np.isin(hashes, _KIND_HASH)
    return sentence[keep], hashes[keep], capital[keep]


def _capitalised(raw: U8, starts: I64) -> Bools:
    """Whether each word starts with a capital (ASCII, or Latin-1 such as Á, Ñ)."""
    first = raw[starts]
    second = raw[np.minimum(starts + 1, len(raw) - 1)]
    ascii_upper = (first >= ord("A")) & (first <= ord("Z"))
    latin_upper = (first == 0xC3) & (second >= 0x80) & (second <= 0x9E) & (second != 0x97)
    return np.asarray(ascii_upper | latin_upper)


def _owner_of(begins: I64, positions: I64) -> I64:
    """Index of the segment (begun at sorted `begins`) holding each sorted position."""
    increments = np.bincount(np.searchsorted(positions, begins), minlength=len(positions) + 1)[
        : len(positions)
    ]
    return np.cumsum(increments) - 1


def _ranges(starts: I64, lengths: I64) -> I64:
    """Concatenation of arange(start, start + length) for each pair, vectorised."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + (np.arange(total) - offsets)


def _segment_hashes(data: U8, word_byte: Bools, starts: I64, lengths: I64) -> U64:
    """`sequence_hashes` of the words starting at `starts` (bytes outside words are skipped)."""
    values = data.astype(np.uint64)
    values += np.uint64(1)
    np.multiply(values, word_byte, out=values, casting="unsafe")
    with np.errstate(over="ignore"):
        np.multiply(values, _leading_powers(_POLY, len(values)), out=values)
        sums = np.add.reduceat(values, starts)
        shifted = sums * _powers(_inverse64(_POLY), starts)
        return mix64(shifted + lengths.astype(np.uint64) * _GOLDEN)


def _special_chunks(lowered: U8, cls: U8, starts: I64, chunk_byte: Bools) -> I64:
    """Per whitespace chunk (begun at `starts`): 0 plain, 1 email, 2 handle, 3 URL."""
    n = len(starts)

    def chunks_with(where: I64) -> Bools:
        hit = np.zeros(n, dtype=bool)
        hit[np.searchsorted(starts, where[chunk_byte[where]], side="right") - 1] = True
        return hit

    has_at = chunks_with(np.flatnonzero(cls == _AT))
    at_first = cls[starts] == _AT
    colon = np.flatnonzero(lowered[:-2] == ord(":")) if len(lowered) > 2 else starts[:0]
    has_scheme = chunks_with(
        colon[(lowered[colon + 1] == ord("/")) & (lowered[colon + 2] == ord("/"))]
    )
    www = np.zeros(n, dtype=bool)
    ok = starts + 3 < len(lowered)
    probe = starts[ok]
    www[ok] = (
        (lowered[probe] == ord("w"))
        & (lowered[probe + 1] == ord("w"))
        & (lowered[probe + 2] == ord("w"))
        & (lowered[probe + 3] == ord("."))
    )
    kind = np.zeros(n, dtype=np.int64)
    kind[has_scheme | www] = 3
    kind[has_at & ~at_first & (kind == 0)] = 1
    kind[has_at & at_first & (kind == 0)] = 2
    return kind


_KIND_HASH = np.array([0, _EMAIL, _HANDLE, _URL], dtype=np.uint64)


def _sentence_shapes(token_sentence: I64, token_hash: U64, capital: Bools, n_sentences: int) -> U64:
    """A typo- and persona-tolerant sentence key: the smallest hash of its words, capitalised
    words after the first (names, cities) left out.

    Two sentences get the same shape with a probability equal to the Jaccard similarity of
    their word sets (a MinHash of one permutation), so a typo rarely changes it."""
    shapes = np.zeros(n_sentences, dtype=np.uint64)
    if len(token_sentence) == 0:
        return shapes
    initial = np.r_[True, token_sentence[1:] != token_sentence[:-1]]
    words = np.where(capital & ~initial, np.uint64(0xFFFFFFFFFFFFFFFF), token_hash)
    starts = np.flatnonzero(initial)
    shapes[token_sentence[starts]] = np.minimum.reduceat(words, starts)
    return shapes


def _sentence_hashes(token_sentence: I64, token_hash: U64, n_sentences: int) -> U64:
    counts = np.bincount(token_sentence, minlength=n_sentences)
    ends = np.cumsum(counts)
    return sequence_hashes(token_hash, ends - counts, ends)


def word_hashes(words: list[str]) -> U64:
    """The token hash of each lower-case word, as `tokenise` computes it."""
    return string_hashes(pa.array(words, pa.string()))


_SPELLED = np.sort(word_hashes(SPELLED_DIGITS))


def shingle_hashes(
    tokens: U64,
    owner: I64,
    n_owners: int,
    *,
    k: int,
    boilerplate: Bools | None = None,
) -> tuple[U64, I64]:
    """Hashes of the k-word shingles of each owner's token sequence, grouped by owner.

    `tokens` must be grouped by `owner` (non-decreasing). Returns (hashes, offsets) where owner j's
    shingles are hashes[offsets[j]:offsets[j+1]]. An owner with 1..k-1 tokens gets one shingle of
    all its tokens, so short texts still compare; an owner with none gets no shingle.

    With `boilerplate` (whether each token lies in a boilerplate sentence), shingles made only
    of boilerplate tokens are left out, within a sentence or across a pasted block of them;
    shingles joining boilerplate to the ad's own words stay (they are as rare as those words).
    """
    count = len(tokens)
    if count == 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(n_owners + 1, dtype=np.int64)
    padded_tok = np.concatenate([tokens, np.zeros(k - 1, dtype=np.uint64)])
    padded_own = np.concatenate([owner, np.full(k - 1, -1, dtype=np.int64)])
    combined = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        weights = mix64(np.arange(1, k + 1, dtype=np.uint64) * _GOLDEN) | np.uint64(1)
        for j in range(k):
            same = padded_own[j : j + count] == owner
            combined += np.where(same, padded_tok[j : j + count], np.uint64(0)) * weights[j]
    full = padded_own[k - 1 : k - 1 + count] == owner
    per_owner = np.bincount(owner, minlength=n_owners)
    first = np.r_[True, owner[1:] != owner[:-1]]
    short = first & (per_owner[owner] < k)
    keep = full | short
    if boilerplate is not None:
        # Drop shingles made only of boilerplate words: a run of k boilerplate tokens.
        run = np.r_[0, np.cumsum(boilerplate.astype(np.int64))]
        span = np.where(short, per_owner[owner], k)
        last = np.minimum(np.arange(count) + span, count)
        keep &= ~((run[last] - run[:count]) == (last - np.arange(count)))
    hashes = mix64(combined[keep])
    offsets = np.zeros(n_owners + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner[keep], minlength=n_owners), out=offsets[1:])
    return hashes, offsets
