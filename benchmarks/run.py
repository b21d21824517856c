"""`make bench`: run every benchmark, save its output, and write the figures into the README.

Each benchmark runs in its own process (fresh memory, its own baseline measured in the same
run) and prints its figures; this runner stores the text under benchmarks/results/ and replaces
the README's performance section (between the bench markers) with it.

Run: `.venv/bin/python -m benchmarks.run [--only extract,mse] [--sizes 100000,1000000]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

BENCHMARKS: dict[str, str] = {
    "extract": "Extraction quality and speed (20,000 synth ads)",
    "templates": "Templates: same-template pairwise scores (20,000 synth ads)",
    "networks": "Networks: same-network pairwise scores, hubs on and off (20,000 synth ads)",
    "risk": "Risk: ROC AUC at ad and network level, job-offer check (20,000 synth ads)",
    "mse": "MSE: UK six lists, 1,000 bootstrap replicates with selection in each",
    "pipeline": "End to end: `analyze` on 100,000 and 1,000,000 synth ads (report excluded)",
}


def run_one(name: str, extra: list[str]) -> str:
    """Run benchmarks/bench_NAME.py in a fresh process and return what it printed."""
    done = subprocess.run(
        [sys.executable, "-m", f"benchmarks.bench_{name}", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return f"FAILED (exit {done.returncode}):\n{done.stderr.strip()[-2000:]}"
    return done.stdout.strip()


def readme_section(outputs: dict[str, str]) -> str:
    """The README's performance section for these outputs."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Last measured {stamp} on {platform.machine()}, Python {platform.python_version()}."]
    for name, text in outputs.items():
        lines += ["", f"**{BENCHMARKS[name]}** (`python -m benchmarks.bench_{name}`)", "", "```"]
        lines += [text, "```"]
    return "\n".join(lines)


def update_readme(section: str) -> None:
    """Replace the text between the bench markers of the README."""
    text = README.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    README.write_text(f"{head}{START}\n{section}\n{END}{tail}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default=",".join(BENCHMARKS))
    parser.add_argument("--sizes", default="100000,1000000", help="pipeline corpus sizes")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    outputs: dict[str, str] = {}
    for name in args.only.split(","):
        extra = ["--sizes", args.sizes] if name == "pipeline" else []
        print(f"== {name}", flush=True)
        outputs[name] = run_one(name, extra)
        print(outputs[name], flush=True)
        (RESULTS / f"{name}.txt").write_text(outputs[name] + "\n", encoding="utf-8")
    if set(outputs) == set(BENCHMARKS):
        update_readme(readme_section(outputs))
        print("README performance section updated")
    else:
        print("partial run: README left as it is (run all benchmarks to update it)")


if __name__ == "__main__":
    main()
