"""Configuration (TOML) and paths.

``$SYNCD_HOME`` holds everything when set: ``config.toml``, ``syncd.db``, ``outbox/``,
``tokens/``. Otherwise the config lives in platformdirs' user config dir and the data
in its user data dir. The file is meant to be read and edited by hand; syncd edits it
with tomlkit so the user's comments and layout survive ``syncd account add``.

Every mistake in the file is reported as ``ConfigError`` naming the file, the line and
the key, and the CLI turns it into exit code 2.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs
import tomlkit

from syncd.errors import ConfigError

APP = "syncd"

# What each account kind needs (key -> type) and may have. Connectors themselves
# take plain arguments; this table is the one place the file's shape is checked.
_STR, _LIST, _INT, _BOOL = str, list, int, bool
KINDS: dict[str, dict[str, tuple[type, bool]]] = {
    "maildir": {"path": (_STR, True), "addresses": (_LIST, True)},
    "ics": {"path": (_STR, True), "timezone": (_STR, False)},
    "imap": {
        "host": (_STR, True), "port": (_INT, False), "tls": (_STR, False), "username": (_STR, True),
        "addresses": (_LIST, True), "password_file": (_STR, False), "password_env": (_STR, False),
        "folders": (_LIST, False), "cafile": (_STR, False), "smtp_host": (_STR, False), "smtp_port": (_INT, False),
        "smtp_tls": (_STR, False), "smtp_username": (_STR, False),
    },
    "gmail": {
        "addresses": (_LIST, True), "client_secrets": (_STR, False), "api_base": (_STR, False), "oauth_base": (_STR, False),
        "quota_per_minute": (_INT, False), "get_units": (_INT, False), "history_units": (_INT, False), "timeout": (_INT, False),
        "thread_units": (_INT, False), "calendar_per_minute": (_INT, False), "fetch": (_STR, False),
    },
    "outlook": {
        "addresses": (_LIST, True), "tenant": (_STR, False), "client_id": (_STR, False), "graph_base": (_STR, False),
        "authority": (_STR, False), "cafile": (_STR, False), "folders": (_LIST, False), "page_size": (_INT, False),
    },
}
_COMMON = {"kind": (_STR, True), "interval": (_INT, False), "enabled": (_BOOL, False)}
_SETTINGS: dict[str, type] = {
    "timezone": str,
    "database_url": str,
    "briefing_time": str,
    "briefing_to": str,
    "skip_empty_briefing": bool,
    "briefing_until": str,
    "window_past_days": int,
    "window_future_days": int,
    "addresses": list,
    "nudges_per_week": int,
}


@dataclass(frozen=True)
class Paths:
    config_file: Path
    data_dir: Path

    @property
    def db_file(self) -> Path:
        return self.data_dir / "syncd.db"

    @property
    def outbox(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def tokens(self) -> Path:
        return self.data_dir / "tokens"


def paths(home: str | os.PathLike[str] | None = None) -> Paths:
    """Where things live: ``home`` (or ``$SYNCD_HOME``) holds all, else platformdirs."""
    home = home or os.environ.get("SYNCD_HOME")
    if home:
        root = Path(home).expanduser().resolve()
        return Paths(config_file=root / "config.toml", data_dir=root)
    return Paths(
        config_file=Path(platformdirs.user_config_dir(APP)) / "config.toml",
        data_dir=Path(platformdirs.user_data_dir(APP)),
    )


@dataclass(frozen=True)
class AccountConfig:
    name: str
    kind: str
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def addresses(self) -> tuple[str, ...]:
        return tuple(a.lower() for a in self.options.get("addresses", ()))

    @property
    def interval(self) -> int:
        return int(self.options.get("interval", 300))


@dataclass(frozen=True)
class Config:
    paths: Paths
    accounts: tuple[AccountConfig, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def self_addresses(self) -> frozenset[str]:
        found = {a.lower() for a in self.settings.get("addresses", ())}
        for account in self.accounts:
            found.update(account.addresses)
        return frozenset(found)

    @property
    def database_url(self) -> str:
        return str(self.settings.get("database_url") or f"sqlite:///{self.paths.db_file}")

    @property
    def timezone(self) -> dt.tzinfo:
        name = self.settings.get("timezone")
        if name:
            return zoneinfo.ZoneInfo(name)
        local = dt.datetime.now().astimezone().tzinfo  # the machine's zone, not "now"
        return local or dt.UTC

    @property
    def timezone_name(self) -> str:
        """The configured IANA zone, else the machine's (TZ, /etc/timezone, /etc/localtime), else UTC."""
        return str(self.settings.get("timezone") or local_zone_name())

    @property
    def window_days(self) -> tuple[int, int]:
        return (
            int(self.settings.get("window_past_days", 400)),
            int(self.settings.get("window_future_days", 60)),
        )

    def account(self, name: str) -> AccountConfig:
        for account in self.accounts:
            if account.name == name:
                return account
        known = ", ".join(a.name for a in self.accounts) or "none yet"
        raise ConfigError(f"no account named {name!r} (accounts: {known})")


def local_zone_name() -> str:
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    try:
        target = os.readlink("/etc/localtime")
        candidates.append(target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else "")
    except OSError:
        pass
    for name in candidates:
        if name:
            try:
                zoneinfo.ZoneInfo(name)
                return name
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return "UTC"


def _line_of(text: str, key_path: str) -> int | None:
    """The line where a dotted key is defined, best effort, for error messages."""
    parts = key_path.split(".")
    lines = text.splitlines()
    table = ".".join(parts[:-1])
    in_table = not table
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]$", stripped)
        if header:
            name = header.group(1).replace('"', "").replace(" ", "")
            in_table = name == table
            if in_table and len(parts) == 1:
                return number
            continue
        if in_table and re.match(rf'^"?{re.escape(parts[-1])}"?\s*=', stripped):
            return number
    if table:
        for number, line in enumerate(lines, 1):
            if line.strip().replace('"', "").replace(" ", "") == f"[{table}]":
                return number
    return None


def _fail(file: Path, text: str, key_path: str, message: str) -> ConfigError:
    line = _line_of(text, key_path)
    where = f"{file}:{line}" if line else str(file)
    return ConfigError(f"{where}: {key_path}: {message}")


def load(home: str | os.PathLike[str] | None = None) -> Config:
    """Read and check the config. A missing file is an empty config, not an error."""
    return load_at(paths(home))


def load_at(where: Paths) -> Config:
    file = where.config_file
    if not file.exists():
        return Config(paths=where)
    text = file.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{file}: not valid TOML: {err}") from err
    settings = raw.get("syncd", {})
    if not isinstance(settings, dict):
        raise _fail(file, text, "syncd", "must be a table ([syncd])")
    for key, value in settings.items():
        expected = _SETTINGS.get(key)
        if expected is None:
            raise _fail(file, text, f"syncd.{key}", f"unknown setting (known: {', '.join(sorted(_SETTINGS))})")
        if not isinstance(value, expected):
            raise _fail(file, text, f"syncd.{key}", f"must be a {expected.__name__}")
    if "timezone" in settings:
        try:
            zoneinfo.ZoneInfo(settings["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as err:
            raise _fail(file, text, "syncd.timezone", f"unknown time zone {settings['timezone']!r}") from err
    accounts = []
    table = raw.get("accounts", {})
    if not isinstance(table, dict):
        raise _fail(file, text, "accounts", "must be a table of accounts ([accounts.NAME])")
    for name, options in table.items():
        if not isinstance(options, dict):
            raise _fail(file, text, f"accounts.{name}", "must be a table")
        accounts.append(_check_account(file, text, name, options))
    unknown = set(raw) - {"syncd", "accounts"}
    if unknown:
        first = sorted(unknown)[0]
        raise _fail(file, text, first, "unknown section (expected [syncd] or [accounts.NAME])")
    _check_briefing(file, text, settings, accounts)
    return Config(paths=where, accounts=tuple(accounts), settings=dict(settings))


def _check_briefing(file: Path, text: str, settings: dict[str, Any], accounts: list[AccountConfig]) -> None:
    """``briefing_time`` is a time of day ("07:00", or "off"); ``briefing_to`` is one of the user's own addresses."""
    at = settings.get("briefing_time")
    if at is not None and at.strip().lower() not in ("", "off", "none") and not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", at.strip()):
        raise _fail(file, text, "syncd.briefing_time", f"{at!r} is not a time of day like \"07:00\" (or \"off\")")
    to = settings.get("briefing_to")
    if to is not None:
        own = {str(a).lower() for a in settings.get("addresses", ())} | {a for acc in accounts for a in acc.addresses}
        if to.strip().lower() not in own:
            raise _fail(file, text, "syncd.briefing_to", f"{to!r} is not one of your own addresses "
                        f"({', '.join(sorted(own)) or 'none configured'}): syncd only sends mail to you")


def _check_account(file: Path, text: str, name: str, options: dict[str, Any]) -> AccountConfig:
    kind = options.get("kind")
    if kind not in KINDS:
        raise _fail(
            file, text, f"accounts.{name}.kind",
            f"unknown or missing kind {kind!r} (expected one of: {', '.join(sorted(KINDS))})",
        )
    spec = {**_COMMON, **KINDS[kind]}
    for key, (expected, required) in spec.items():
        if key not in options:
            if required:
                raise _fail(file, text, f"accounts.{name}.{key}", "required")
            continue
        if not isinstance(options[key], expected):
            raise _fail(file, text, f"accounts.{name}.{key}", f"must be a {expected.__name__}")
    for key in options:
        if key not in spec:
            raise _fail(file, text, f"accounts.{name}.{key}", f"unknown key for a {kind} account")
    for address in options.get("addresses", ()):
        if not isinstance(address, str) or "@" not in address:
            raise _fail(file, text, f"accounts.{name}.addresses", f"not an email address: {address!r}")
    return AccountConfig(name=name, kind=kind, options=dict(options))


def _document(file: Path) -> tomlkit.TOMLDocument:
    if file.exists():
        return tomlkit.parse(file.read_text(encoding="utf-8"))
    doc = tomlkit.document()
    doc.add(tomlkit.comment("syncd configuration: edit freely, syncd keeps your comments."))
    doc.add(tomlkit.nl())
    doc["syncd"] = tomlkit.table()
    doc["accounts"] = tomlkit.table(is_super_table=True)
    return doc


def _write(file: Path, doc: tomlkit.TOMLDocument) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_suffix(".toml.tmp")
    tmp.write_text(tomlkit.dumps(doc), encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, file)


def add_account(config: Config, name: str, kind: str, options: dict[str, Any]) -> Config:
    """Add an account to the file (checked first) and return the new config."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
        raise ConfigError(f"account name {name!r}: use letters, digits, '-', '_' or '.'")
    if any(a.name == name for a in config.accounts):
        raise ConfigError(f"an account named {name!r} exists already")
    _check_account(config.paths.config_file, "", name, {"kind": kind, **options})
    file = config.paths.config_file
    doc = _document(file)
    accounts = doc.setdefault("accounts", tomlkit.table(is_super_table=True))
    entry = tomlkit.table()
    entry["kind"] = kind
    for key, value in options.items():
        entry[key] = value
    accounts[name] = entry
    _write(file, doc)
    return load_at(config.paths)


def set_setting(config: Config, key: str, value: Any) -> Config:
    """Set one ``[syncd]`` setting in the file (checked like a hand edit) and reload."""
    if key not in _SETTINGS or not isinstance(value, _SETTINGS[key]):
        raise ConfigError(f"syncd.{key}: unknown setting or wrong type")
    file = config.paths.config_file
    doc = _document(file)
    doc.setdefault("syncd", tomlkit.table())[key] = value
    _write(file, doc)
    return load_at(config.paths)


def remove_account(config: Config, name: str) -> None:
    config.account(name)  # raises if unknown
    file = config.paths.config_file
    doc = _document(file)
    del doc["accounts"][name]  # type: ignore[union-attr]
    _write(file, doc)
