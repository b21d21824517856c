"""The benchmark's process-tree memory sampler (summed PSS of a process and its workers)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from benchmarks import tree_memory

pytestmark = pytest.mark.skipif(not tree_memory.supported(), reason="needs /proc smaps_rollup")

# A parent that allocates 80 MB, forks two children that each allocate 60 MB more of their own,
# and holds everything for a moment.
_TREE = """
import os, sys, time
held = bytearray(80 * 2**20)
for i in range(0, len(held), 4096):
    held[i] = 1
kids = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        own = bytearray(60 * 2**20)
        for i in range(0, len(own), 4096):
            own[i] = 1
        time.sleep(3)
        os._exit(0)
    kids.append(pid)
print("ready", flush=True)
for pid in kids:
    os.waitpid(pid, 0)
"""


def test_descendants_lists_the_process_and_its_forked_children() -> None:
    with subprocess.Popen([sys.executable, "-c", _TREE], stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.5)
        tree = tree_memory.descendants(proc.pid)
        proc.stdout.read()
    assert tree[0] == proc.pid
    assert len(tree) == 3


def test_peak_counts_shared_pages_once_and_private_pages_of_every_process() -> None:
    with (
        subprocess.Popen([sys.executable, "-c", _TREE], stdout=subprocess.PIPE, text=True) as proc,
        tree_memory.TreeMemory(proc.pid, every=0.05) as memory,
    ):
        assert proc.stdout is not None
        proc.stdout.read()
    peak = memory.peak_mb
    # 80 MB shared by three processes counts once, plus 2 x 60 MB private: about 200 MB (and the
    # interpreters). Adding RSS would count the 80 MB three times (at least 360 MB).
    assert 200 <= peak < 320


def test_a_finished_process_counts_nothing() -> None:
    proc = subprocess.run([sys.executable, "-c", "pass"], check=True)
    assert proc.returncode == 0
    assert tree_memory.tree_pss_kb(2**22 + 12345) == 0
