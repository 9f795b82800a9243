"""A very small PDF writer for the demo documents: pages of plain text in Helvetica.

Written by hand so that the demo needs no PDF library. Text is encoded as
WinAnsiEncoding (cp1252), which covers Dutch (ë, é, ï).
"""

from __future__ import annotations

A4 = (595, 842)


def _escape(line: str) -> bytes:
    raw = line.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _page_stream(lines: list[str], height: int) -> bytes:
    parts = [b"BT", b"/F1 12 Tf", b"16 TL", f"50 {height - 60} Td".encode()]
    for index, line in enumerate(lines):
        if index == 0:
            parts += [b"/F2 18 Tf", b"(" + _escape(line) + b") Tj", b"/F1 12 Tf", b"T* T*"]
        else:
            parts += [b"(" + _escape(line) + b") Tj", b"T*"]
    parts.append(b"ET")
    return b"\n".join(parts)


def simple_pdf(pages: list[list[str]], *, landscape: bool = False, title: str = "") -> bytes:
    """A valid PDF with one page per list of lines; the first line of a page is its
    heading."""
    width, height = (A4[1], A4[0]) if landscape else A4
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages_id = add(b"")
    regular = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    bold = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    )
    kids = []
    for lines in pages:
        stream = _page_stream(lines, height)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_id, width, height, regular, bold, content)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objects[pages_id - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    info = add(b"<< /Title (" + _escape(title) + b") /Producer (Ouderportaal) >>")

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        info,
        xref,
    )
    return bytes(out)
