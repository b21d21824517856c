"""The fast paths of indicator matching agree exactly with the plain RE2 passes they replace."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lightkeeper.ads.indicators import load_catalogue, score_ads
from lightkeeper.ads.indicators import scan as scan_module
from lightkeeper.ads.indicators.match import MARK, compile_matcher
from lightkeeper.ads.indicators.names import CUED_NAMES, several_names, several_names_in
from lightkeeper.ads.indicators.scan import _arrow_matches, find_matches

CATALOGUE = load_catalogue()
TEXTS = [
    "sweet young lady, new in town, recién llegada a Madrid",
    "NEW GIRLS in town - new girl - nuevas chicas, señoritas",
    "Hiring waitresses abroad, deposit required, free flight and housing, 14 hours a day",
    "ñandú  jovencita\tlatina\n\nrecien llegada… 3 girls",
    "",
    "no phrase here at all",
    "Ωmega ümlaut é new in town é",
]
NAME_TEXTS = [
    "ask for Ana y Lucía",
    "ASK FOR Mia or Lola",
    "aſk for Mia or Lola",  # a long s folds to s in RE2's case folding
    "\u212aask for Mia or Lola",  # the Kelvin sign folds to k
    "see\vAna and Bea",  # a vertical tab is no RE2 whitespace
    "meet Ana and Beaaaaaaaaaaaaaaaaaaaaa",
    "meet Ana & Élodie",
    "xsee Ana and Bea",
    "ésee Ana and Bea",
    "see Ana, Bea, Cara and Dina",
    "see Ǆa and Ǉb",
    "see Ana and \U0001df25x",
    "elige entre Ana e Inés, pregunten por Ana o Bea",
]


def _spans(found: scan_module.Matches) -> list[tuple[int, int, int, str]]:
    return list(
        zip(
            found.rows.tolist(),
            found.starts.tolist(),
            found.ends.tolist(),
            found.texts.to_pylist(),
            strict=True,
        )
    )


@pytest.mark.skipif(scan_module.RE2 is None, reason="google-re2 is not installed")
@pytest.mark.parametrize("group", ["any_group", "job_group"])
def test_re2_and_arrow_find_the_same_matches(group: str) -> None:
    regex = getattr(compile_matcher(CATALOGUE), group).regex
    texts = pc.utf8_lower(pa.array(TEXTS, pa.string()))
    assert _spans(find_matches(texts, regex)) == _spans(_arrow_matches(texts, regex))


@pytest.mark.skipif(scan_module.RE2 is None, reason="google-re2 is not installed")
@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="ab né-._\n", max_size=30), min_size=1, max_size=6))
@pytest.mark.parametrize(
    "regex",
    [
        r"(?:\bné[\s\-_.]+a\b|a[\s\-_.]+b|é)",
        r"a\W?b|\Wb|b\W",  # may run over a row's end when rows are scanned joined
        r"(?:\W|$)a",  # an anchor: rows scanned one by one
    ],
)
def test_re2_and_arrow_agree_on_any_text(regex: str, texts: list[str]) -> None:
    column = pa.array(texts, pa.string())
    assert _spans(find_matches(column, regex)) == _spans(_arrow_matches(column, regex))


def test_scores_are_the_same_without_re2(monkeypatch: pytest.MonkeyPatch) -> None:
    ads = pa.table({"title": pa.array([None] * len(TEXTS), pa.string()), "body": TEXTS})
    fast = score_ads(ads, catalogue=CATALOGUE)
    monkeypatch.setattr(scan_module, "RE2", None)
    assert score_ads(ads, catalogue=CATALOGUE).equals(fast)


@pytest.mark.parametrize("text", NAME_TEXTS)
def test_several_names_in_python_agrees_with_re2(text: str) -> None:
    marked = pc.replace_substring_regex(pa.array([text]), CUED_NAMES, MARK + r"\0" + MARK)
    assert several_names_in(text) == several_names(marked[0].as_py())
