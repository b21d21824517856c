"""Network summaries (networks.parquet) and one network's details for `lightkeeper network`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lightkeeper.ads.link import LinkConfig, link_ads
from lightkeeper.ads.networks import (
    NETWORKS_SCHEMA,
    network_details,
    network_text,
    summarise_networks,
)
from lightkeeper.errors import InputError
from tests.ads.test_link import ad_table, hub_corpus, phone

DAY = timedelta(days=1)
T0 = datetime(2024, 1, 1, tzinfo=UTC)
OPERATOR = phone(1)


def operator_rows() -> list[dict[str, Any]]:
    """One operator touring Houston -> Dallas -> Houston, plus an ad with no place."""
    stops = [("Houston", 0), ("Houston", 1), ("Dallas", 3), ("Dallas", 4), ("Houston", 70)]
    rows: list[dict[str, Any]] = [
        {
            "id": f"op{i}",
            "phones": [OPERATOR, "+18885550100"] if i == 0 else [OPERATOR],
            "emails": ["ana@mail.example"] if i < 2 else [],
            "city": city,
            "country": "US",
            "posted_at": T0 + day * DAY,
            "title": "Ana - new in town" if i < 3 else "Bea - sweet companion",
            "site": "site-b.example" if i == 4 else "site-a.example",
        }
        for i, (city, day) in enumerate(stops)
    ]
    rows.append({"id": "op5", "phones": [OPERATOR], "posted_at": T0 + 2 * DAY})
    return rows


def summarised(
    rows: list[dict[str, Any]], templates: list[str | None] | None = None
) -> tuple[pa.Table, pa.Table, list[str]]:
    table = ad_table(rows)
    template_ids = templates or [None] * table.num_rows
    link = link_ads(table, template_ids, config=LinkConfig())
    networks = summarise_networks(table, link.network_ids, template_ids, link)
    return table, networks, link.network_ids


@pytest.fixture
def corpus() -> tuple[pa.Table, pa.Table, list[str]]:
    rows = operator_rows() + hub_corpus(8)
    for i, row in enumerate(rows[6:]):
        row["posted_at"] = T0 + (i % 40) * DAY
    return summarised(rows, [None] * 6 + [f"tpl-{i // 2}" for i in range(16)])


def operator_network(networks: pa.Table, network_ids: list[str]) -> dict[str, Any]:
    [row] = [r for r in networks.to_pylist() if r["network_id"] == network_ids[0]]
    return row


def test_one_row_per_network_with_the_contract_columns(corpus: Any) -> None:
    table, networks, ids = corpus
    assert networks.schema == NETWORKS_SCHEMA
    assert networks.num_rows == len(set(ids))
    assert sum(networks["ad_count"].to_pylist()) == table.num_rows
    counts = networks["ad_count"].to_pylist()
    assert counts == sorted(counts, reverse=True)


def test_identifiers_places_and_time_span(corpus: Any) -> None:
    _, networks, ids = corpus
    net = operator_network(networks, ids)
    assert net["ad_count"] == 6
    assert net["phones"] == [OPERATOR]  # the hub line is set apart
    assert net["hub_identifiers"] == ["phone:+18885550100"]
    assert net["emails"] == ["ana@mail.example"]
    assert net["personas"] == ["Ana", "Bea"]
    assert net["cities"] == ["Houston", "Dallas"]
    assert net["countries"] == ["US"]
    assert net["sites"] == ["site-a.example", "site-b.example"]
    assert (net["first_seen"], net["last_seen"]) == (T0, T0 + 70 * DAY)


def test_movement_groups_consecutive_ads_in_one_city(corpus: Any) -> None:
    _, networks, ids = corpus
    movement = operator_network(networks, ids)["movement"]
    assert [(s["city"], s["ad_count"]) for s in movement] == [
        ("Houston", 2),
        ("Dallas", 2),
        ("Houston", 1),
    ]
    assert movement[0]["first_seen"] == T0
    assert movement[0]["last_seen"] == T0 + DAY
    assert movement[1]["first_seen"] == T0 + 3 * DAY
    assert all(s["country"] == "US" for s in movement)


def test_movement_ties_in_time_follow_the_ad_id() -> None:
    rows = [
        {"id": "b", "phones": [OPERATOR], "city": "Dallas", "posted_at": T0},
        {"id": "a", "phones": [OPERATOR], "city": "Austin", "posted_at": T0},
    ]
    _, networks, _ = summarised(rows)
    assert [s["city"] for s in networks["movement"][0].as_py()] == ["Austin", "Dallas"]


def test_evidence_names_what_joins_the_ads(corpus: Any) -> None:
    _, networks, ids = corpus
    evidence = operator_network(networks, ids)["evidence"]
    assert evidence == [
        {"kind": "phone", "value": OPERATOR, "ad_count": 6},
        {"kind": "email", "value": "ana@mail.example", "ad_count": 2},
    ]


def test_templates_and_evidence_of_template_links(corpus: Any) -> None:
    _, networks, ids = corpus
    [row] = [r for r in networks.to_pylist() if r["network_id"] == ids[6]]
    assert row["template_ids"] == ["tpl-0"]
    assert {"kind": "template", "value": "tpl-0", "ad_count": 2} in row["evidence"]


def test_growth_counts_the_last_two_30_day_windows() -> None:
    last = T0 + 100 * DAY
    days = [100, 95, 71, 69, 50, 20]  # days after T0
    rows = [{"phones": [OPERATOR], "posted_at": T0 + d * DAY, "city": "Miami"} for d in days]
    _, networks, _ = summarised(rows)
    row = networks.to_pylist()[0]
    assert row["last_seen"] == last
    assert (row["ads_last_30_days"], row["ads_prev_30_days"]) == (3, 2)


def test_network_ids_in_the_summary_do_not_depend_on_row_order() -> None:
    rows = operator_rows() + hub_corpus(4)
    for i, row in enumerate(rows):
        row.setdefault("id", f"h{i}")
        row.setdefault("posted_at", T0 + i * DAY)
    _, first, _ = summarised(rows)
    _, second, _ = summarised(list(reversed(rows)))
    assert first.to_pylist() == second.to_pylist()


def write_results(tmp_path: Path, corpus: Any) -> Path:
    table, networks, ids = corpus
    pq.write_table(table.append_column("network_id", pa.array(ids)), tmp_path / "ads.parquet")
    pq.write_table(networks, tmp_path / "networks.parquet")
    return tmp_path


def test_network_details_for_a_known_id(tmp_path: Path, corpus: Any) -> None:
    out = write_results(tmp_path, corpus)
    wanted = corpus[2][0]
    details = network_details(out, wanted)
    assert details["network"]["network_id"] == wanted
    assert [ad["id"] for ad in details["ads"]] == ["op0", "op1", "op5", "op2", "op3", "op4"]
    assert details["ads"][0]["phones"] == [OPERATOR, "+18885550100"]
    assert network_details(out, wanted[:10])["network"]["network_id"] == wanted


def test_network_text_shows_identifiers_movement_evidence_and_ads(
    tmp_path: Path, corpus: Any
) -> None:
    details = network_details(write_results(tmp_path, corpus), corpus[2][0])
    text = network_text(details, max_ads=2)
    for expected in (
        f"phones: {OPERATOR}",
        "hub identifiers (not linking): phone:+18885550100",
        "Houston, US  (2 ads)",
        f"phone    {OPERATOR}  (6 ads)",
        "op0#1",
        "... and 4 more",
    ):
        assert expected in text


def test_network_text_neutralises_terminal_control_characters(tmp_path: Path, corpus: Any) -> None:
    details = network_details(write_results(tmp_path, corpus), corpus[2][0])
    details["ads"][0]["title"] = "evil \x1b[2J\x1b]0;owned\x07 title \u202e"
    text = network_text(details)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text


def test_an_unknown_id_is_a_clear_input_error(tmp_path: Path, corpus: Any) -> None:
    out = write_results(tmp_path, corpus)
    with pytest.raises(InputError, match="no network 'net-000000000000'"):
        network_details(out, "net-000000000000")
    with pytest.raises(InputError, match="ambiguous"):
        network_details(out, "net-")


def test_a_folder_without_results_is_a_clear_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such folder"):
        network_details(tmp_path / "absent", "net-1")
    with pytest.raises(InputError, match="run `lightkeeper analyze"):
        network_details(tmp_path, "net-1")


def test_ads_without_network_ids_are_a_clear_input_error(tmp_path: Path, corpus: Any) -> None:
    table, networks, _ = corpus
    pq.write_table(table, tmp_path / "ads.parquet")
    pq.write_table(networks, tmp_path / "networks.parquet")
    with pytest.raises(InputError, match="no network_id column"):
        network_details(tmp_path, "net-1")


def test_an_empty_corpus_has_no_networks() -> None:
    _, networks, ids = summarised([])
    assert ids == []
    assert networks.num_rows == 0
    assert networks.schema == NETWORKS_SCHEMA


def test_an_ad_without_time_or_place_still_has_a_network() -> None:
    _, networks, _ = summarised([{"posted_at": None}])
    [row] = networks.to_pylist()
    assert row["ad_count"] == 1
    assert (row["first_seen"], row["movement"]) == (None, [])
    assert (row["ads_last_30_days"], row["ads_prev_30_days"]) == (0, 0)


def test_a_personas_column_of_the_ads_is_used_when_present() -> None:
    table = ad_table([{"phones": [OPERATOR], "title": "Ana - new"}, {"phones": [OPERATOR]}])
    table = table.append_column("personas", pa.array([["Zoe"], ["Zoe", "Ivy"]]))
    link = link_ads(table, [None, None], config=LinkConfig())
    networks = summarise_networks(table, link.network_ids, [None, None], link)
    assert networks["personas"].to_pylist() == [["Zoe", "Ivy"]]
