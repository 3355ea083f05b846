"""Crash safety against the Graph emulator: ``syncd sync`` killed with SIGKILL at random
moments of a first sync (resumed page by page from the saved nextLink) and of a full
resync after a 410 (started over), then synced again, leaves exactly the store a clean
sync makes: nothing lost, nothing twice."""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

import pytest

from connectors.secrets import token_file, write_secret
from syncd import config as config_mod
from tests import graph_support
from tests import mailfactory as mf
from tests.emulators.authority import FakeAuthority
from tests.emulators.graph import GraphEmulator
from tests.graph_support import ME, options
from tests.test_crash import state_of, syncd

# The shared fixtures (pytest finds them by these names).
authority, graph, signed_in_cache = graph_support.authority, graph_support.graph, graph_support.signed_in_cache


def _fill(graph: GraphEmulator) -> None:
    for n in range(60):
        graph.state.add_mime(mf.message(f"Person {n % 13} <p{n % 13}@example.org>", ME, f"message {n}", f"body {n}",
                                        message_id=f"<k{n}@example.org>"), flags=("seen",) if n % 3 else ())
    for n in range(12):
        graph.state.add_mime(mf.message(ME, f"p{n}@example.org", f"sent {n}", "hello", message_id=f"<s{n}@me>"), "Sent")


def _home(path: Path, authority: FakeAuthority, graph: GraphEmulator, cache: bytes) -> Path:
    config = config_mod.load(path)
    config_mod.add_account(config, "office", "outlook", options(authority, graph, page_size=4))
    write_secret(token_file(path / "tokens", "office", "msal.json"), cache)
    return path


def _killed_then_finished(home: Path, rng: random.Random, full_time: float) -> int:
    landed = 0
    for _ in range(rng.randint(1, 2)):
        proc = syncd(home, "sync")
        time.sleep(rng.uniform(0.3, max(0.4, full_time * 0.9)))
        landed += proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    assert syncd(home, "sync").wait(120) == 0
    return landed


@pytest.mark.slow
def test_sigkill_mid_sync_and_mid_resync_loses_and_duplicates_nothing(
    graph: GraphEmulator, authority: FakeAuthority, signed_in_cache: bytes, tmp_path: Path,
) -> None:
    _fill(graph)
    graph.latency = 0.02
    clean = _home(tmp_path / "clean", authority, graph, signed_in_cache)
    started = time.monotonic()
    assert syncd(clean, "sync").wait(120) == 0
    full_time = time.monotonic() - started
    expected = state_of(clean)
    assert len(expected["messages"]) == 72

    rng = random.Random(20261126)
    landed = 0
    homes = []
    for run in range(4):
        home = _home(tmp_path / f"run{run}", authority, graph, signed_in_cache)
        landed += _killed_then_finished(home, rng, full_time)
        assert state_of(home) == expected, f"run {run} differs from a clean sync"
        homes.append(home)
    assert landed >= 3

    # A mailbox move: every delta state forgotten (410) and every id new. Killed mid-resync,
    # each home ends like a clean sync of the moved mailbox.
    graph.state.expire()
    fresh = _home(tmp_path / "fresh", authority, graph, signed_in_cache)
    assert syncd(fresh, "sync").wait(120) == 0
    moved = state_of(fresh)
    assert moved["messages"] == expected["messages"] and moved["locations"] != expected["locations"]
    for home in homes[:2]:
        _killed_then_finished(home, rng, full_time)
        assert state_of(home) == moved
