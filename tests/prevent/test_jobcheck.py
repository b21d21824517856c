"""The public job-offer check: signs, levels, languages, helplines."""

from __future__ import annotations

import json

import pytest

from lightkeeper.errors import ConfigError, InputError
from lightkeeper.prevent import (
    check_job,
    hotlines_for,
    job_check_json,
    job_check_text,
    job_offer_scores,
)

DECEPTIVE = (
    "URGENT! Hiring girls aged 18-25 for hostess work in Europe. Free flight and housing, "
    "earn $3,000 per week! Small registration fee. Send your passport and a full body photo "
    "on WhatsApp only."
)
LEGIT = (
    "Warehouse operatives wanted at Northside Logistics Ltd, 12 Mill Road, Leeds. "
    "£11.50 per hour, 40 hours a week, no fees charged. Apply at www.northside.example/careers"
)
SPANISH_OFFER = (
    "Se solicitan señoritas de 18 a 25 años para trabajo en España. Viaje pagado y sueldo alto, "
    "pago de inscripción por adelantado. Manda fotos por WhatsApp."
)


def test_deceptive_offer():
    check = check_job(DECEPTIVE, country="US")
    assert check.level == "high" and check.score >= 0.5
    codes = [s.code for s in check.signs]
    assert {"LB_FEES", "LB_DOCUMENTS", "LB_APPEARANCE", "LB_FREE_TRAVEL", "LB_NO_EMPLOYER"} <= set(
        codes
    )
    assert codes[0] == "LB_FEES"  # most serious first
    for sign in check.signs:
        assert sign.severity in ("high", "medium", "low")
        assert sign.explanation and sign.verify and sign.evidence
    fees = check.signs[0]
    assert fees.severity == "high" and "registration fee" in fees.evidence
    no_employer = next(s for s in check.signs if s.code == "LB_NO_EMPLOYER")
    assert no_employer.evidence == "(not found in the offer)"


def test_legitimate_offer_shows_no_signs():
    check = check_job(LEGIT, country="GB")
    assert check.level == "none" and check.signs == () and check.score == 0.0
    assert "does not prove the offer is safe" in check.summary


def test_spanish_offer_is_explained_in_spanish():
    check = check_job(SPANISH_OFFER, country="MX")
    assert check.language == "es"
    assert check.level in ("high", "medium")
    fees = next(s for s in check.signs if s.code == "LB_FEES")
    assert fees.name == "Cobro de cuotas o depósitos al trabajador"
    assert "dinero" in fees.explanation
    assert check.advice[0].startswith("Nunca")
    english = check_job(SPANISH_OFFER, language="en")
    assert english.signs[0].explanation.startswith("The offer")


def test_levels_grow_with_the_signs():
    weak = check_job("Factory job, start immediately, no experience needed. Call Acme Inc.")
    assert weak.level == "low"
    single = check_job("Factory job at Acme Inc. Send a copy of your passport to apply.")
    assert single.level == "medium"  # one sign of high severity is enough for medium


@pytest.mark.parametrize(
    ("country", "name", "phone"),
    [
        ("US", "National Human Trafficking Hotline", "1-888-373-7888"),
        ("uk", "Modern Slavery and Exploitation Helpline", "08000 121 700"),
        ("GB", "Modern Slavery and Exploitation Helpline", "08000 121 700"),
        ("CA", "Canadian Human Trafficking Hotline", "1-833-900-1010"),
        ("ES", "Policía Nacional: línea contra la trata de seres humanos", "900 10 50 90"),
        ("MX", "Línea Nacional contra la Trata de Personas", "800 5533 000"),
    ],
)
def test_helplines_by_country(country, name, phone):
    lines = check_job(LEGIT, country=country).hotlines
    assert (lines[0].name, lines[0].phone) == (name, phone)
    assert lines[-1].country == ""  # the emergency-number fallback always closes the list
    assert all(line.source for line in lines)


def test_us_hotline_takes_texts():
    assert hotlines_for("US")[0].sms == "233733"


def test_unknown_country_gets_the_fallback_and_none_gets_all():
    assert [h.country for h in hotlines_for("FR")] == [""]
    assert {h.country for h in hotlines_for(None)} >= {"US", "GB", "CA", "ES", "MX", ""}


@pytest.mark.parametrize("country", ["USA", "1", "U S"])
def test_malformed_country(country):
    with pytest.raises(ConfigError, match="two-letter code"):
        check_job(LEGIT, country=country)


@pytest.mark.parametrize("text", ["", "   \n"])
def test_empty_offer(text):
    with pytest.raises(InputError, match="empty"):
        check_job(text)


def test_oversized_offer():
    with pytest.raises(InputError, match="too long"):
        check_job("job " * 30_000)


def test_json_form_is_serialisable():
    data = job_check_json(check_job(DECEPTIVE, country="US"))
    round_trip = json.loads(json.dumps(data, ensure_ascii=False))
    assert round_trip["level"] == "high"
    assert round_trip["signs"][0]["code"] == "LB_FEES"
    assert round_trip["hotlines"][0]["phone"] == "1-888-373-7888"
    assert "email" not in round_trip["hotlines"][0]  # empty fields are left out


def test_text_form_escapes_the_offer():
    offer = "Hiring [bold]now[/bold], send your passport [link=http://x]here[/link]"
    text = job_check_text(check_job(offer, country="US"))
    assert "[link=http://x]here[/link]" in text  # printed as written, not read as markup
    assert "1-888-373-7888" in text and "233733" in text


def test_batch_scores_equal_single_checks():
    texts = [DECEPTIVE, LEGIT, SPANISH_OFFER, None]
    scores = job_offer_scores(texts)
    assert scores[:3] == [check_job(t).score for t in texts[:3]]
    assert scores[3] == 0.0
