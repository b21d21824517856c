"""Risk figures on a synth corpus: ROC AUC of ad, network and job-offer scores, and speed.

Run: `.venv/bin/python -m benchmarks.bench_risk [--ads N] [--corpus FILE]`.

- Ad level: `risk_score` of escort and massage ads against the truth `risky` (planted
  trafficking-like operators).
- Network level: `risk_score` of the networks the pipeline finds (templates, then linking)
  against "most of its ads come from risky operators", over networks with escort or massage ads.
- Job offers: the `check-job` score of each job ad against the truth `deceptive`.
- Baselines measured in the same run: the same indicators with weights fitted on the truth by
  cross-validated logistic regression (what `lightkeeper train` would give: the most these
  indicators can do), and, for speed, the floor of parsing every record and scanning its text once.
- Every non-zero score must have at least one reason that raised it: the count of violations.

The synthetic corpus cannot validate the weights on real outcomes: these figures check that the
machinery ranks what the generator planted, nothing more.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lightkeeper.ads.indicators import load_catalogue, score_ads, score_networks
from lightkeeper.ads.indicators.combine import with_network_context
from lightkeeper.ads.indicators.train import fit_weights
from lightkeeper.prevent import job_offer_scores

CACHE = Path(__file__).parent / ".cache"
RESULTS = Path(__file__).parent / "results"


def run(corpus: Path | None = None, *, ads: int = 20_000, seed: int = 7) -> dict[str, Any]:
    """Measure the risk scores on a synth corpus (generated and cached when not given)."""
    from sklearn.metrics import roc_auc_score

    path = corpus or _synth_corpus(ads, seed)
    table, pipeline_networks = _analysed(path)
    truth = _truth(path)
    rows = [
        truth[(i, v)]
        for i, v in zip(table["id"].to_pylist(), table["version"].to_pylist(), strict=True)
    ]
    catalogue = load_catalogue()

    t0 = time.process_time()
    scored = score_ads(table, catalogue=catalogue)
    ad_seconds = time.process_time() - t0
    kind = np.array([r["kind"] for r in rows])
    risky = np.array([bool(r["risky"]) for r in rows])
    score = np.asarray(scored["risk_score"].to_numpy())
    companion = kind != "job"

    labels = {f"{r['id']}": int(bool(r["risky"])) for r in rows if r["kind"] != "job"}
    fitted = fit_weights(table.filter(pa.array(companion)), labels, catalogue=catalogue)

    networks, net_ids, how = _networks(table, pipeline_networks)
    ads_net = table.drop_columns([c for c in ("network_id",) if c in table.column_names])
    ads_net = ads_net.append_column("network_id", pa.array(net_ids, pa.string()))
    for name in scored.column_names:
        ads_net = ads_net.append_column(name, scored[name])
    t0 = time.process_time()
    net_scores = score_networks(ads_net, networks, catalogue=catalogue)
    net_seconds = time.process_time() - t0
    in_context = with_network_context(ads_net, net_scores, catalogue=catalogue)
    score_in_context = np.asarray(in_context["risk_score"].to_numpy())
    net_truth, net_mask = _network_truth(net_scores["network_id"].to_pylist(), net_ids, rows)
    net_score = np.asarray(net_scores["risk_score"].to_numpy())

    jobs = np.nonzero(kind == "job")[0]
    deceptive = np.array([bool(rows[i]["deceptive"]) for i in jobs])
    texts = [
        _text(t, b)
        for t, b in zip(table["title"].to_pylist(), table["body"].to_pylist(), strict=True)
    ]
    job_scores = np.array(job_offer_scores([texts[i] for i in jobs], catalogue=catalogue))

    floor = _floor_seconds(texts)
    figures: dict[str, Any] = {
        "corpus": path.name,
        "ads": table.num_rows,
        "ad_level": {
            "ads": int(companion.sum()),
            "risky": int(risky[companion].sum()),
            "roc_auc": round(
                float(roc_auc_score(risky[companion], score_in_context[companion])), 4
            ),
            "roc_auc_text_only": round(float(roc_auc_score(risky[companion], score[companion])), 4),
            "roc_auc_fitted_weights_cv": round(fitted.auc_fitted, 4),
            "share_scored_above_zero": round(float((score[companion] > 0).mean()), 4),
            "indicator_rates": _rates(scored["indicators"].to_pylist(), companion, risky),
        },
        "network_level": {
            "networks": how,
            "networks_scored": int(net_mask.sum()),
            "risky": int(net_truth[net_mask].sum()),
            "roc_auc": round(float(roc_auc_score(net_truth[net_mask], net_score[net_mask])), 4),
            "roc_auc_2_or_more_ads": _auc_for_sizes(net_scores, ads_net, net_truth, net_mask),
        },
        "job_check": {
            "job_ads": len(jobs),
            "deceptive": int(deceptive.sum()),
            "roc_auc": round(float(roc_auc_score(deceptive, job_scores)), 4),
            "flagged_medium_or_high": {
                "deceptive": round(float((job_scores[deceptive] >= 0.2).mean()), 4),
                "legitimate": round(float((job_scores[~deceptive] >= 0.2).mean()), 4),
            },
        },
        "reasons": {
            "ads_scored_without_a_raising_reason": _unexplained(in_context),
            "networks_scored_without_a_raising_reason": _unexplained(net_scores),
        },
        "speed": {
            "score_ads_cpu_seconds": round(ad_seconds, 3),
            "score_ads_us_per_ad": round(1e6 * ad_seconds / table.num_rows, 1),
            "score_networks_cpu_seconds": round(net_seconds, 3),
            "floor_cpu_seconds": round(floor, 3),
            "ratio_to_floor": round(ad_seconds / floor, 2),
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "risk.json").write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    return figures


def _synth_corpus(ads: int, seed: int) -> Path:
    from lightkeeper.synth import write_corpus

    path = CACHE / f"synth-{ads}-{seed}.jsonl"
    if not path.exists() or not _truth_path(path).exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        write_corpus(path, ads=ads, seed=seed)
    return path


def _truth_path(corpus: Path) -> Path:
    stem = corpus.name.removesuffix(".gz").removesuffix(".jsonl")
    return corpus.with_name(f"{stem}.truth.jsonl")


def _truth(corpus: Path) -> dict[tuple[str, int], dict[str, Any]]:
    truth = {}
    with _truth_path(corpus).open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            truth[(row["id"], int(row.get("version", 1)))] = row
    return truth


SCORE_COLUMNS = ("indicators", "risk_score", "risk_reasons", "network_indicators")


def _analysed(corpus: Path) -> tuple[pa.Table, pa.Table | None]:
    """ads.parquet and networks.parquet of `lightkeeper analyze` on the corpus (cached), without
    any score columns: this benchmark computes and times the scores itself."""
    from lightkeeper.ads.pipeline import analyze

    out = CACHE / f"risk-{corpus.name.removesuffix('.gz').removesuffix('.jsonl')}"
    ads = out / "ads.parquet"
    if not ads.exists() or ads.stat().st_mtime < corpus.stat().st_mtime:
        analyze([corpus], out)
    networks = out / "networks.parquet"
    return _unscored(pq.read_table(ads)), _unscored(
        pq.read_table(networks)
    ) if networks.exists() else None


def _unscored(table: pa.Table) -> pa.Table:
    return table.drop_columns([c for c in SCORE_COLUMNS if c in table.column_names])


def _networks(ads: pa.Table, networks: pa.Table | None) -> tuple[pa.Table, list[str], str]:
    """The pipeline's networks, or, when `analyze` does not link yet, templates then linking."""
    if networks is not None and "network_id" in ads.column_names:
        return networks, ads["network_id"].to_pylist(), "lightkeeper analyze (templates + linking)"
    from lightkeeper.ads.link import link_ads
    from lightkeeper.ads.networks import summarise_networks
    from lightkeeper.ads.templates.cluster import cluster_templates

    template_ids = cluster_templates(ads).template_ids
    link = link_ads(ads, template_ids)
    summary = summarise_networks(ads, link.network_ids, template_ids, link)
    return summary, list(link.network_ids), "templates + linking run here"


def _network_truth(
    net_ids: list[str], ad_nets: list[str], rows: list[dict[str, Any]]
) -> tuple[np.ndarray, np.ndarray]:
    """Per network: risky when most of its ads come from risky operators; scored when it has
    escort or massage ads."""
    risky: Counter[str] = Counter()
    total: Counter[str] = Counter()
    companion: Counter[str] = Counter()
    for net, row in zip(ad_nets, rows, strict=True):
        total[net] += 1
        risky[net] += bool(row["risky"])
        companion[net] += row["kind"] != "job"
    truth = np.array([risky[n] * 2 > total[n] for n in net_ids])
    mask = np.array([companion[n] > 0 for n in net_ids])
    return truth, mask


def _auc_for_sizes(
    net_scores: pa.Table, ads: pa.Table, truth: np.ndarray, mask: np.ndarray
) -> float:
    from sklearn.metrics import roc_auc_score

    sizes = Counter(ads["network_id"].to_pylist())
    big = np.array([sizes[n] >= 2 for n in net_scores["network_id"].to_pylist()]) & mask
    scores = np.asarray(net_scores["risk_score"].to_numpy())
    return round(float(roc_auc_score(truth[big], scores[big])), 4)


def _rates(
    indicators: list[list[str]], companion: np.ndarray, risky: np.ndarray
) -> dict[str, list[float]]:
    """Per indicator: (share of risky ads, share of other ads) showing it."""
    out: dict[str, list[float]] = {}
    for group, mask in ((0, companion & risky), (1, companion & ~risky)):
        counts = Counter(code for i in np.nonzero(mask)[0] for code in indicators[i])
        for code, n in counts.items():
            out.setdefault(code, [0.0, 0.0])[group] = round(n / max(1, int(mask.sum())), 3)
    return dict(sorted(out.items()))


def _unexplained(scores: pa.Table) -> int:
    count = 0
    for score, reasons in zip(
        scores["risk_score"].to_pylist(), scores["risk_reasons"].to_pylist(), strict=True
    ):
        if score > 0 and not any(r["contribution"] > 0 for r in reasons):
            count += 1
    return count


def _text(title: str | None, body: str | None) -> str:
    return "\n".join(part for part in (title, body) if part)


def _floor_seconds(texts: list[str]) -> float:
    """The least any text stage must do: scan each text once with one compiled pattern."""
    import re

    pattern = re.compile(r"\d{3}")
    t0 = time.process_time()
    for text in texts:
        pattern.findall(text)
    return time.process_time() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ads", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=None)
    args = parser.parse_args()
    f = run(args.corpus, ads=args.ads, seed=args.seed)
    ad, net, job, speed = f["ad_level"], f["network_level"], f["job_check"], f["speed"]
    print(f"{f['corpus']}: {f['ads']} ads (details in benchmarks/results/risk.json)")
    print(
        f"ad level      ROC AUC {ad['roc_auc']:.4f} (text alone {ad['roc_auc_text_only']:.4f}, "
        f"weights fitted on the truth {ad['roc_auc_fitted_weights_cv']:.4f}), "
        f"{ad['ads']} ads, {ad['risky']} risky"
    )
    print(f"network level ROC AUC {net['roc_auc']:.4f}, {net['networks_scored']} networks")
    print(
        f"job check     ROC AUC {job['roc_auc']:.4f}; rated medium or high: "
        f"{job['flagged_medium_or_high']['deceptive']:.0%} of deceptive, "
        f"{job['flagged_medium_or_high']['legitimate']:.0%} of legitimate offers"
    )
    print(f"non-zero scores without a raising reason: {f['reasons']}")
    print(f"score_ads {speed['score_ads_us_per_ad']} us/ad, {speed['ratio_to_floor']}x the floor")


if __name__ == "__main__":
    main()
