"""normalize.html: decoding, sanitising untrusted fragments, HTML → text."""

from __future__ import annotations

import codecs
import json
import re

import lxml.html
import pytest
from conftest import corpus_path

from normalize.html import decode_html, html_to_text, sanitize_html

PAGE = "<html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    ("body", "declared", "expected"),
    [
        # Declared and right.
        (PAGE.format(meta='<meta charset="utf-8">', text="Publié à Évry").encode("utf-8"),
         "utf-8", "Publié à Évry"),
        # No declaration at all, UTF-8 bytes.
        (PAGE.format(meta="", text="Cité éducative").encode("utf-8"), None, "Cité éducative"),
        # No declaration, latin-1 bytes (old SPIP page served without charset).
        (PAGE.format(meta="", text="Rénovation urbaine").encode("latin-1"), None,
         "Rénovation urbaine"),
        # SPIP page: meta says ISO-8859-1, no HTTP charset.
        (PAGE.format(meta='<meta http-equiv="Content-Type" content="text/html; '
                     'charset=iso-8859-1">', text="Journée régionale à Lille")
         .encode("latin-1"), None, "Journée régionale à Lille"),
        # HTTP header says utf-8, bytes are latin-1: the declaration is wrong.
        (PAGE.format(meta="", text="Égalité femmes-hommes").encode("latin-1"), "utf-8",
         "Égalité femmes-hommes"),
        # Meta says utf-8, bytes are windows-1252 with smart quotes and an ellipsis.
        (PAGE.format(meta='<meta charset="utf-8">', text="l’atelier « Quartiers »…")
         .encode("cp1252"), None, "l’atelier « Quartiers »…"),
        # Header says iso-8859-1 but the page is UTF-8 (common after a CMS migration).
        (PAGE.format(meta="", text="Séminaire – décembre").encode("utf-8"), "ISO-8859-1",
         "Séminaire – décembre"),
        # A BOM beats every declaration.
        (codecs.BOM_UTF8 + PAGE.format(meta='<meta charset="iso-8859-1">', text="Où ?")
         .encode("utf-8"), "iso-8859-1", "Où ?"),
        (codecs.BOM_UTF16_LE + PAGE.format(meta="", text="Quartier prioritaire")
         .encode("utf-16-le"), None, "Quartier prioritaire"),
        # windows-1252 labels: ISO-8859-1 declared, 0x92 is a right quote for browsers.
        (PAGE.format(meta="", text="l\x92été").encode("latin-1"), "iso-8859-1", "l’été"),
    ],
)
def test_decode_html(body: bytes, declared: str | None, expected: str) -> None:
    text = decode_html(body, declared)
    assert expected in text
    assert "\ufffd" not in text


def test_decode_html_cyrillic_feed_without_declaration() -> None:
    body = corpus_path("feeds", "feedparser", "illformed", "chardet", "koi8r.xml").read_bytes()
    assert "Наверное" in decode_html(body)


def test_decode_html_french_feed_without_declaration() -> None:
    body = corpus_path("feeds", "miniflux", "parser__no_encoding_ISO-8859-1.xml").read_bytes()
    text = decode_html(body)
    assert "Le Cercle Psy" in text and "\ufffd" not in text
    assert re.search(r"[éèà]", text)


HOSTILE = [
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">clic</a>',
    '<a href=" JaVaScRiPt:alert(1)">clic</a>',
    '<script>alert(1)</script>',
    '<iframe src="https://evil.example/"></iframe>',
    '<svg onload=alert(1)><circle r="1"/></svg>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example/"><input name=q><button>Go</button></form>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a>',
    '<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=">',
    '<p style="background:url(javascript:alert(1))" onclick="alert(1)">x</p>',
    '<style>body{display:none}</style><math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<a href="vbscript:msgbox(1)">v</a><base href="https://evil.example/">',
    '<div><!--<img src=x onerror=alert(1)>--></div><noscript><img src=x onerror=alert(1)></noscript>',
]


@pytest.mark.parametrize("fragment", HOSTILE)
def test_sanitize_html_neutralises_hostile_markup(fragment: str) -> None:
    clean = sanitize_html(fragment, "https://www.crpv.example/actu/")
    low = clean.lower()
    for bad in ("<script", "<iframe", "<svg", "<object", "<embed", "<form", "<input",
                "<style", "<base", "<math", "<button", "javascript:", "vbscript:", "data:",
                "onerror", "onload", "onclick", "style="):
        assert bad not in low, (bad, clean)
    # Every remaining link target is absolute http(s) or mailto.
    root = lxml.html.fragment_fromstring(clean or "<div></div>", create_parent="div")
    for el in root.iter("a", "img"):
        for attr in ("href", "src"):
            if el.get(attr):
                assert re.match(r"^(https?:|mailto:)", el.get(attr)), clean


def test_sanitize_html_keeps_content_and_makes_links_absolute() -> None:
    fragment = ('<p class="x">Voir <a href="/IMG/pdf/rapport.pdf" target="_blank">le rapport</a>'
                ' et <a href="mailto:contact@crpv.example">écrire</a>.</p>'
                '<img src="../images/photo.jpg" alt="Photo"><ul><li>un</li></ul>')
    clean = sanitize_html(fragment, "https://www.crpv.example/actu/article.html")
    assert 'href="https://www.crpv.example/IMG/pdf/rapport.pdf"' in clean
    assert 'href="mailto:contact@crpv.example"' in clean
    assert 'src="https://www.crpv.example/images/photo.jpg"' in clean
    assert "le rapport" in clean and "<li>un</li>" in clean
    assert 'class=' not in clean and "target=" not in clean


def test_sanitize_html_drops_relative_links_to_other_schemes_and_empty_input() -> None:
    assert sanitize_html("", "https://a.example/") == ""
    clean = sanitize_html('<a href="ftp://files.example/x">f</a>', "https://a.example/")
    assert "ftp:" not in clean and ">f</a>" in clean


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("<p>Un &amp; deux<br>trois</p><p>quatre&nbsp;!</p>", "Un & deux\ntrois\n\nquatre !"),
        ("<p>Avant</p><script>var x = '<p>caché</p>';</script><style>p{}</style><p>Après</p>",
         "Avant\n\nAprès"),
        ("<ul><li>Éducation</li><li>Santé</li></ul><p>Fin</p>", "Éducation\nSanté\n\nFin"),
        ("<h2>Quand ?</h2><p>Jeudi 22 mai 2025 – 13h-14h</p>",
         "Quand ?\n\nJeudi 22 mai 2025 – 13h-14h"),
        ("texte <a href='x'>lié</a>, <em>mis</em> en   forme", "texte lié, mis en forme"),
        ("<p>cé\u00adsure invi\u00adsible</p>", "césure invisible"),
        ("", ""),
    ],
)
def test_html_to_text(fragment: str, expected: str) -> None:
    assert html_to_text(fragment) == expected


def test_no_script_text_reaches_body_text_on_the_corpus() -> None:
    from normalize.page import extract_page

    gold = json.loads(corpus_path("html", "gold.json").read_text(encoding="utf-8"))
    html_dir = corpus_path("html")
    for page in gold["pages"]:
        html = decode_html((html_dir / page["stored_as"]).read_bytes())
        doc = lxml.html.document_fromstring(html.encode("utf-8"))
        scripts = [s.text.strip() for s in doc.iter("script", "style")
                   if s.text and len(s.text.strip()) >= 40]
        facts = extract_page(html, page["url"])
        for script in scripts:
            assert script[:40] not in facts.body_text, (page["file"], script[:60])
        assert "<script" not in facts.body_html.lower()
        for marker in ("function(", "window.", "document.getElementById", "dataLayer"):
            assert marker not in facts.body_text, (page["file"], marker)


def test_utf8_page_with_pasted_windows_1252_quotes_is_repaired():
    body = ("<p>Le café de l’été à Roubaix — réunion</p>".encode("utf-8")
            + b"<p>\x93Quartiers 2030\x94 \x96 l\x92accueil</p>")
    text = decode_html(body, "utf-8")
    assert "“Quartiers 2030” – l’accueil" in text
    assert "Le café de l’été à Roubaix — réunion" in text  # the UTF-8 part untouched
