"""Harvested PDF documents: page count, title, creation date, text (bounded in time and size)."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

__all__ = ["DocumentFacts", "read_pdf", "unread"]

MAX_BYTES = 60 * 1024 * 1024  # larger files are refused rather than parsed


@dataclass
class DocumentFacts:
    """What a document file says about itself; `error` is set when it could not be read."""

    media_type: str
    size_bytes: int
    pages: int | None
    title: str | None
    created_at: str | None
    sha256: str
    text: str
    error: str | None


_PDF_DATE = re.compile(
    r"^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(Z|[+-]\d{2}'?\d{2}'?)?")
_JUNK_TITLES = re.compile(r"^(?:untitled|sans titre|document\d*|titre|title|microsoft word"
                          r"|diapositive \d+|slide \d+|\s*)$", re.IGNORECASE)
_OFFICE_PREFIX = re.compile(r"^Microsoft (?:Word|PowerPoint|Excel) - ", re.IGNORECASE)


def _pdf_date(raw) -> str | None:
    """PDF date ("D:20220403180542+02'00'") → ISO 8601 with offset (date alone if no time)."""
    if raw is None:
        return None
    if isinstance(raw, datetime):
        return raw.isoformat() if raw.tzinfo else raw.date().isoformat()
    m = _PDF_DATE.match(str(raw).strip())
    if not m:
        return None
    year, month, day, hour, minute, second, tz = m.groups()
    try:
        if hour is None or not tz:
            # The contract wants an offset on every timed value: without one, the day.
            return datetime(int(year), int(month or 1), int(day or 1)).date().isoformat()
        if tz == "Z":
            offset = timezone.utc
        else:
            digits = tz.replace("'", "")
            sign = -1 if digits[0] == "-" else 1
            offset = timezone(sign * timedelta(hours=int(digits[1:3]), minutes=int(digits[3:5])))
        value = datetime(int(year), int(month or 1), int(day or 1), int(hour),
                         int(minute or 0), int(second or 0), tzinfo=offset)
    except ValueError:
        return None
    return value.isoformat()


def _undouble(text: str) -> str:
    """Fake-bold PDFs draw each glyph twice ("CCHHIICCAAGGOO"): keep one of each pair."""
    lines = []
    for line in text.split("\n"):
        core = line.rstrip()
        if len(core) >= 6 and len(core) % 2 == 0 and all(
                core[i] == core[i + 1] for i in range(0, len(core), 2)):
            line = core[::2]
        lines.append(line)
    return "\n".join(lines)


def _clean_title(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):  # XMP language alternatives
        value = value.get("x-default") or next(iter(value.values()), None)
    if not isinstance(value, str):
        return None
    text = " ".join(value.replace("\x00", " ").split())
    text = _OFFICE_PREFIX.sub("", text).strip()
    if _JUNK_TITLES.match(text):
        return None
    return text[:300]


def _title(reader) -> str | None:
    try:
        meta = reader.metadata
    except Exception:  # noqa: BLE001 - broken info dictionary
        meta = None
    if meta is not None:
        title = _clean_title(meta.get("/Title"))
        if title:
            return title
    try:
        xmp = reader.xmp_metadata
    except Exception:  # noqa: BLE001 - malformed XMP packet
        xmp = None
    return _clean_title(xmp.dc_title) if xmp is not None else None


def _created(reader) -> str | None:
    try:
        meta = reader.metadata
        if meta is not None and meta.get("/CreationDate"):
            return _pdf_date(meta.get("/CreationDate"))
    except Exception:  # noqa: BLE001
        pass
    try:
        xmp = reader.xmp_metadata
        if xmp is not None and xmp.xmp_create_date:
            return _pdf_date(xmp.xmp_create_date)
    except Exception:  # noqa: BLE001
        pass
    return None


def unread(data: bytes, error: str | None = None) -> DocumentFacts:
    """The facts of a PDF before (or without) reading it: its size and digest alone."""
    return DocumentFacts(media_type="application/pdf", size_bytes=len(data or b""), pages=None,
                         title=None, created_at=None, sha256=hashlib.sha256(data or b"").hexdigest(),
                         text="", error=error)


def read_pdf(data: bytes, max_pages: int = 200, max_chars: int = 200_000,
             timeout_s: float = 10.0) -> DocumentFacts:
    """Read a PDF's facts and text; never raises (a bad file gives `error`, in French)."""
    facts = unread(data)
    if not data or b"%PDF" not in data[:1024]:
        facts.error = "pas un fichier PDF"
        return facts
    if len(data) > MAX_BYTES:
        facts.error = "fichier trop volumineux"
        return facts
    deadline = time.monotonic() + timeout_s
    # pypdf logs every repaired defect as a warning: harvested files are full of them.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Many PDFs are "encrypted" with an empty user password (permissions only).
            try:
                opened = reader.decrypt("")
            except Exception:  # noqa: BLE001 - unsupported cipher
                opened = 0
            if not opened:
                facts.error = "document protégé par un mot de passe"
                return facts
        facts.pages = len(reader.pages)
        facts.title = _title(reader)
        facts.created_at = _created(reader)
        chunks: list[str] = []
        size = 0
        for index, page in enumerate(reader.pages):
            if index >= max_pages or size >= max_chars:
                break
            if time.monotonic() > deadline:
                facts.error = "extraction du texte interrompue (délai dépassé)"
                break
            try:
                text = page.extract_text() or ""
            except Exception:  # noqa: BLE001 - one broken page must not lose the rest
                continue
            chunks.append(_undouble(text.strip()))
            size += len(text)
        facts.text = "\n\n".join(c for c in chunks if c)[:max_chars]
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes a readable error
        facts.error = f"PDF illisible ({type(exc).__name__})"
    return facts
