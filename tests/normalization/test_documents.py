"""normalize.documents (read_pdf): page counts, titles, dates, errors, bounds."""

from __future__ import annotations

import hashlib
import json
import time

import pytest
from conftest import corpus_path

from normalize.documents import DocumentFacts, read_pdf


def _expected() -> dict:
    return json.loads(corpus_path("pdf", "expected.json").read_text())["files"]


def _read(name: str) -> bytes:
    return corpus_path("pdf", "py-pdf-sample-files", name).read_bytes()


def test_every_readable_corpus_pdf_gives_its_page_count() -> None:
    for name, expected in _expected().items():
        data = _read(name)
        start = time.perf_counter()
        facts = read_pdf(data)
        assert time.perf_counter() - start < 2.0, name
        assert isinstance(facts, DocumentFacts)
        assert facts.media_type == "application/pdf"
        assert facts.size_bytes == len(data)
        assert facts.sha256 == hashlib.sha256(data).hexdigest()
        if expected["encrypted"]:
            assert facts.error == "document protégé par un mot de passe", name
            assert facts.text == ""
        else:
            assert facts.error is None, (name, facts.error)
            assert facts.pages == expected["pages"], name


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("011-google-doc-document__google-doc-document.pdf", "PDF Example Document"),
        ("024-annotations__annotated_pdf.pdf", "Annotated PDF"),
        ("015-arabic__habibi.pdf", "habibi"),
        # Title only in the XMP packet.
        ("020-xmp__output_with_metadata_pymupdf.pdf", "Sample PDF with XMP Metadata"),
        # NUL-terminated /Title.
        ("007-imagemagick-images__imagemagick-images.pdf", "imagemagick-images"),
        # No title anywhere, or an empty XMP title.
        ("001-trivial__minimal-document.pdf", None),
        ("021-pdfa__crazyones-pdfa.pdf", None),
        ("014-outlines__mistitled_outlines_example.pdf", None),
    ],
)
def test_titles(name: str, title: str | None) -> None:
    assert read_pdf(_read(name)).title == title


def test_real_public_body_pdf() -> None:
    data = corpus_path("pdf", "city_scrapers", "chi_human_relations.pdf").read_bytes()
    facts = read_pdf(data)
    assert (facts.pages, facts.title) == (1, "CHICAGO COMMISSION ON HUMAN RELATIONS")
    assert facts.created_at == "2019-10-09T14:42:32-05:00"
    assert facts.text.startswith("CHICAGO COMMISSION ON HUMAN RELATIONS")


def test_creation_dates_match_the_gold() -> None:
    checked = 0
    for name, expected in _expected().items():
        if expected["encrypted"] or not expected.get("creation_date"):
            continue
        created = read_pdf(_read(name)).created_at
        gold = expected["creation_date"]
        # Files without an offset give the day only (never a naive datetime); the gold
        # sometimes drops an offset the file has.
        assert created == gold or created[:19] == gold or (
            len(created) == 10 and gold.startswith(created)), name
        assert len(created) == 10 or created[-6] in "+-", name
        checked += 1
    assert checked == 15


def test_text_and_bounds() -> None:
    data = _read("004-pdflatex-4-pages__pdflatex-4-pages.pdf")
    full = read_pdf(data)
    assert full.pages == 4 and len(full.text) > 5000
    one_page = read_pdf(data, max_pages=1)
    assert one_page.pages == 4 and 0 < len(one_page.text) < len(full.text)
    assert len(read_pdf(data, max_chars=100).text) == 100
    # A zero time budget stops text extraction but keeps the metadata.
    hurried = read_pdf(data, timeout_s=0.0)
    assert hurried.pages == 4 and hurried.text == ""
    assert hurried.error == "extraction du texte interrompue (délai dépassé)"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "pas un fichier PDF"),
        (b"<html>not a pdf</html>", "pas un fichier PDF"),
        (b"%PDF-1.4\n%garbage only", "PDF illisible"),
    ],
)
def test_bad_files_give_an_error_not_an_exception(data: bytes, error: str) -> None:
    facts = read_pdf(data)
    assert facts.error.startswith(error)
    assert facts.pages is None and facts.text == ""


def test_truncated_corpus_pdf_never_raises() -> None:
    data = _read("006-pdflatex-outline__pdflatex-outline.pdf")
    for cut in (100, len(data) // 3, len(data) // 2, len(data) - 200):
        facts = read_pdf(data[:cut])
        assert facts.error is not None or facts.pages is not None
