"""The briefing as mail: hostile strings arrive as text, the HTML is self-contained with
inline styles and renders in a real browser (headless Chromium) to a page that is not
blank, the plain-text part carries the same meetings and people, and the templates ship
inside the package."""

from __future__ import annotations

import html
import re
import shutil
import struct
import subprocess
import tomllib
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from syncd import render
from tests import briefing_scenario as sc
from tests.conftest import ROOT, run


@pytest.fixture
def world(cli: CliRunner, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SYNCD_NOW", sc.NOW)
    sc.write_config(home, sc.build_mailbox(tmp_path / "Mail"), sc.build_calendar(tmp_path / "cal.ics"))
    run(cli, "sync")
    return home


class Tags(HTMLParser):
    """Every start tag with its attributes, and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    return tags


def test_only_html_templates_are_autoescaped() -> None:
    env = render.environment()
    assert env.autoescape("briefing.html.j2") is True  # type: ignore[operator]
    assert env.autoescape("briefing.txt.j2") is False  # type: ignore[operator]


def test_hostile_subjects_names_and_links_arrive_as_text(cli: CliRunner, world: Path) -> None:
    page = run(cli, "brief", "--format", "html").output
    tags = parse(page)
    names = {tag for tag, _ in tags.tags}
    assert not names & {"script", "img", "link", "iframe", "object", "embed", "svg", "form"}
    for _, attrs in tags.tags:
        assert not any(k.startswith("on") for k in attrs), attrs
        assert "src" not in attrs
        if "href" in attrs:
            assert str(attrs["href"]).startswith("https://"), attrs
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the display name, escaped
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # the subject, escaped
    assert "&lt;script&gt;alert('title')&lt;/script&gt; sync" in page  # the meeting title
    visible = "".join(tags.text)
    assert sc.EVIL_NAME in visible and sc.EVIL_SUBJECT in visible and sc.HOSTILE_TITLE in visible
    assert "javascript:alert(2)" in visible  # the place is shown as text, never linked


def test_html_is_self_contained_with_inline_styles(cli: CliRunner, world: Path) -> None:
    page = run(cli, "brief", "--format", "html").output
    assert "<style" not in page and "@import" not in page and "url(" not in page
    assert "http://" not in page and "fonts.googleapis" not in page
    tags = parse(page)
    styled = [attrs for tag, attrs in tags.tags if tag in ("td", "div") and "style" in attrs]
    assert len(styled) > 50
    assert any("max-width: 600px" in str(attrs.get("style")) for _, attrs in tags.tags)


def _visible_html(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_text_and_html_carry_the_same_meetings_and_people(cli: CliRunner, world: Path) -> None:
    import json

    data = json.loads(run(cli, "brief", "--format", "json").output)
    text = run(cli, "brief").output
    visible = " ".join(_visible_html(run(cli, "brief", "--format", "html").output).split())
    for meeting in data["meetings"]:
        for where in (text, visible):
            assert meeting["title"] in where and meeting["time"] in where
        for person in meeting["attendees"]:
            assert person["name"] in text and person["name"] in visible
            for item in [*person["facts"], *person["loops"]]:
                assert item["text"] in text and item["text"] in visible
            for question in person["questions"]:
                assert question in text and question in visible
    for section in ("promises", "cold", "dates"):
        for item in data[section]:
            assert item["name"] in text and item["name"] in visible


def test_the_mail_parts_are_the_same_briefing(cli: CliRunner, world: Path) -> None:
    import email
    import email.policy

    run(cli, "brief", "--send")
    msg = email.message_from_bytes((world / "outbox" / "2024-04-16-briefing.eml").read_bytes(), policy=email.policy.default)
    plain = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    rich = msg.get_body(("html",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    assert plain == run(cli, "brief").output.split("\n\n", 1)[1]  # the CLI adds a Subject line on top
    assert rich == run(cli, "brief", "--format", "html").output


# -- a real browser ---------------------------------------------------------------------------------


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """A small PNG reader (8-bit RGB/RGBA, no interlace): width, height, rows of pixels."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and color in (2, 6) and interlace == 0, (depth, color, interlace)
    bpp = 4 if color == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    prev = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line if bpp == 3 else b"".join(bytes(line[i:i + 3]) for i in range(0, stride, 4))))
        prev = line
    return width, height, rows


def screenshot(page_file: Path, png: Path, profile: Path, size: tuple[int, int] = (650, 1400)) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "Debian's chromium is needed (make test installs it: .ci/system-deps.sh)"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         f"--user-data-dir={profile}", "--hide-scrollbars", f"--window-size={size[0]},{size[1]}",
         f"--screenshot={png}", page_file.as_uri()],
        check=True, capture_output=True, timeout=120,
    )


@pytest.mark.slow
def test_the_html_renders_in_chromium_to_a_page_that_is_not_blank(cli: CliRunner, world: Path, tmp_path: Path) -> None:
    page = tmp_path / "briefing.html"
    page.write_text(run(cli, "brief", "--format", "html").output, encoding="utf-8")
    png = tmp_path / "briefing.png"
    screenshot(page, png, tmp_path / "profile")
    width, height, rows = read_png(png)
    assert (width, height) == (650, 1400)
    counts: dict[bytes, int] = {}
    for row in rows[::2]:
        for x in range(0, width * 3, 6):
            pixel = row[x:x + 3]
            counts[pixel] = counts.get(pixel, 0) + 1
    total = sum(counts.values())
    paper = counts.get(bytes((0xF3, 0xF1, 0xEC)), 0)  # the page colour around the cards: the CSS applied
    white = counts.get(b"\xff\xff\xff", 0)
    dark = sum(n for px, n in counts.items() if sum(px) < 3 * 110)
    accent = sum(n for px, n in counts.items() if px[1] > px[0] + 25 and px[1] > px[2])  # the green of times and questions
    assert paper / total > 0.05, "no page background: styles were not applied"
    assert white / total > 0.25, "the white meeting cards are missing"
    assert dark / total > 0.01, "no text to read"
    assert accent > 50, "no accent colour"
    assert max(counts.values()) / total < 0.9, "a blank page"


# -- packaging --------------------------------------------------------------------------------------


def test_every_package_in_the_tree_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for top in ("syncd", "connectors") for p in (ROOT / top).rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    assert config["package-dir"]["syncd.templates"] == "templates"


@pytest.mark.slow
def test_the_wheel_ships_the_templates(tmp_path: Path) -> None:
    """Build the wheel as `pip install .` would and look inside (needs setuptools from the index)."""
    import sys
    import zipfile

    source = tmp_path / "src"  # a copy: setuptools leaves build/ and *.egg-info where it builds
    for name in ("syncd", "connectors", "templates"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(source)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    wheel = next(tmp_path.glob("syncd-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"syncd/templates/briefing.html.j2", "syncd/templates/briefing.txt.j2"} <= names
    assert "syncd/render.py" in names and "connectors/base.py" in names


def test_templates_are_found_from_the_package_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert render.template_dir() == ROOT / "templates"  # a checkout: the repository's folder
    fake = tmp_path / "syncd"
    (fake / "templates").mkdir(parents=True)
    monkeypatch.setattr(render, "__file__", str(fake / "render.py"))
    assert render.template_dir() == fake / "templates"  # installed: the package's own copy

