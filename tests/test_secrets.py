"""Tokens on disk: 0600 from the first byte, atomic, and refused when others can read them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from connectors.secrets import read_secret, token_file, write_secret
from syncd.errors import ConfigError


def test_written_private_in_a_private_folder(tmp_path: Path) -> None:
    path = token_file(tmp_path / "tokens", "work/gmail")
    assert path.parent == tmp_path / "tokens" and "/" not in path.name
    write_secret(path, '{"refresh_token": "r"}')
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert read_secret(path) == b'{"refresh_token": "r"}'
    write_secret(path, b"second")
    assert read_secret(path) == b"second"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left behind


def test_missing_is_none_and_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    assert read_secret(path) is None
    path.write_text("x")
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        read_secret(path)
