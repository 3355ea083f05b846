"""A small, valid one-page PDF (a few KB) for the demo's attachments."""

from __future__ import annotations


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def one_page(lines: tuple[str, ...], title: str = "") -> bytes:
    """A US-letter page with ``lines`` set in Helvetica, plus light rules as filler so the
    file has the size and shape of a real slide export."""
    text = ["BT", "/F1 20 Tf", "72 720 Td", "24 TL"]
    for i, line in enumerate(lines):
        if i == 2:
            text.append("/F1 12 Tf")
            text.append("18 TL")
        text.append(f"({_escape(line)}) '")
    text.append("ET")
    rules = [f"0.{(i * 7) % 10} g 72 {600 - i * 12} 468 0.5 re f" for i in range(40)]
    tiers = [f"0.85 g {90 + col * 150} {200 + row * 30} 130 22 re f" for row in range(5) for col in range(3)]
    stream = "\n".join([*rules, *tiers, "0 g", *text]).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
         b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title (" + _escape(title).encode("latin-1") + b") /Producer (Morgan Advisory) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)
