"""The indicator catalogue: the default's content, user files that add or re-weight, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from lightkeeper.ads.indicators.catalogue import (
    FAMILIES,
    LEVELS,
    default_catalogue_path,
    load_catalogue,
)
from lightkeeper.errors import ConfigError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"


@pytest.fixture(scope="module")
def default():
    return load_catalogue()


def test_default_catalogue_is_complete(default):
    assert default.files == (str(default_catalogue_path()),)
    assert len(default.active(level="ad")) >= 20
    assert len(default.active(level="network")) >= 5
    for ind in default.indicators:
        assert ind.family in FAMILIES and ind.level in LEVELS
        assert ind.evidence in default.grades
        assert len(ind.source) > 20, ind.code  # resolved to a citation, not a bare key
        assert ind.weight >= 0 and ind.direction in (1, -1)
        if ind.detector in ("text", "absent"):
            assert {"en", "es"} <= set(ind.patterns), f"{ind.code} needs English and Spanish"


def test_published_findings_are_encoded(default):
    # NIJ 2024: four predictors raise risk, movement language lowers it
    for code in ("SX_YOUTH", "SX_OBSCURED_PHONE", "SX_ETHNICITY", "SX_TRUSTWORTHY"):
        assert default.get(code).evidence == "A" and default.get(code).direction == 1
    movement = default.get("SX_MOVEMENT")
    assert movement.direction == -1 and movement.evidence == "A"
    assert "Journal of Human Trafficking" in movement.source


def test_ilo_forced_labour_indicators_are_cited(default):
    ilo = [i for i in default.indicators if "ILO Indicators of Forced Labour" in i.source]
    assert len(ilo) >= 5


def test_job_check_indicators_explain_in_both_languages(default):
    for ind in default.active(level="ad"):
        if ind.family == "labour":
            for lang in ("en", "es"):
                assert ind.text_in("explain", lang) and ind.text_in("verify", lang), ind.code
                assert ind.names.get("es"), ind.code


def test_docs_list_every_indicator(default):
    docs = DOCS.read_text(encoding="utf-8")
    missing = [ind.code for ind in default.indicators if ind.code not in docs]
    assert not missing, f"docs/indicators.md does not describe {missing}"
    assert "cannot validate" in docs


def test_user_toml_reweights_disables_and_adds(tmp_path, default):
    user = tmp_path / "mine.toml"
    user.write_text(
        """
[model]
intercept_ad = -2.0

[[indicator]]
code = "SX_YOUTH"
weight = 2.5

[[indicator]]
code = "SX_RESTRICTED"
enabled = false

[[indicator]]
code = "SX_ETHNICITY"
extra_patterns.en = ["nordic"]

[[indicator]]
code = "XX_LOCAL_SLANG"
name = "Local slang for a managed ad"
family = "sex"
level = "ad"
direction = 1
weight = 0.6
evidence = "C"
source = "Our analysts, 2025 review of local cases."
patterns.en = ["bottom girl"]
patterns.es = ["chica de abajo"]
""",
        encoding="utf-8",
    )
    merged = load_catalogue(user)
    assert merged.intercept("ad") == -2.0
    assert merged.intercept("network") == default.intercept("network")
    assert merged.get("SX_YOUTH").weight == 2.5
    assert merged.get("SX_YOUTH").patterns == default.get("SX_YOUTH").patterns
    assert not merged.get("SX_RESTRICTED").enabled
    assert "SX_RESTRICTED" not in {i.code for i in merged.active()}
    assert "nordic" in merged.get("SX_ETHNICITY").patterns["en"]
    assert "asian" in merged.get("SX_ETHNICITY").patterns["en"]
    assert merged.get("XX_LOCAL_SLANG").source == "Our analysts, 2025 review of local cases."
    assert merged.files[-1] == str(user)


def test_user_json_file(tmp_path):
    user = tmp_path / "mine.json"
    user.write_text(json.dumps({"indicator": [{"code": "SX_TRUSTWORTHY", "weight": 0.1}]}))
    assert load_catalogue(user).get("SX_TRUSTWORTHY").weight == 0.1


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('code = "SX_YOUTH"\nweight = -1', "between 0 and"),
        ('code = "SX_YOUTH"\ndirection = 2', "'direction' must be 1 or -1"),
        ('code = "SX_YOUTH"\nevidence = "Z"', "'evidence' must be one of"),
        ('code = "SX_YOUTH"\nregex.en = ["(?<=a)b"]', "not supported by RE2"),
        ('code = "SX_YOUTH"\nregex.en = ["x*"]', "matches the empty string"),
        ('code = "SX_YOUTH"\nlevel = "city"', "'level' must be one of"),
        ('code = "NEW_ONE"\nweight = 1.0', "NEW_ONE needs a 'name'"),
        ('code = "lower"', "upper-case"),
        ('code = "SX_YOUTH"\nwieght = 2.0', "unknown field(s) wieght"),
    ],
)
def test_invalid_user_entries_name_the_indicator(tmp_path, entry, message):
    user = tmp_path / "bad.toml"
    user.write_text(f"[[indicator]]\n{entry}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        load_catalogue(user)
    assert str(user) in str(info.value)


def test_missing_or_broken_user_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_catalogue(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[[indicator]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a valid catalogue file"):
        load_catalogue(broken)
