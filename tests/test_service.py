"""The systemd user unit: installed for this install, verified and scored by systemd-analyze."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from syncd import service
from tests.conftest import ROOT, run

ANALYZE = shutil.which("systemd-analyze") or "/usr/bin/systemd-analyze"


@pytest.fixture
def odd_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home whose path needs quoting and escaping in a unit file."""
    home = tmp_path / "my home %h"
    monkeypatch.setenv("SYNCD_HOME", str(home))
    return home


def analyze(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "SYSTEMD_LOG_COLOR": "0", "SYSTEMD_PAGER": ""}
    return subprocess.run([ANALYZE, *args], capture_output=True, text=True, env=env, timeout=120, check=False)


def installed(cli: CliRunner, tmp_path: Path) -> Path:
    out = run(cli, "service", "install").output
    unit = tmp_path / "xdg-config" / "systemd" / "user" / "syncd.service"
    assert f"wrote {unit}" in out
    assert "systemctl --user enable --now syncd" in out and "journalctl --user -u syncd" in out
    return unit


def test_install_writes_a_unit_that_runs_this_syncd_for_this_home(cli: CliRunner, tmp_path: Path, odd_home: Path) -> None:
    unit = installed(cli, tmp_path)
    text = unit.read_text()
    exec_start = re.search(r"^ExecStart=(.*)$", text, re.M).group(1)  # type: ignore[union-attr]
    program = exec_start.split()[0]
    assert os.access(program, os.X_OK) and exec_start.endswith(" run --log-level info")
    assert 'Environment="SYNCD_HOME=' + str(odd_home).replace("%", "%%") + '"' in text
    assert 'ReadWritePaths="' + str(odd_home).replace("%", "%%") + '"' in text
    assert odd_home.is_dir() and (odd_home.stat().st_mode & 0o777) == 0o700  # created, for ReadWritePaths
    for line in ("Type=notify", "Restart=on-failure", "WatchdogSec=300", "NoNewPrivileges=yes", "ProtectSystem=strict",
                 "PrivateTmp=yes", "ProtectKernelTunables=yes", "ProtectKernelModules=yes", "ProtectKernelLogs=yes",
                 "ProtectControlGroups=yes", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6", "RestrictNamespaces=yes",
                 "LockPersonality=yes", "MemoryDenyWriteExecute=yes", "SystemCallFilter=@system-service",
                 "SystemCallArchitectures=native", "UMask=0077", "RestartPreventExitStatus=2"):
        assert f"\n{line}\n" in text, line


def test_systemd_analyze_verify_passes_without_a_word_on_stderr(cli: CliRunner, tmp_path: Path, odd_home: Path) -> None:
    unit = installed(cli, tmp_path)
    done = analyze("--user", "verify", str(unit), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and done.stdout == ""


def test_security_exposure_is_at_most_four(cli: CliRunner, tmp_path: Path, odd_home: Path) -> None:
    unit = installed(cli, tmp_path)
    done = analyze("security", "--user", "--offline=true", "--no-pager", str(unit), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    score = float(re.search(r"Overall exposure level for syncd\.service: ([0-9.]+)", done.stdout).group(1))  # type: ignore[union-attr]
    print(f"exposure {score}")
    assert score <= 4.0, done.stdout
    # and what earns it is really there: without the hardening the score is bad
    bare = tmp_path / "bare" / "syncd.service"
    bare.parent.mkdir()
    bare.write_text(re.sub(r"\nNoNewPrivileges=.*?UMask=0077\n", "\n", unit.read_text(), flags=re.S))
    worse = analyze("security", "--user", "--offline=true", "--no-pager", str(bare), tmp_path=tmp_path)
    assert float(re.search(r"exposure level for syncd\.service: ([0-9.]+)", worse.stdout).group(1)) > 8.0  # type: ignore[union-attr]


def test_install_now_enables_and_starts_it(cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls"
    (bin_dir / "systemctl").write_text(f"#!/bin/sh\necho \"$@\" >> {calls}\n")
    (bin_dir / "systemctl").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    out = run(cli, "service", "install", "--now").output
    assert calls.read_text().splitlines() == ["--user daemon-reload", "--user enable --now syncd"]
    assert "ran: systemctl --user enable --now syncd" in out
    out = run(cli, "service", "uninstall").output
    assert calls.read_text().splitlines()[2:] == ["--user disable --now syncd", "--user daemon-reload"]
    assert "removed" in out and not (tmp_path / "xdg-config" / "systemd" / "user" / "syncd.service").exists()
    assert "no syncd unit was installed" in run(cli, "service", "uninstall").output


def test_the_unit_in_the_source_tree_is_the_rendered_default() -> None:
    assert (ROOT / "systemd" / "syncd.service").read_text() == service.render(service.DEFAULT_PLAN)


@pytest.mark.parametrize("word, quoted", [
    ("/usr/bin/syncd", "/usr/bin/syncd"),
    ("/home/me/my venv/bin/syncd", '"/home/me/my venv/bin/syncd"'),
    ("/data/100%", "/data/100%%"),
    ('/odd "name"', '"/odd \\"name\\""'),
    ("$HOME", "$$HOME"),
])
def test_quoting(word: str, quoted: str) -> None:
    assert service.quote(word) == quoted
