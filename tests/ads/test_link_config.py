"""LinkConfig: allow/deny lists and options from TOML or JSON files, with clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lightkeeper.ads.link.config import (
    LinkConfig,
    link_config_from_mapping,
    load_link_config,
    normalise_identifier,
)
from lightkeeper.errors import ConfigError, InputError


@pytest.mark.parametrize(
    ("entry", "value"),
    [
        ("+1 (713) 555-0101", "+17135550101"),
        ("phone:+44 20 7946 0000", "+442079460000"),
        ("Email:Help@Site.Example", "help@site.example"),
        ("handle:instagram:Ana_X", "instagram:ana_x"),
        ("  ABCDEF0123456789 ", "abcdef0123456789"),
        ("image:ABCDEF0123456789", "abcdef0123456789"),
    ],
)
def test_entries_are_normalised_like_the_ads_table(entry: str, value: str) -> None:
    assert normalise_identifier(entry) == value


def test_a_toml_file_sets_lists_and_options(tmp_path: Path) -> None:
    path = tmp_path / "link.toml"
    path.write_text(
        '[hubs]\nallow = ["+1 713 555 0101"]\ndeny = ["Help@Site.Example"]\n'
        "[link]\nimage_max_distance = 4\ndetect_hubs = false\nhub_min_posterior = 0.9\n",
        encoding="utf-8",
    )
    config = load_link_config(path)
    assert config.allow == frozenset({"+17135550101"})
    assert config.deny == frozenset({"help@site.example"})
    assert (config.image_max_distance, config.detect_hubs, config.hub_min_posterior) == (
        4,
        False,
        0.9,
    )


def test_a_json_file_works_the_same(tmp_path: Path) -> None:
    path = tmp_path / "link.json"
    path.write_text(json.dumps({"hubs": {"deny": ["+18885550100"]}}), encoding="utf-8")
    assert load_link_config(path).deny == frozenset({"+18885550100"})


def test_a_file_overrides_only_what_it_sets() -> None:
    base = LinkConfig(image_max_distance=3)
    config = link_config_from_mapping({"hubs": {"allow": ["x@y.example"]}}, base=base)
    assert config.image_max_distance == 3
    assert config.allow == frozenset({"x@y.example"})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"hub": {}}, "unknown sections"),
        ({"hubs": {"allowed": []}}, "unknown keys in \\[hubs\\]"),
        ({"hubs": {"deny": "+18885550100"}}, "list of strings"),
        ({"link": {"image_max_distance": "4"}}, "must be int"),
        ({"link": {"detect_hubs": 1}}, "must be bool"),
        ({"link": {"colour": 1}}, "unknown option link.colour"),
        ({"link": {"image_max_distance": 40}}, "0..16"),
        ({"link": {"hub_min_posterior": 1}}, "hub_min_posterior"),
        ({"hubs": {"allow": ["+18885550100"], "deny": ["+1 888 555 0100"]}}, "both allowed"),
    ],
)
def test_wrong_settings_raise_config_errors(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        link_config_from_mapping(data)


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_link_config(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.toml", "[hubs\n", "not valid TOML"),
        ("bad.json", "{", "not valid JSON"),
        ("list.json", "[]", "JSON object"),
        ("conf.yaml", "hubs: {}", "unknown configuration format"),
    ],
)
def test_unreadable_content_is_a_config_error(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_link_config(path)
