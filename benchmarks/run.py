"""`make bench`: run every benchmark, save its output, and write the figures into the README.

Each benchmark runs in its own process (fresh memory, its own baseline measured in the same
run) and prints its figures; this runner stores the text under benchmarks/results/NAME.txt and
rebuilds the README's performance section (between the bench markers) from the latest saved
output of every benchmark, each with the time it was measured. A failed benchmark keeps its
previous figures out of the README: its saved output says it failed.

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


def readme_section() -> str:
    """The README's performance section, from the latest saved output of every benchmark."""
    lines = [f"Measured on {platform.machine()}, Python {platform.python_version()}, 2 cores."]
    for name, title in BENCHMARKS.items():
        saved = RESULTS / f"{name}.txt"
        if not saved.exists():
            continue
        stamp = dt.datetime.fromtimestamp(saved.stat().st_mtime, dt.UTC).strftime("%Y-%m-%d %H:%M")
        lines += ["", f"**{title}** (`python -m benchmarks.bench_{name}`, {stamp} UTC)", "", "```"]
        lines += [saved.read_text(encoding="utf-8").strip(), "```"]
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
    update_readme(readme_section())
    print("README performance section updated (latest output of each benchmark, with its date)")


if __name__ == "__main__":
    main()
