"""syncd.parallel.ordered_map: results in order from worker processes, and the same work done
in this process when workers cannot start."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from syncd.parallel import ordered_map

ROOT = Path(__file__).resolve().parents[1]


def _square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_results_come_back_in_order_from_other_processes() -> None:
    items = ((f"k{n}", n) for n in range(25))
    out = list(ordered_map(_square_and_pid, items, 2))
    assert [k for k, _ in out] == [f"k{n}" for n in range(25)]
    assert [r for _, (r, _) in out] == [n * n for n in range(25)]
    assert os.getpid() not in {pid for _, (_, pid) in out}


def _dies_in_a_worker(n: int, parent: int) -> int:
    if os.getpid() != parent:
        os._exit(3)  # a worker killed (out of memory, a signal)
    return n * n


def test_when_workers_die_the_work_is_done_here() -> None:
    out = list(ordered_map(_dies_in_a_worker, ((n, n) for n in range(9)), 2, os.getpid()))
    assert out == [(n, n * n) for n in range(9)]


def test_a_script_without_a_main_guard_runs_once(tmp_path: Path) -> None:
    """A single-threaded program forks its workers: its main module is not run again in them."""
    script = tmp_path / "unguarded.py"
    script.write_text(textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from syncd.parallel import ordered_map
        out = list(ordered_map(abs, ((n, -n) for n in range(7)), 2))
        print("RESULT", out, flush=True)
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("RESULT") == 1
    assert "RESULT [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6)]" in done.stdout


def test_payloads_are_read_a_bounded_way_ahead_of_the_results() -> None:
    """Enough in flight that the workers go on while the caller lingers over one result,
    never the whole input (memory stays bounded)."""
    from syncd.parallel import AHEAD

    read: list[int] = []

    def items():  # type: ignore[no-untyped-def]
        for n in range(40):
            read.append(n)
            yield n, n

    ahead = []
    for handed, (key, result) in enumerate(ordered_map(abs, items(), 2), start=1):
        assert result == key
        ahead.append(len(read) - handed)
    assert max(ahead) == AHEAD * 2 - 1 and AHEAD >= 2  # more than one payload per worker waits its turn
