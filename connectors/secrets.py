"""Secrets on disk: OAuth tokens and caches under ``$SYNCD_HOME/tokens/``.

Written atomically (a temporary file in the same folder, then ``os.replace``), created
0600 from the start (never chmod-ed after the fact, so there is no moment when another
user could read them), in a 0700 folder. Their contents are never logged.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from syncd.errors import ConfigError


def token_file(tokens_dir: Path, account: str, suffix: str = "json") -> Path:
    """Where an account's token lives: ``tokens/<account>.<suffix>``."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in account)
    return tokens_dir / f"{safe}.{suffix}"


def write_secret(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` with mode 0600, atomically."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mkstemp: 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_secret(path: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist. A file others can read is
    refused (``chmod 600``), as ssh refuses a readable key."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    if info.st_mode & 0o077:
        raise ConfigError(
            f"{path} can be read by others (mode {stat.S_IMODE(info.st_mode):04o}); run `chmod 600 {path}`"
        )
    return path.read_bytes()
