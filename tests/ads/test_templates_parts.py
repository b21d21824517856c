"""The steps of template clustering alone: tokens, hashes, MinHash, LSH, boilerplate, slots."""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightkeeper.ads.templates.align import Member, build_template, masked_form, slot_name, tokens
from lightkeeper.ads.templates.boilerplate import BoilerplateOptions, learn_boilerplate
from lightkeeper.ads.templates.lsh import band_keys, candidate_pairs
from lightkeeper.ads.templates.minhash import EMPTY, estimated_similarity, minhash_signatures
from lightkeeper.ads.templates.shingles import (
    shingle_hashes,
    string_hashes,
    tokenise,
    word_hashes,
)


def sentence_hashes(texts: list[str]) -> list[int]:
    return [int(h) for h in tokenise(pa.array(texts)).sentence_hash]


@pytest.mark.parametrize(
    "written",
    [
        "Call me at 713.555.0199 now",
        "call me at (713) 555-0123 now",
        "Call me at +1 713 555 0123 now",
        "Call me at seven one three 555 0123 now",
        "Call me at 7️⃣1️⃣3️⃣5️⃣5️⃣5️⃣0️⃣1️⃣2️⃣3️⃣ now",
        "Call me at ７１３５５５０１２３ now",
        "Call me at 7I3-555-O123 now",
        "CALL ME AT 713*555*0123 NOW",
    ],
)
def test_phones_however_written_are_one_slot(written: str) -> None:
    from lightkeeper.ads.templates.shingles import ad_texts

    plain = "Call me at 555 0100 now"
    table = pa.table({"body": [plain, written]})
    a, b = sentence_hashes(ad_texts(table).to_pylist())
    assert a == b != 0


def test_emails_handles_and_urls_are_masked() -> None:
    a, b = sentence_hashes(
        [
            "Write ana@mail.com or @ana_x, see https://a.example/x today",
            "write bob.smith@example.org or @bob, see www.b.example today",
        ]
    )
    assert a == b


def test_names_change_the_key_but_not_the_shape() -> None:
    tok = tokenise(pa.array(["Hi, I am Ana, new in Houston.", "Hi, I am Bella, new in Dallas."]))
    assert tok.sentence_hash[0] != tok.sentence_hash[1]
    assert tok.sentence_shape[0] == tok.sentence_shape[1]


def test_sentences_tile_the_text_and_split_at_breaks() -> None:
    texts = ["Hi! I am Ana. Call 555 0100.\nNo law enforcement • Serious only; thanks", "", "😀"]
    tok = tokenise(pa.array(texts))
    for i, text in enumerate(texts):
        encoded = text.encode()
        spans = [
            (s, e)
            for s, e, t in zip(tok.sentence_start, tok.sentence_end, tok.sentence_text, strict=True)
            if t == i
        ]
        assert b"".join(encoded[s:e] for s, e in spans) == encoded
    first = texts[0].encode()
    pieces = [
        first[s:e].decode().strip()
        for s, e in zip(tok.sentence_start, tok.sentence_end, strict=True)
    ][:6]
    assert pieces == [
        "Hi!",
        "I am Ana.",
        "Call 555 0100.",
        "No law enforcement •",
        "Serious only;",
        "thanks",
    ]


def test_string_hashes_depend_only_on_content() -> None:
    a = string_hashes(pa.array(["abc", "", None, "hello world", "abc"]))
    b = string_hashes(pa.array(["x", "hello world", "abc"]).slice(1))
    c = string_hashes(pa.array(["abc", "hello world"], pa.large_string()))
    assert a[0] == a[4] == b[1] == c[0]
    assert a[3] == b[0] == c[1]
    assert a[1] == a[2] == 0
    assert len(set(string_hashes(pa.array([f"w{i}" for i in range(10_000)])).tolist())) == 10_000


def test_word_hashes_match_tokenised_words() -> None:
    tok = tokenise(pa.array(["sweet classy"]))
    assert tok.token_hash.tolist() == word_hashes(["sweet", "classy"]).tolist()


def test_short_texts_get_one_shingle_and_boilerplate_only_shingles_go() -> None:
    tokens_ = np.arange(1, 8, dtype=np.uint64)
    owner = np.array([0, 0, 1, 1, 1, 1, 1])
    _, offsets = shingle_hashes(tokens_, owner, 3, k=3)
    assert np.diff(offsets).tolist() == [1, 3, 0]
    flagged = np.array([False, False, True, True, True, False, False])
    _, kept = shingle_hashes(tokens_, owner, 3, k=3, boilerplate=flagged)
    assert np.diff(kept).tolist() == [1, 2, 0]


def random_sets(rng: random.Random, pairs: int) -> tuple[list[set[int]], np.ndarray, np.ndarray]:
    sets: list[set[int]] = []
    for _ in range(pairs):
        base = {rng.getrandbits(63) for _ in range(rng.randint(20, 200))}
        keep = rng.random()
        other = {x for x in base if rng.random() < keep} | {
            rng.getrandbits(63) for _ in range(rng.randint(0, 50))
        }
        sets += [base, other or {1}]
    hashes = np.array([x for s in sets for x in sorted(s)], dtype=np.uint64)
    offsets = np.r_[0, np.cumsum([len(s) for s in sets])].astype(np.int64)
    return sets, hashes, offsets


@pytest.mark.parametrize("method", ["oph", "perm"])
def test_minhash_estimates_jaccard(method: str) -> None:
    sets, hashes, offsets = random_sets(random.Random(4), 300)
    sig = minhash_signatures(hashes, offsets, num_perm=128, method=method)  # type: ignore[arg-type]
    left = np.arange(0, len(sets), 2)
    estimate = estimated_similarity(sig, left, left + 1)
    exact = np.array([len(sets[i] & sets[i + 1]) / len(sets[i] | sets[i + 1]) for i in left])
    assert abs(float(np.mean(estimate - exact))) < 0.02
    assert float(np.std(estimate - exact)) < 0.07


def test_minhash_is_seeded_and_empty_sets_are_empty() -> None:
    hashes = np.arange(1, 11, dtype=np.uint64)
    offsets = np.array([0, 10, 10], dtype=np.int64)
    a = minhash_signatures(hashes, offsets, num_perm=64, seed=3)
    assert np.array_equal(a, minhash_signatures(hashes, offsets, num_perm=64, seed=3))
    assert not np.array_equal(a, minhash_signatures(hashes, offsets, num_perm=64, seed=4))
    assert (a[1] == EMPTY).all()
    with pytest.raises(ValueError, match="power of two"):
        minhash_signatures(hashes, offsets, num_perm=100)


def test_lsh_pairs_stay_linear_in_a_huge_bucket() -> None:
    rows = 5000
    sig = np.tile(np.arange(64, dtype=np.uint32), (rows, 1))
    keys, usable = band_keys(sig, bands=16)
    left, right = candidate_pairs(keys, usable)
    assert len(left) <= 2 * (rows - 1)
    assert (left < right).all()
    assert set(left.tolist()) | set(right.tolist()) == set(range(rows))


def test_lsh_ignores_empty_bands_and_checks_shape() -> None:
    sig = np.full((3, 8), EMPTY, dtype=np.uint32)
    sig[0, :2] = sig[1, :2] = 7
    keys, usable = band_keys(sig, bands=4)
    assert usable.tolist() == [[True, False, False, False]] * 2 + [[False] * 4]
    left, right = candidate_pairs(keys, usable)
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 1)]
    with pytest.raises(ValueError, match="divide"):
        band_keys(sig, bands=3)


def boilerplate_corpus() -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """Sentence ids per ad: a disclaimer in 60 unrelated ads, one operator's template in 60."""
    ids = {"disclaimer": 1, "block": 2, "core1": 3, "core2": 4, "core3": 5, "rare": 6}
    ads: list[list[int]] = []
    for i in range(60):  # unrelated advertisers: own sentences, the same two disclaimer lines
        ads.append([100 + 3 * i, 101 + 3 * i, ids["disclaimer"], ids["block"]])
    for i in range(60):  # one operator: the same core, an optional sentence, a varying line
        ads.append([ids["core1"], ids["core2"], ids["core3"], 9000 + i % 3])
    ads.append([ids["rare"], 7])
    ads.append([ids["rare"], 8])
    sentence_ad = np.repeat(np.arange(len(ads)), [len(a) for a in ads])
    sentence_hash = np.array([h for a in ads for h in a], dtype=np.uint64)
    keys = np.arange(len(ads), dtype=np.uint64) * np.uint64(2654435761)
    return sentence_ad, sentence_hash, keys, ids


def test_boilerplate_is_learned_from_spread_not_frequency() -> None:
    sentence_ad, sentence_hash, keys, ids = boilerplate_corpus()
    learned = learn_boilerplate(sentence_ad, sentence_hash, keys)
    found = set(learned.hashes.tolist())
    assert {ids["disclaimer"], ids["block"]} <= found
    assert not found & {ids["core1"], ids["core2"], ids["core3"], ids["rare"]}
    assert (learned.ad_counts == 60).all()
    assert (learned.related <= 0.2).all()


def test_boilerplate_does_not_depend_on_row_order() -> None:
    sentence_ad, sentence_hash, keys, _ = boilerplate_corpus()
    perm = np.random.default_rng(1).permutation(len(keys))
    inverse = np.argsort(perm)
    shuffled = learn_boilerplate(inverse[sentence_ad], sentence_hash, keys[perm])
    assert (
        shuffled.hashes.tolist()
        == learn_boilerplate(sentence_ad, sentence_hash, keys).hashes.tolist()
    )


def test_boilerplate_needs_enough_ads() -> None:
    sentence_ad, sentence_hash, keys, _ = boilerplate_corpus()
    learned = learn_boilerplate(
        sentence_ad, sentence_hash, keys, options=BoilerplateOptions(min_ads=61)
    )
    assert len(learned.hashes) == 0


def member(text: str, city: str = "") -> Member:
    tok = tokenise(pa.array([text]))
    encoded = text.encode()
    sentences = [
        encoded[s:e].decode() for s, e in zip(tok.sentence_start, tok.sentence_end, strict=True)
    ]
    return Member(sentences, tok.sentence_hash.tolist(), city)


def test_template_has_named_slots_where_members_differ() -> None:
    members = [
        member(
            "Hi I am Ana, 23 years, call (713) 555-0123 now. Sweet companion in Houston.", "Houston"
        ),
        member(
            "Hi I am Bella, 25 years, call 713.555.9999 now. Sweet companion in Dallas.", "Dallas"
        ),
        member(
            "Hi I am Carla, 21 yo, call +1 713 555 4444 now! Sweet companion in Miami.", "Miami"
        ),
    ]
    template = build_template(members, representative=0)
    assert template.text == (
        "Hi I am {{name}}, {{age}} years, call {{phone}} now. Sweet companion in {{city}}."
    )
    assert template.slots["name"] == ["Ana", "Bella", "Carla"]
    assert set(template.slots["phone"]) == {"(713) 555-0123", "713.555.9999", "+1 713 555 4444"}
    assert set(template.slots["city"]) == {"Houston", "Dallas", "Miami"}


def test_template_keeps_what_most_members_share() -> None:
    members = [
        member("Sweet and classy. Extra line here. Call 555 0100."),
        member("Sweet and classy. Call 555 0101."),
        member("Sweet and classy. Call 555 0102."),
    ]
    template = build_template(members, representative=0)
    assert "Extra line" not in template.text
    assert template.text == "Sweet and classy. Call {{phone}}."


@pytest.mark.parametrize(
    ("values", "name"),
    [
        (["(713) 555-0123", "713 555 9999"], "phone"),
        (["seven one three five five five one two"], "phone"),
        (["ana@mail.com", "bo@x.org"], "email"),
        (["@ana", "@bob"], "handle"),
        (["$200", "150 roses"], "price"),
        (["Ana", "Bella Rose"], "name"),
        (["Houston", "Dallas"], "city"),
        (["12", "7"], "number"),
        (["very sweet", "kind and warm"], "text"),
        ([], "text"),
    ],
)
def test_slot_names(values: list[str], name: str) -> None:
    assert slot_name(values, {"houston", "dallas"}) == name


def test_masked_form_and_tokens() -> None:
    assert masked_form("Call 555 0100, $200/hr, ana@mail.com") == (
        "Call {{phone}}, {{price}}/hr, {{email}}"
    )
    assert [t.kind for t in tokens("I'm 23 years")] == ["word", "age", "word"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=200), max_size=8))
def test_tokenise_never_raises_and_spans_tile(texts: list[str]) -> None:
    tok = tokenise(pa.array(texts, pa.string()))
    assert len(tok.sentence_hash) == len(tok.sentence_shape) == len(tok.sentence_text)
    for i, text in enumerate(texts):
        encoded = text.encode("utf-8", "surrogatepass")
        spans = [
            (s, e)
            for s, e, t in zip(tok.sentence_start, tok.sentence_end, tok.sentence_text, strict=True)
            if t == i
        ]
        assert sum(e - s for s, e in spans) == len(encoded)
    if len(tok.token_sentence):
        assert (np.diff(tok.token_sentence) >= 0).all()


def test_corpus_arrays_do_not_depend_on_batch_size() -> None:
    from lightkeeper.ads.templates.cluster import prepare_corpus

    rng = random.Random(9)
    words = ["sweet", "call", "Ana", "555", "0100", "new", "in", "town", "😀", "ñandú"]
    bodies = [
        ". ".join(" ".join(rng.choice(words) for _ in range(rng.randint(0, 9))) for _ in range(3))
        for _ in range(50)
    ]
    table = pa.table({"id": [f"a{i}" for i in range(50)], "body": bodies})
    whole, batched = prepare_corpus(table), prepare_corpus(table, batch_rows=7)
    for name in whole.__dataclass_fields__:
        assert np.array_equal(getattr(whole, name), getattr(batched, name)), name


def test_masked_form_hides_spelled_phones() -> None:
    assert masked_form("Call or text two zero six / five five five / zero one nine three.") == (
        "Call or text {{phone}}."
    )
