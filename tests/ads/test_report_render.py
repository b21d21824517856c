"""render_report: one self-contained, escaped, bounded page from an output folder."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lightkeeper.ads.report import render_report
from lightkeeper.ads.report.render import CSP
from lightkeeper.errors import InputError
from tests.ads.report_outputs import HOSTILE, write_outputs


class _Tags(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


@pytest.fixture
def hostile_report(tmp_path: Path) -> str:
    return render_report(write_outputs(tmp_path, hostile=HOSTILE)).read_text(encoding="utf-8")


def test_report_has_every_part(tmp_path: Path) -> None:
    html = render_report(write_outputs(tmp_path)).read_text(encoding="utf-8")
    for heading in ("Corpus summary", "Largest networks", "Fastest-growing networks", "Networks"):
        assert f">{heading}</h2>" in html
    assert "131 input lines = 128 analysed" in html
    assert "+18005550000" in html  # the hub identifier from the summary
    assert 'id="n-net-aaaaaaaaaaaa"' in html and 'href="#n-net-aaaaaaaaaaaa"' in html
    assert "<mark" in html and ">name</mark>" in html  # template slots highlighted
    assert html.count("<svg") == 3 * 4  # timeline, map, graph for each of the 4 networks
    assert "Highest-risk" not in html  # no risk columns yet


def test_report_head_forbids_requests_and_scripts(tmp_path: Path) -> None:
    html = render_report(write_outputs(tmp_path)).read_text(encoding="utf-8")
    metas = [a for t, a in tags_of(html) if t == "meta" and a.get("http-equiv")]
    assert metas == [{"http-equiv": "Content-Security-Policy", "content": CSP}]
    assert "default-src 'none'" in CSP and "script-src" not in CSP
    tags = tags_of(html)
    assert not [t for t, _ in tags if t in {"script", "link", "iframe", "img", "object", "embed"}]
    hrefs = [a.get("href") or "" for _, a in tags if "href" in a]
    assert hrefs and all(h.startswith("#") for h in hrefs)  # in-page anchors only
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html)
    assert "@import" not in html and "url(" not in html


def test_hostile_text_is_escaped_everywhere(hostile_report: str) -> None:
    tags = tags_of(hostile_report)
    assert not [t for t, _ in tags if t in {"script", "img", "iframe"}]
    assert not [name for _, attrs in tags for name in attrs if name.startswith("on")]
    assert not [a for _, a in tags if "javascript:" in (a.get("href") or "")]
    escaped = "&lt;script&gt;window.__pwned=1&lt;/script&gt;"
    # Ad title, body, site and city, the network's cities, movement and evidence, its link
    # graph, a persona, the template, a slot value, a quarantine reason, a hub.
    assert hostile_report.count(escaped) >= 12
    assert "javascript:window.__pwned=1" in hostile_report  # the ad URL, shown as text only


def test_report_ranks_by_risk_when_scored(tmp_path: Path) -> None:
    html = render_report(write_outputs(tmp_path, with_risk=True)).read_text(encoding="utf-8")
    assert html.index("Highest-risk networks") < html.index("Largest networks")
    articles = re.findall(r'<article class="network" id="([^"]+)"', html)
    assert articles[:3] == ["n-net-cccccccccccc", "n-net-aaaaaaaaaaaa", "n-net-bbbbbbbbbbbb"]
    assert "moves between cities" in html and "0.91" in html


def test_report_is_deterministic(tmp_path: Path) -> None:
    out = write_outputs(tmp_path, with_risk=True)
    first = render_report(out).read_bytes()
    assert render_report(out).read_bytes() == first
    assert not (out / "report.html.tmp").exists()


def test_report_with_nothing_but_a_folder(tmp_path: Path) -> None:
    html = render_report(tmp_path).read_text(encoding="utf-8")
    assert "networks.parquet is missing." in html and "No networks to show." in html


def test_report_tolerates_absent_optional_columns(tmp_path: Path) -> None:
    out = write_outputs(tmp_path)
    nets = pq.read_table(out / "networks.parquet")
    keep = ["network_id", "ad_count", "phones", "first_seen", "last_seen"]
    pq.write_table(nets.select(keep), out / "networks.parquet")
    ads = pq.read_table(out / "ads.parquet")
    pq.write_table(ads.drop_columns(["template_id"]), out / "ads.parquet")
    (out / "templates.parquet").unlink()
    html = render_report(out).read_text(encoding="utf-8")
    assert "Largest networks" in html and "Fastest-growing" not in html
    assert "templates.parquet is missing." in html


def test_report_rejects_a_corrupt_input(tmp_path: Path) -> None:
    out = write_outputs(tmp_path)
    (out / "networks.parquet").write_bytes(b"not parquet")
    with pytest.raises(InputError, match=r"networks\.parquet"):
        render_report(out)
    (out / "networks.parquet").unlink()
    (out / "summary.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputError, match="summary"):
        render_report(out)


def test_report_stays_small_whatever_the_input(tmp_path: Path) -> None:
    """Huge texts and lists are capped: 40 networks of oversized content stay under 3 MB."""
    out = write_outputs(tmp_path)
    nets = pq.read_table(out / "networks.parquet").to_pylist()
    big = nets[0]
    big["phones"] = [f"+1555{i:07d}" for i in range(20_000)]
    big["personas"] = ["x" * 100_000]
    big["evidence"] = [{"kind": "phone", "value": p, "ad_count": 2} for p in big["phones"][:5000]]
    big["movement"] = big["movement"] * 500
    rows = [{**big, "network_id": f"net-{i:012d}", "ad_count": 100 + i} for i in range(40)]
    schema = pq.read_schema(out / "networks.parquet")
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), out / "networks.parquet")
    tpl = pq.read_table(out / "templates.parquet").to_pylist()
    tpl[0]["text"] = "{{name}} " * 100_000
    schema = pq.read_schema(out / "templates.parquet")
    pq.write_table(pa.Table.from_pylist(tpl, schema=schema), out / "templates.parquet")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    summary["hubs"] = [{"identifier": "y" * 1000, "kind": "phone"}] * 10_000
    (out / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    html = render_report(out, top=40).read_text(encoding="utf-8")
    assert len(html.encode()) < 3_000_000
    assert "+9,950 more hub identifiers" in html and "+19,975 more" in html
