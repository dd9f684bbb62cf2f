"""A tiny PDF writer: valid multi-page PDFs with an Info dictionary and real text.

The mirror's publications must be real files a harvester can open (pypdf reads the
page count, the `/Title` and the text), yet stay a few kilobytes and byte-stable.
Text is drawn in Helvetica with WinAnsiEncoding so French accents survive extraction.
"""

from __future__ import annotations

import textwrap
from datetime import date

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
LINE_HEIGHT = 15
WRAP_COLUMNS = 88


def _pdf_string(text: str) -> bytes:
    """A PDF literal string for page content (cp1252 bytes, escaped)."""
    raw = text.encode("cp1252", errors="replace")
    raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + raw + b")"


def _info_string(text: str) -> bytes:
    """An Info dictionary text string: UTF-16BE with BOM so any accent is exact."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _page_stream(heading: str | None, paragraphs: list[str], number: int) -> bytes:
    lines: list[tuple[str, int]] = []
    if heading:
        lines.append((heading, 16))
        lines.append(("", 11))
    for paragraph in paragraphs:
        for line in textwrap.wrap(paragraph, WRAP_COLUMNS) or [""]:
            lines.append((line, 11))
        lines.append(("", 11))
    out = [b"BT", b"/F1 11 Tf", f"{LINE_HEIGHT} TL".encode(), b"56 780 Td"]
    current = 11
    for text, size in lines[:48]:
        if size != current:
            out.append(f"/F1 {size} Tf".encode())
            current = size
        out.append(_pdf_string(text) + b" Tj T*")
    out.append(b"ET")
    out.append(b"BT /F1 9 Tf 290 30 Td " + _pdf_string(f"— {number} —") + b" Tj ET")
    return b"\n".join(out) + b"\n"


def make_pdf(
    title: str,
    pages: list[list[str]],
    author: str = "",
    created: date | None = None,
    subject: str = "",
) -> bytes:
    """A PDF with one page per entry of `pages` (paragraphs of text), titled `title`."""
    if not pages:
        raise ValueError("a PDF needs at least one page")
    objects: list[bytes] = []  # object n is objects[n-1]
    page_count = len(pages)
    # Layout: 1 catalog, 2 pages tree, 3 font, 4 info, then (page, content) pairs.
    first_page = 5
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(page_count))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {page_count} >>".encode())
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    info = b"<< /Title " + _info_string(title)
    if author:
        info += b" /Author " + _info_string(author)
    if subject:
        info += b" /Subject " + _info_string(subject)
    info += b" /Producer (mirror.pdf)"
    if created:
        info += f" /CreationDate (D:{created:%Y%m%d}090000+01'00')".encode()
    objects.append(info + b" >>")
    for index, paragraphs in enumerate(pages):
        stream = _page_stream(title if index == 0 else None, paragraphs, index + 1)
        page_obj = first_page + 2 * index
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_obj + 1} 0 R >>".encode()
        )
        objects.append(
            f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"endstream"
        )
    body = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref_at = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        body += f"{offset:010d} 00000 n \n".encode()
    body += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 4 0 R >>\n"
        f"startxref\n{xref_at}\n%%EOF\n"
    ).encode()
    return bytes(body)
