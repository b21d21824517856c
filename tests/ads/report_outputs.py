"""Small, hand-built analysis outputs (ads/networks/templates parquet, summary.json) for the
report tests, following the documented columns, so the report is tested apart from the stages.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from lightkeeper.ads.table import ADS_SCHEMA

HOSTILE = (
    '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1;alert(1)">'
    '<a href="javascript:window.__pwned=1">click</a></svg><svg onload="window.__pwned=1">'
)
END = datetime(2024, 6, 30, 12, 0, tzinfo=UTC)

MOVEMENT_TYPE = pa.list_(
    pa.struct(
        [
            ("city", pa.string()),
            ("country", pa.string()),
            ("first_seen", pa.timestamp("us", tz="UTC")),
            ("last_seen", pa.timestamp("us", tz="UTC")),
            ("ad_count", pa.int64()),
        ]
    )
)
EVIDENCE_TYPE = pa.list_(
    pa.struct([("kind", pa.string()), ("value", pa.string()), ("ad_count", pa.int64())])
)
REASONS_TYPE = pa.list_(
    pa.struct([("code", pa.string()), ("name", pa.string()), ("contribution", pa.float64())])
)
SLOTS_TYPE = pa.list_(pa.struct([("name", pa.string()), ("values", pa.list_(pa.string()))]))
STAMP = pa.timestamp("us", tz="UTC")

# (network id, persona, phone, template id, cities in order, number of ads, days spanned)
NETWORKS = [
    ("net-aaaaaaaaaaaa", "Mia", "+17135550101", "tpl-111111111111",
     [("Houston", "US"), ("Dallas", "US"), ("Atlanta", "US"), ("Houston", "US")], 90, 120),
    ("net-bbbbbbbbbbbb", "Lola", "+13055550102", "tpl-222222222222",
     [("Miami", "US"), ("Orlando", "US")], 25, 40),
    ("net-cccccccccccc", "Ana", "+447700900103", "tpl-333333333333",
     [("London", "GB"), ("Manchester", "GB"), ("Atlantis", "XX")], 12, 300),
    ("net-dddddddddddd", "Zoe", "+17735550104", None, [("Chicago", "US")], 1, 0),
]  # fmt: skip


def _ads(hostile: str | None) -> list[dict[str, Any]]:
    rows = []
    for net, persona, phone, tpl, cities, count, days in NETWORKS:
        for i in range(count):
            city, country = cities[i * len(cities) // count]
            posted = END - timedelta(days=days) + timedelta(days=days * i / max(count - 1, 1))
            body = f"Hi I am {persona}, new in town, call {phone}. Relaxing massage."
            rows.append(
                {
                    "id": f"{net[-4:]}-{i:04d}", "version": 1, "site": "example-board",
                    "posted_at": posted, "location": city, "city": city, "country": country,
                    "title": f"{persona} in {city}", "body": body,
                    "url": f"https://example.org/ads/{i}", "language": "en",
                    "phones": [phone], "emails": [], "handles": [f"ig:{persona.lower()}"],
                    "urls": [], "prices": [], "ages": [25],
                    "image_hashes": [f"{i % 3:016x}"], "extra": None, "source": "x.jsonl",
                    "line": len(rows) + 1, "template_id": tpl, "network_id": net,
                }
            )  # fmt: skip
    if hostile is not None:
        # The newest ad of the largest network carries the payload everywhere it can.
        newest = rows[NETWORKS[0][5] - 1]
        newest.update(
            title=hostile,
            body=hostile,
            url="javascript:window.__pwned=1",
            site=hostile,
            city=hostile,
            handles=[hostile],
        )
    return rows


def _ads_table(rows: list[dict[str, Any]]) -> pa.Table:
    schema = ADS_SCHEMA.append(pa.field("template_id", pa.string())).append(
        pa.field("network_id", pa.string())
    )
    return pa.Table.from_pylist(rows, schema=schema)


def _network_row(
    spec: tuple[Any, ...], ads: list[dict[str, Any]], hostile: str | None
) -> dict[str, Any]:
    net, persona, phone, tpl, _cities, _count, _days = spec
    mine = [a for a in ads if a["network_id"] == net]
    times = sorted(a["posted_at"] for a in mine)
    moves: list[dict[str, Any]] = []
    for ad in sorted(mine, key=lambda a: a["posted_at"]):
        if moves and moves[-1]["city"] == ad["city"]:
            moves[-1]["last_seen"] = ad["posted_at"]
            moves[-1]["ad_count"] += 1
        else:
            moves.append(
                {"city": ad["city"], "country": ad["country"], "first_seen": ad["posted_at"],
                 "last_seen": ad["posted_at"], "ad_count": 1}
            )  # fmt: skip
    evidence = [{"kind": "phone", "value": phone, "ad_count": len(mine)}]
    if tpl:
        evidence.append({"kind": "template", "value": tpl, "ad_count": len(mine)})
    evidence.append({"kind": "image", "value": f"{1:016x}", "ad_count": len(mine) // 3})
    if hostile and net == NETWORKS[0][0]:
        evidence.append({"kind": "handle", "value": hostile, "ad_count": 1})
    personas = [persona] + ([hostile] if hostile and net == NETWORKS[0][0] else [])
    month, two_months = END - timedelta(days=30), END - timedelta(days=60)
    return {
        "network_id": net, "ad_count": len(mine), "phones": [phone], "emails": [],
        "handles": [f"ig:{persona.lower()}"],
        "image_hashes": sorted({a["image_hashes"][0] for a in mine}),
        "personas": personas, "cities": list(dict.fromkeys(a["city"] for a in mine)),
        "countries": sorted({a["country"] for a in mine}), "sites": ["example-board"],
        "first_seen": times[0], "last_seen": times[-1], "movement": moves,
        "template_ids": [tpl] if tpl else [], "evidence": evidence,
        "ads_last_30_days": sum(t > month for t in times),
        "ads_prev_30_days": sum(two_months < t <= month for t in times),
    }  # fmt: skip


def _networks_table(rows: list[dict[str, Any]], with_risk: bool) -> pa.Table:
    fields = [
        ("network_id", pa.string()), ("ad_count", pa.int64()), ("phones", pa.list_(pa.string())),
        ("emails", pa.list_(pa.string())), ("handles", pa.list_(pa.string())),
        ("image_hashes", pa.list_(pa.string())), ("personas", pa.list_(pa.string())),
        ("cities", pa.list_(pa.string())), ("countries", pa.list_(pa.string())),
        ("sites", pa.list_(pa.string())), ("first_seen", STAMP), ("last_seen", STAMP),
        ("movement", MOVEMENT_TYPE), ("template_ids", pa.list_(pa.string())),
        ("evidence", EVIDENCE_TYPE), ("ads_last_30_days", pa.int64()),
        ("ads_prev_30_days", pa.int64()),
    ]  # fmt: skip
    if with_risk:
        fields += [("risk_score", pa.float64()), ("risk_reasons", REASONS_TYPE)]
        for i, row in enumerate(rows):
            row["risk_score"] = [0.35, 0.2, 0.91, 0.05][i]
            row["risk_reasons"] = [
                {"code": "R01", "name": "moves between cities", "contribution": 0.5},
                {"code": "R02", "name": "third-party phone", "contribution": 0.25},
            ]
    return pa.Table.from_pylist(rows, schema=pa.schema(fields))


def _templates_table(ads: list[dict[str, Any]], hostile: str | None) -> pa.Table:
    rows = []
    for _net, persona, _phone, tpl, _cities, _count, _days in NETWORKS:
        if tpl is None:
            continue
        mine = [a for a in ads if a["template_id"] == tpl]
        text = "Hi I am {{name}}, new in town, call {{phone}}. Relaxing massage."
        values = [persona] + ([hostile] if hostile and tpl == NETWORKS[0][3] else [])
        if hostile and tpl == NETWORKS[0][3]:
            text += " " + hostile
        rows.append(
            {
                "template_id": tpl, "ad_count": len(mine), "text": text,
                "slots": [{"name": "name", "values": values},
                          {"name": "phone", "values": sorted({a["phones"][0] for a in mine})}],
                "first_seen": min(a["posted_at"] for a in mine),
                "last_seen": max(a["posted_at"] for a in mine),
                "boilerplate_removed": ["No law enforcement."],
            }
        )  # fmt: skip
    schema = pa.schema(
        [
            ("template_id", pa.string()), ("ad_count", pa.int64()), ("text", pa.string()),
            ("slots", SLOTS_TYPE), ("first_seen", STAMP), ("last_seen", STAMP),
            ("boilerplate_removed", pa.list_(pa.string())),
        ]
    )  # fmt: skip
    return pa.Table.from_pylist(rows, schema=schema)


def _summary(n_ads: int, hostile: str | None) -> dict[str, Any]:
    hub = hostile or "+18005550000"
    return {
        "counts": {"input_lines": n_ads + 3, "analysed": n_ads, "duplicates": 1,
                   "quarantined": 2, "new_versions": 0, "warnings": 0, "balanced": True},
        "accounting": f"{n_ads + 3} input lines = {n_ads} analysed + 1 duplicates + 2 quarantined",
        "quarantine_reasons": {"missing id": 1, hostile or "unparsable JSON": 1},
        "identifiers": {"phones": {"ads_with_any": n_ads, "distinct": 4,
                                   "top": [["+17135550101", 90], ["+13055550102", 25]]}},
        "hubs": [{"identifier": hub, "kind": "phone", "reason": "in 40 templates",
                  "stats": {"templates": 40, "cities": 12}}],
        "timings_seconds": {"ingest": 0.5, "extract": 1.25},
        "warnings": [],
    }  # fmt: skip


def write_outputs(out: Path, *, hostile: str | None = None, with_risk: bool = False) -> Path:
    """Write ads/networks/templates parquet and summary.json into `out`; return `out`.

    With `hostile`, that text is planted in an ad's title, body, site, city and handle (so in
    the network's cities, movement and evidence, and as a node of its link graph), a persona,
    a template, a slot value, a quarantine reason and a hub identifier.
    """
    out.mkdir(parents=True, exist_ok=True)
    ads = _ads(hostile)
    pq.write_table(_ads_table(ads), out / "ads.parquet")
    rows = [_network_row(spec, ads, hostile) for spec in NETWORKS]
    pq.write_table(_networks_table(rows, with_risk), out / "networks.parquet")
    pq.write_table(_templates_table(ads, hostile), out / "templates.parquet")
    (out / "summary.json").write_text(json.dumps(_summary(len(ads), hostile)), encoding="utf-8")
    return out
