"""``syncd.templatecache``: a template compiled in one process is loaded, not compiled,
by the next; only for the same source and the same compile-time choices; and a cache
that cannot be written or read back never fails a render."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest

from syncd import templatecache
from syncd.templatecache import TemplateCache

SOURCE = "Subject: {{ subject }}\n{% if names %}\n  Hi {{ names | join(', ') }},\n{% endif %}\nBest\n"
CONTEXT = {"subject": "Pricing", "names": ["Dana", "Raj"]}


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates Jinja compiles from now on."""
    names: list[str] = []
    real = jinja2.Environment.compile

    def compile(self: jinja2.Environment, source: Any, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        if name is not None:  # not jinja2.Template(...), the tests' reference
            names.append(name)
        return real(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compile)
    return names


def fresh(templates: Path, cache: Path, **options: Any) -> jinja2.Environment:
    """An environment as a new process would make it."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), bytecode_cache=TemplateCache(cache),
                              undefined=jinja2.StrictUndefined, **options)


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "note.txt.j2").write_text(SOURCE, encoding="utf-8")
    return folder


def test_the_next_process_loads_the_compiled_template(templates: Path, tmp_path: Path, compiled: list[str]) -> None:
    cache = tmp_path / "cache"
    first = fresh(templates, cache, trim_blocks=True, lstrip_blocks=True).get_template("note.txt.j2").render(CONTEXT)
    assert compiled == ["note.txt.j2"] and len(list(cache.iterdir())) == 1
    again = fresh(templates, cache, trim_blocks=True, lstrip_blocks=True).get_template("note.txt.j2").render(CONTEXT)
    assert again == first == "Subject: Pricing\n  Hi Dana, Raj,\nBest" and compiled == ["note.txt.j2"]


def test_other_compile_options_or_source_compile_again(templates: Path, tmp_path: Path, compiled: list[str]) -> None:
    cache = tmp_path / "cache"
    trimmed = fresh(templates, cache, trim_blocks=True, lstrip_blocks=True).get_template("note.txt.j2").render(CONTEXT)
    plain = fresh(templates, cache).get_template("note.txt.j2").render(CONTEXT)  # same source, other whitespace rules
    assert len(compiled) == 2 and plain != trimmed and plain == jinja2.Template(SOURCE).render(CONTEXT)
    (templates / "note.txt.j2").write_text(SOURCE.replace("Best", "Warmly"), encoding="utf-8")
    edited = fresh(templates, cache, trim_blocks=True, lstrip_blocks=True).get_template("note.txt.j2").render(CONTEXT)
    assert len(compiled) == 3 and edited == trimmed.replace("Best", "Warmly")


def test_a_cache_that_cannot_be_written_or_read_is_only_slower(templates: Path, tmp_path: Path, compiled: list[str]) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    expected = jinja2.Template(SOURCE).render(CONTEXT)
    assert fresh(templates, blocked / "cache").get_template("note.txt.j2").render(CONTEXT) == expected
    cache = tmp_path / "cache"
    fresh(templates, cache).get_template("note.txt.j2").render(CONTEXT)
    [kept] = cache.iterdir()
    for damage in (b"", b"garbage", kept.read_bytes()[:40]):
        kept.write_bytes(damage)
        assert fresh(templates, cache).get_template("note.txt.j2").render(CONTEXT) == expected
    assert len(compiled) == 5


def test_draft_templates_are_kept_beside_the_configs_database(tmp_path: Path, home: Path, cli: Any, compiled: list[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from syncd import config as config_mod
    from syncd import drafts, store
    from tests.draftworld import World
    from tests.test_drafts import BEFORE, build_scenario

    world = World(tmp_path / "world", home, cli)
    build_scenario(world)
    world.setup()
    world.sync(BEFORE, monkeypatch)  # the store, and the drafts due then; preview shows the next two days'
    config = config_mod.load(str(home))
    monkeypatch.setenv("SYNCD_HOME", str(tmp_path / "elsewhere"))  # the config's paths count, not the environment's
    store.open_db(config.database_url)
    drafts.environment.cache_clear()
    try:
        first = [written for _, _, written in drafts.preview(BEFORE, config)]
        kept = templatecache.cache_dir(config.paths)
        assert first and compiled and kept == home / "cache" / "templates" and any(kept.iterdir())
        assert not (tmp_path / "elsewhere").exists()
        drafts.environment.cache_clear()  # as the next process
        compiled.clear()
        assert [written for _, _, written in drafts.preview(BEFORE, config)] == first and compiled == []
    finally:
        drafts.environment.cache_clear()
