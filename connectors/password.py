"""Passwords for accounts that log in with one (IMAP, SMTP).

A password never sits in ``config.toml``: the config names a file (``password_file``)
or an environment variable (``password_env``). The file must be the user's own and
unreadable by anyone else (mode 0600, as ssh demands of its keys); a group- or
world-readable file is refused with the command that fixes it. The password itself is
never logged or put in an error message.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from syncd.errors import ConfigError


def check_password_file(path: str | os.PathLike[str]) -> Path:
    """The file, if it exists, is a regular file, is ours and is private; else ``ConfigError``."""
    file = Path(path).expanduser()
    try:
        info = file.stat()
    except FileNotFoundError as err:
        raise ConfigError(f"password file {file} does not exist") from err
    except OSError as err:
        raise ConfigError(f"password file {file} cannot be read: {err.strerror}") from err
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"password file {file} is not a regular file")
    if info.st_mode & 0o077:
        raise ConfigError(
            f"password file {file} can be read by others (mode {stat.S_IMODE(info.st_mode):04o}); "
            f"run `chmod 600 {file}`"
        )
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        raise ConfigError(f"password file {file} belongs to another user")
    return file


def read_password(options: Mapping[str, Any], account: str) -> str:
    """The password named by ``password_file`` or ``password_env``."""
    if options.get("password_file"):
        file = check_password_file(options["password_file"])
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise ConfigError(f"password file {file} cannot be read: {err}") from err
        password = text.rstrip("\r\n")
        if not password:
            raise ConfigError(f"password file {file} is empty")
        return password
    variable = options.get("password_env")
    if variable:
        value = os.environ.get(variable)
        if not value:
            raise ConfigError(f"account {account}: environment variable {variable} is not set")
        return value
    raise ConfigError(f"account {account}: set password_file (a 0600 file) or password_env")
