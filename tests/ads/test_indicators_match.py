"""Matching ad-level indicators: phrases in English and Spanish, obscured phones, ages."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightkeeper.ads.indicators.catalogue import load_catalogue
from lightkeeper.ads.indicators.match import EVIDENCE_CHARS, match_ads, match_text
from lightkeeper.ads.indicators.obscured import obscured_phone


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


@pytest.mark.parametrize(
    ("text", "code", "word"),
    [
        ("Sweet young lady, call me", "SX_YOUTH", "young"),
        ("Jovencita dulce te espera", "SX_YOUTH", "Jovencita"),
        ("Exotic Latina, classy", "SX_ETHNICITY", "Latina"),
        ("Chica colombiana muy dulce", "SX_ETHNICITY", "colombiana"),
        ("100% real pics, no fake", "SX_TRUSTWORTHY", "real"),
        ("Fotos reales, de confianza", "SX_TRUSTWORTHY", "confianza"),
        ("NEW IN TOWN for a few days", "SX_MOVEMENT", "NEW IN TOWN"),
        ("Recién llegada a Madrid", "SX_MOVEMENT", "Recién"),
        ("recien llegada, sin acentos", "SX_MOVEMENT", "recien"),
        ("Ask for Mia, she is sweet", "SX_THIRD_PERSON", "Ask for"),
        ("Pregunta por Ana", "SX_THIRD_PERSON", "Pregunta"),
        ("3 girls available tonight", "SX_MULTIPLE_PERSONS", "girls"),
        ("Varias chicas disponibles", "SX_MULTIPLE_PERSONS", "chicas"),
        ("Incall only, open 24/7", "SX_RESTRICTED", "Incall"),
    ],
)
def test_phrases_fire_with_evidence(cat, text, code, word):
    found = match_text(text, catalogue=cat)
    assert code in found
    assert word in found[code]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Looking for a younger look? Youngstown native", "SX_YOUTH"),  # whole words only
        ("Call Nina tonight", "SX_YOUTH"),  # "niña" keeps its ñ: not the name Nina
        ("The best companion in town", "SX_MOVEMENT"),
        ("A classy companion, call me", "SX_THIRD_PERSON"),
    ],
)
def test_near_misses_do_not_fire(cat, text, code):
    assert code not in match_text(text, catalogue=cat)


def test_labour_indicators_need_a_job_offer(cat):
    escort = "Relaxing massage, deposit required for bookings, free parking"
    assert not any(code.startswith("LB_") for code in match_text(escort, catalogue=cat))
    job = "Hiring waitresses abroad, deposit required, free flight and housing"
    found = match_text(job, catalogue=cat)
    assert {"LB_FEES", "LB_FREE_TRAVEL", "LB_ABROAD"} <= set(found)


def test_no_named_employer_is_an_absence(cat):
    anonymous = "Hiring warehouse staff, salary paid weekly, apply now"
    named = "Hiring warehouse staff at Northside Logistics Ltd, 12 Mill Road. Salary paid weekly."
    assert "LB_NO_EMPLOYER" in match_text(anonymous, catalogue=cat)
    assert "LB_NO_EMPLOYER" not in match_text(named, catalogue=cat)
    assert "LB_NO_EMPLOYER" not in match_text("Sweet companion, call me", catalogue=cat)


def test_job_offer_can_be_forced(cat):
    text = "Send your passport and a deposit"
    assert "LB_DOCUMENTS" not in match_text(text, catalogue=cat, job_offer=False)
    assert "LB_DOCUMENTS" in match_text(text, catalogue=cat, job_offer=True)


def test_high_wage_regex(cat):
    found = match_text("Factory job, earn $2,500 per week, no experience", catalogue=cat)
    assert "$2,500 per week" in found["LB_HIGH_WAGE"]
    plain = match_text("Factory job at Acme Inc, $650 per week", catalogue=cat)
    assert "LB_HIGH_WAGE" not in plain


@pytest.mark.parametrize(
    "text",
    [
        "call seven one three five five five zero one two three",
        "llama al seis uno dos tres cuatro cinco seis siete ocho",
        "text 7one3 555 0one23",
        "call 7I3 555 O123 now",
        "7️⃣1️⃣3️⃣5️⃣5️⃣5️⃣0️⃣1️⃣2️⃣3️⃣",
        "call ７１３５５５０１２３",
        "713*555*0123",
        "713~555~0123",
        "7-1-3-5-5-5-0-1-2-3",
        "call 713_555_0123",
        "①②③⑤⑤⑤⓪①②③",
    ],
)
def test_obscured_phones(cat, text):
    assert obscured_phone(text) is not None
    assert "SX_OBSCURED_PHONE" in match_text(text, catalogue=cat)


@pytest.mark.parametrize(
    "text",
    [
        "Call (713) 555-0123 now",
        "+1 713 555 0123",
        "713.555.0123",
        "Llámame al +34 612 34 56 78",
        "07700 900123",
        "55 1234 5678",
        "34-24-36, 5'6\", $200 per hour, 10am-4pm",
        "Post ID: 7134567890 Ref 5551234567",
        "posted 2024-05-01, zip 77002",
        "Call 713 555 0123 Or text",
        "I 713 555 0123",
        "available 24/7, one of a kind",
    ],
)
def test_plain_numbers_are_not_obscured(cat, text):
    assert obscured_phone(text) is None
    assert "SX_OBSCURED_PHONE" not in match_text(text, catalogue=cat)


def test_minor_age_from_the_ages_column(cat):
    assert match_text("Hi, call me", catalogue=cat, ages=[16])["SX_MINOR_AGE"] == "stated age 16"
    assert "SX_MINOR_AGE" not in match_text("Hi", catalogue=cat, ages=[19, 25])
    assert "SX_MINOR_AGE" not in match_text("Hi", catalogue=cat, ages=[5])  # not plausible


def test_rows_stay_aligned_with_missing_values(cat):
    ads = pa.table(
        {
            "title": ["New girl", None, None, "Massage"],
            "body": [None, "Latina, ask for Ana", None, "Relaxing"],
            "ages": [[], None, [17], []],
        }
    )
    found = match_ads(ads, catalogue=cat)
    assert list(found[0]) == ["SX_YOUTH"]
    assert list(found[1]) == ["SX_ETHNICITY", "SX_THIRD_PERSON"]  # catalogue order
    assert list(found[2]) == ["SX_MINOR_AGE"]
    assert found[3] == {}


def test_evidence_is_bounded_and_on_one_line(cat):
    text = ("lorem ipsum " * 200) + "\n\nshe is\tyoung\n\n" + ("dolor sit " * 200)
    found = match_text(text, catalogue=cat)
    assert len(found["SX_YOUTH"]) <= EVIDENCE_CHARS
    assert "young" in found["SX_YOUTH"] and "\n" not in found["SX_YOUTH"]


def test_hostile_text_is_only_text(cat):
    text = "young \x00 [bold]girl[/bold] <script>alert(1)</script> \x00 latina"
    found = match_text(text, catalogue=cat)
    assert {"SX_YOUTH", "SX_ETHNICITY"} <= set(found)
    assert all("\x00" not in evidence for evidence in found.values())


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(max_size=300), min_size=1, max_size=4))
def test_any_text_matches_consistently(texts):
    cat = load_catalogue()
    batch = match_ads(pa.table({"title": [None] * len(texts), "body": texts}), catalogue=cat)
    assert len(batch) == len(texts)
    for text, found in zip(texts, batch, strict=True):
        assert found == match_text(text, catalogue=cat)
        assert all(len(evidence) <= EVIDENCE_CHARS for evidence in found.values())


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Call for Cherry and Nicole.", True),
        ("Ask for Mia or Lola", True),
        ("Pregunta por Ana o Lucía", True),
        ("See Destiny, Olivia & Kim", True),
        ("Hi, I'm Ana. Ask for Ana or ANA", False),  # one person
        ("Ask for Rates and Details", False),
        ("ask for mia or lola", False),  # names are capitalised
    ],
)
def test_several_names_in_one_ad(cat, text, fires):
    assert ("SX_SEVERAL_NAMES" in match_text(text, catalogue=cat)) is fires


@pytest.mark.parametrize(
    "text",
    ["text 07749 1268SB.", "call ４３７．３７３．９０９６ now", "O7I3 555 0123"],
)
def test_glued_lookalikes_and_full_width_punctuation(text):
    assert obscured_phone(text) is not None
