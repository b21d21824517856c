"""The truth file is right about the ads, and the corpus has the shape real data has."""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from itertools import pairwise
from typing import Any

import phonenumbers
import pytest

from lightkeeper.synth.obfuscate import PHONE_STYLES

from .conftest import Pair, decoded_digits

_DECOY_IDS = re.compile(r"(?:Post ID:?|Post ID #|Ref\.?|Ad #|ID #|Listing|JR-)\s*(\d{5,})")
_YOUTH = re.compile(
    r"\b(young|new girl|fresh|just turned 18|barely legal|jovencita|chica nueva)", re.I
)
_THIRD = re.compile(r"\b(she is|she's|our girls|ask for|ella es|pregunta por|nuestras)\b", re.I)
_ETHNIC = re.compile(r"\b(asian|latina|exotic|asiática|exótica|latinas|asiáticas)\b", re.I)
_MOVING = re.compile(
    r"\b(new in town|just arrived|visiting|recién llegada|de visita|de paso)\b", re.I
)


def _text(ad: dict[str, Any]) -> str:
    return "\n".join(str(ad.get(key, "")) for key in ("title", "body", "phone"))


def _nsn(e164: str) -> str:
    return str(phonenumbers.parse(e164).national_number)


def test_truth_phones_are_valid_e164(distinct: list[Pair]) -> None:
    phones = {p for _, truth in distinct for p in truth["phones"]}
    assert len(phones) > 300
    for phone in phones:
        number = phonenumbers.parse(phone)
        assert phonenumbers.is_valid_number(number), phone
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == phone


def test_every_truth_phone_is_written_in_the_ad(distinct: list[Pair]) -> None:
    for ad, truth in distinct:
        digits = decoded_digits(_text(ad))
        for phone in truth["phones"]:
            assert _nsn(phone) in digits, (phone, ad)


def test_emails_and_handles_are_written_in_the_ad(distinct: list[Pair]) -> None:
    for ad, truth in distinct:
        text = (_text(ad) + "\n" + ad.get("email", "")).lower()
        for email in truth["emails"]:
            assert email == email.lower() and email.split("@")[0] in text
        for handle in truth["handles"]:
            platform, _, name = handle.partition(":")
            if platform == "whatsapp":
                assert name in truth["phones"]
            else:
                assert name in text, (handle, text)


def test_decoys_never_in_truth_phones(distinct: list[Pair]) -> None:
    decoys = 0
    for ad, truth in distinct:
        real = {_nsn(p) for p in truth["phones"]} | {p.lstrip("+") for p in truth["phones"]}
        for match in _DECOY_IDS.finditer(ad["body"]):
            decoys += 1
            assert match.group(1) not in real, (match.group(0), truth["phones"])
        field = re.sub(r"\D", "", ad.get("phone", ""))
        if (field and len(set(field)) <= 2) or field in ("1234567890", "5555555555"):
            assert not any(field in p for p in truth["phones"])
    assert decoys > 100


def test_placeholder_numbers_are_not_phones(distinct: list[Pair]) -> None:
    placeholders = [ad for ad, _ in distinct if re.fullmatch(r"[0\s-]+", ad.get("phone", "x"))]
    assert placeholders, "some sites show 000-000-0000 when the number is hidden"
    for _, truth in distinct:
        for phone in truth["phones"]:
            assert not re.fullmatch(r"\+\d0+", phone)


def test_every_obfuscation_style_is_used(distinct: list[Pair]) -> None:
    used = Counter(truth["obfuscation"] for _, truth in distinct)
    assert set(PHONE_STYLES) <= set(used)
    assert used["plain"] > len(distinct) * 0.3  # most numbers are still written plainly


def test_hub_phones_link_unrelated_operators(distinct: list[Pair]) -> None:
    operators: dict[str, set[str]] = defaultdict(set)
    for _, truth in distinct:
        assert set(truth["hub_phones"]) <= set(truth["phones"])
        for hub in truth["hub_phones"]:
            operators[hub].add(truth["operator"])
    assert operators
    assert max(len(ops) for ops in operators.values()) >= 10
    assert all(len(ops) >= 2 for hub, ops in operators.items() if len(ops) and hub[:3] == "+18")


def test_stock_images_are_shared_by_many_operators(distinct: list[Pair]) -> None:
    operators: dict[int, set[str]] = defaultdict(set)
    for ad, truth in distinct:
        assert set(truth["hub_images"]) <= set(ad["images"]) == set(truth["image_hashes"])
        for image in truth["hub_images"]:
            operators[int(image, 16) >> 8].add(truth["operator"])  # ignore flipped low bits
    assert max(len(ops) for ops in operators.values()) >= 5


def test_photos_of_a_persona_are_near_duplicates(distinct: list[Pair]) -> None:
    images: dict[tuple[str, str], list[int]] = defaultdict(list)
    for _, truth in distinct:
        stock = set(truth["hub_images"])
        key = (truth["operator"], truth["persona"])
        images[key].extend(int(h, 16) for h in truth["image_hashes"] if h not in stock)
    near = far = 0
    for hashes in images.values():
        for i, a in enumerate(hashes[:6]):
            for b in hashes[i + 1 : 6]:
                distance = (a ^ b).bit_count()
                near += distance <= 6
                far += distance > 6
    assert near > 50 and far > 50  # same photo re-encoded, and different photos


def _sizes(distinct: list[Pair]) -> list[int]:
    return sorted(Counter(t["operator"] for _, t in distinct if t["version"] == 1).values())


def test_operator_sizes_are_heavy_tailed(distinct: list[Pair]) -> None:
    sizes = _sizes(distinct)
    top = sizes[-max(1, len(sizes) // 20) :]
    assert statistics.median(sizes) <= 3
    assert sizes[-1] >= 10 * statistics.median(sizes)
    assert sum(top) >= 0.25 * sum(sizes)  # the largest 5% post a quarter of the ads
    assert sum(1 for s in sizes if s <= 5) >= 0.75 * len(sizes)


def test_operators_are_consistent(distinct: list[Pair]) -> None:
    by_operator: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for _, truth in distinct:
        by_operator[truth["operator"]].append(truth)
    for label, truths in by_operator.items():
        assert len({t["kind"] for t in truths}) == 1
        assert len({t["risky"] for t in truths}) == 1
        assert all(t["template"].startswith(label + ".") for t in truths)
        assert len({t["persona"] for t in truths}) <= 4
        assert len({t["template"] for t in truths}) <= 3


def test_risky_operators_and_job_ads(distinct: list[Pair]) -> None:
    risky = {t["operator"]: t["risky"] for _, t in distinct}
    share = sum(risky.values()) / len(risky)
    assert 0.12 <= share <= 0.28
    jobs = [t for _, t in distinct if t["kind"] == "job"]
    assert 0.07 <= len(jobs) / len(distinct) <= 0.13
    deceptive = sum(t["deceptive"] for t in jobs) / len(jobs)
    assert 0.3 <= deceptive <= 0.5
    assert all(t["deceptive"] is None for _, t in distinct if t["kind"] != "job")
    assert all(t["risky"] == t["deceptive"] for t in jobs)


def _rate(pairs: list[Pair], pattern: re.Pattern[str]) -> float:
    return sum(1 for ad, _ in pairs if pattern.search(ad["title"] + " " + ad["body"])) / len(pairs)


@pytest.mark.parametrize("pattern", [_YOUTH, _THIRD, _ETHNIC], ids=["youth", "third", "ethnic"])
def test_indicators_lean_risky_but_not_only(distinct: list[Pair], pattern: re.Pattern[str]) -> None:
    companions = [p for p in distinct if p[1]["kind"] != "job"]
    risky = [p for p in companions if p[1]["risky"]]
    other = [p for p in companions if not p[1]["risky"]]
    assert _rate(risky, pattern) > 1.5 * _rate(other, pattern)
    assert _rate(risky, pattern) < 1.0 and _rate(other, pattern) > 0.0


def test_movement_language_leans_independent(distinct: list[Pair]) -> None:
    companions = [p for p in distinct if p[1]["kind"] != "job"]
    risky = [p for p in companions if p[1]["risky"]]
    other = [p for p in companions if not p[1]["risky"]]
    assert _rate(other, _MOVING) > _rate(risky, _MOVING)


def test_risky_operators_move_and_share_phones_between_personas(distinct: list[Pair]) -> None:
    cities: dict[str, set[str]] = defaultdict(set)
    personas: dict[str, set[str]] = defaultdict(set)
    risky: dict[str, bool] = {}
    for _, truth in distinct:
        cities[truth["operator"]].add(truth["city"])
        risky[truth["operator"]] = truth["risky"]
        for phone in truth["phones"]:
            if phone not in truth["hub_phones"]:
                personas[phone].add(truth["persona"])
    moving = [len(cities[op]) for op, r in risky.items() if r and len(cities[op]) > 0]
    staying = [len(cities[op]) for op, r in risky.items() if not r]
    assert statistics.mean(moving) > statistics.mean(staying)
    assert sum(1 for names in personas.values() if len(names) >= 2) >= 10


def test_places_and_languages(distinct: list[Pair]) -> None:
    countries = Counter(t["country"] for _, t in distinct)
    assert set(countries) == {"US", "CA", "GB", "ES", "MX"}
    locations = {ad.get("location") for ad, _ in distinct}
    assert {"Houston, TX", "London", "Madrid, España", "Ciudad de México"} <= locations
    spanish = [t["country"] for ad, t in distinct if ad["language"] == "es"]
    assert len(spanish) > 0.2 * len(distinct)
    assert sum(1 for c in spanish if c in ("ES", "MX")) > 0.7 * len(spanish)


def test_posted_in_route_order(distinct: list[Pair]) -> None:
    last: dict[str, str] = {}
    for ad, truth in distinct:
        if truth["version"] > 1:
            continue
        assert ad["posted_at"] >= last.get(truth["operator"], "")
        last[truth["operator"]] = ad["posted_at"]


def _shingles(text: str) -> set[str]:
    words = re.findall(r"[a-záéíóúñü]+", text.lower())
    return {" ".join(words[i : i + 3]) for i in range(len(words) - 2)}


def test_templates_cluster_within_and_differ_across_operators(distinct: list[Pair]) -> None:
    by_template: dict[str, list[set[str]]] = defaultdict(list)
    for ad, truth in distinct:
        by_template[truth["template"]].append(_shingles(ad["body"]))
    within, across = [], []
    groups = [g for g in by_template.values() if len(g) >= 2]
    for group in groups[:80]:
        a, b = group[0], group[1]
        within.append(len(a & b) / len(a | b))
    for first, second in pairwise(groups[:81]):
        a, b = first[0], second[0]
        across.append(len(a & b) / len(a | b))
    assert statistics.mean(within) > 0.5
    assert statistics.mean(across) < 0.1
