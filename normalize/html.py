"""Harvested HTML: decode bytes, sanitise fragments, turn markup into readable text.

The bottom layer of page reading: `normalize.page` (facts of a page), `normalize.maintext`
(its main content) and `normalize.template` (a site's repeated blocks) build on it.
"""

from __future__ import annotations

import codecs
import re
from urllib.parse import urljoin, urlsplit

import lxml.html
import nh3
from bs4 import UnicodeDammit
from lxml import etree

__all__ = [
    "decode_html",
    "sanitize_html",
    "html_to_text",
    "element_to_text",
    "parse_document",
    "glued",
    "ClassIndex",
]

# --------------------------------------------------------------------------- decoding

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE
)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._\-]+)""")
# WHATWG: these labels all mean windows-1252 in a browser, which is what authors saw.
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii",
              "iso_8859-1", "cp819", "ibm819", "windows-1252", "cp1252", "x-cp1252"}


def _codec(label: str | bytes | None) -> str | None:
    """A Python codec name for a charset label, or None when unknown."""
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    label = label.strip().strip("\"'").lower()
    if label in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _decode_cp1252(body: bytes) -> str:
    """windows-1252 with latin-1 for the five bytes cp1252 leaves undefined."""
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError:
        # Bytes 0x81 0x8D 0x8F 0x90 0x9D are undefined in cp1252: take them as latin-1.
        return body.decode("cp1252", errors="_crpv_latin1")


def _latin1_fallback(error: UnicodeDecodeError):
    bad = error.object[error.start:error.end]
    return bad.decode("latin-1"), error.end


codecs.register_error("_crpv_latin1", _latin1_fallback)


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_html(body: bytes, declared: str | None = None) -> str:
    """Bytes of an HTML page → text, trusting BOM, then valid UTF-8, then declarations."""
    if isinstance(body, str):
        return body
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(name, errors="replace")
    head = body[:4096]
    http_codec = _codec(declared)
    meta = _META_CHARSET.search(head) or _XML_DECL.search(head)
    meta_codec = _codec(meta.group(1)) if meta else None
    if http_codec in ("utf-16-le", "utf-16-be", "utf-16", "utf-32"):
        return body.decode(http_codec, errors="replace")
    # Non-ASCII text that is valid UTF-8 is UTF-8 whatever a header says: latin-1 prose
    # almost never forms valid multi-byte sequences, while mislabelled UTF-8 is common.
    if _is_utf8(body):
        return body.decode("utf-8")
    if (http_codec or meta_codec) in (None, "utf-8") and _mostly_utf8(body):
        # UTF-8 with Windows-1252 pasted in (curly quotes from a word processor): repair
        # the stray bytes rather than reading the whole page as cp1252 mojibake.
        return UnicodeDammit.detwingle(body).decode("utf-8", errors="replace")
    for codec in (http_codec, meta_codec):
        if codec and codec != "utf-8":
            if codec == "cp1252":
                return _decode_cp1252(body)
            try:
                return body.decode(codec)
            except UnicodeDecodeError:
                continue
    latin = _decode_cp1252(body)
    guess = _guess_codec(body)
    if guess and guess != "cp1252" and (guess in _MULTIBYTE or _looks_like_mojibake(latin)):
        try:
            return body.decode(guess)
        except UnicodeDecodeError:
            pass
    # Declared utf-8 (or nothing) but invalid: French sites that lie are latin-1/cp1252.
    return latin


# Only trust a statistical guess for multi-byte scripts: on short Latin text it confuses
# cp1252 with Arabic or Cyrillic code pages, and French pages are cp1252 when undeclared.
_MULTIBYTE = {"shift_jis", "euc_jp", "euc_kr", "gb2312", "gb18030", "gbk", "big5",
              "iso2022_jp", "cp932", "cp949", "cp950", "big5hkscs"}


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _mostly_utf8(body: bytes) -> bool:
    """Several well-formed UTF-8 sequences: the page is UTF-8, with stray bytes mixed in."""
    return len(_UTF8_MULTIBYTE.findall(body)) >= 3


def _looks_like_mojibake(text: str) -> bool:
    """True when most letters are accented: Latin prose is mostly ASCII letters."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 20:
        return False
    return sum(1 for c in letters if ord(c) > 127) / len(letters) > 0.3


def _guess_codec(body: bytes) -> str | None:
    """charset_normalizer's guess (installed with trafilatura), None if unsure."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - optional
        return None
    best = from_bytes(body[:65536]).best()
    return _codec(best.encoding) if best else None


# --------------------------------------------------------------------------- sanitising

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn",
    "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "time", "tr", "u", "ul",
}
_ALLOWED_ATTRS = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
# Their content goes too, not only the tags (nh3 keeps the text of unknown tags).
_DROP_WITH_CONTENT = {
    "script", "style", "iframe", "object", "embed", "noscript", "template", "form",
    "button", "select", "textarea", "svg", "math", "canvas", "audio", "video", "title",
    "head", "applet", "frame", "frameset", "noembed", "noframes",
}
_LINK_SCHEMES = {"http", "https", "mailto"}


def _nh3(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=_ALLOWED_TAGS,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes=_ALLOWED_ATTRS,
        url_schemes=_LINK_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def sanitize_html(fragment: str, base_url: str) -> str:
    """Untrusted HTML fragment → safe HTML: no active content, absolute http(s)/mailto links."""
    if not fragment or not fragment.strip():
        return ""
    cleaned = _nh3(fragment)
    if not cleaned.strip():
        return ""
    root = lxml.html.fragment_fromstring(cleaned, create_parent="div")
    for el in root.iter("a", "img"):
        attr = "href" if el.tag == "a" else "src"
        value = (el.get(attr) or "").strip()
        if not value:
            continue
        absolute = urljoin(base_url, value) if base_url else value
        scheme = urlsplit(absolute).scheme.lower()
        allowed = _LINK_SCHEMES if el.tag == "a" else {"http", "https"}
        if scheme in allowed:
            el.set(attr, absolute)
        else:
            del el.attrib[attr]
    html = "".join(
        [_escape_text(root.text)] + [etree.tostring(child, encoding="unicode", method="html")
                                     for child in root]
    )
    # A second pass is cheap and guarantees the serialised result is still clean.
    return _nh3(html).strip()


def _escape_text(text: str | None) -> str:
    if not text:
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------- text

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
    "table", "tr", "ul", "body", "html", "caption", "tbody", "thead", "tfoot",
}
_LINE_TAGS = {"li", "tr", "dt", "dd"}
_SKIP_TAGS = {
    "script", "style", "noscript", "template", "head", "title", "iframe", "object",
    "embed", "svg", "math", "canvas", "select", "textarea", "button",
}
# Soft hyphens and zero-width characters split words for search and snippets.
_INVISIBLE = {0x00AD: None, 0x200B: None, 0x200C: None, 0x200D: None, 0xFEFF: None,
              0x2060: None}
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u2009\u202f\u200b]+")


def glued(before: str, after: str) -> bool:
    """Whether two texts met at an element boundary would glue two words together: a
    lower-case letter or a digit against a capital ("Albi" + "Mis en ligne", "12 h 30" +
    "Lieu"), a word against a number ("Salle" + "12 h"), which CSS shows apart. A drop cap
    ("L" + "e quartier") or a word split by formatting ("Com" + "munauté") is left alone."""
    if not before or not after:
        return False
    last, first = before[-1], after[0]
    return (last.islower() or last.isdigit()) and first.isupper() \
        or last.islower() and first.isdigit()


class _Line(list):
    """Text pieces of one line; a piece added across an element boundary gets a space
    when the two sides would otherwise glue (see `glued`)."""

    def add(self, text: str, boundary: bool) -> None:
        if boundary and self and glued(self[-1], text):
            self.append(" ")
        self.append(text)


def element_to_text(element) -> str:
    """Readable text of an lxml element: paragraphs separated by blank lines."""
    blocks: list[str] = []
    current = _Line()
    pending = [""]  # separator owed before the next line: "", "\n" or "\n\n"

    def flush(sep: str = "\n\n") -> None:
        line = _SPACES.sub(" ", "".join(current)).strip()
        current.clear()
        if line:
            if blocks:
                blocks.append(pending[0] or " ")
            blocks.append(line)
            pending[0] = sep
        elif blocks and len(sep) > len(pending[0]):
            pending[0] = sep

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:  # comment or processing instruction
            if el.tail:
                current.add(el.tail, False)
            return
        tag = tag.lower()
        if tag in _SKIP_TAGS:
            if el.tail:
                current.add(el.tail, True)
            return
        if tag == "br":
            flush("\n")
        elif tag in _BLOCK_TAGS:
            flush("\n" if tag in _LINE_TAGS else "\n\n")
        elif tag in ("td", "th"):
            current.append(" ")
        if el.text:
            current.add(el.text, True)
        for child in el:
            walk(child)
        if tag in _BLOCK_TAGS:
            flush("\n" if tag in _LINE_TAGS else "\n\n")
        elif tag in ("td", "th"):
            current.append(" ")
        if el.tail:
            current.add(el.tail, True)

    walk(element)
    flush()
    return "".join(blocks).translate(_INVISIBLE).strip()


def html_to_text(fragment: str) -> str:
    """HTML (fragment or page) → plain text with paragraph breaks, no script/style text."""
    if not fragment or not fragment.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return _SPACES.sub(" ", fragment).strip()
    return element_to_text(root)


def parse_document(html: str):
    """A full lxml HTML document from text (tolerant; never raises on junk)."""
    if isinstance(html, bytes):
        html = decode_html(html)
    # lxml refuses str input that carries an XML encoding declaration.
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html, count=1)
    html = html.replace("\x00", "")
    try:
        return lxml.html.document_fromstring(html or "<html></html>")
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>")


class ClassIndex:
    """Elements by class token, gathered in one walk of the page: looking up a dozen CMS
    class names costs a dict lookup each instead of a scan of the page per name."""

    def __init__(self, doc):
        self.by_token: dict[str, list] = {}
        for el in doc.iter():
            value = el.get("class") if isinstance(el.tag, str) else None
            if value:
                for token in set(value.split()):
                    self.by_token.setdefault(token, []).append(el)

    def first(self, *classes):
        """The first element (in document order) of the first class of `classes` present."""
        for cls in classes:
            found = self.by_token.get(cls)
            if found:
                return found[0]
        return None

    def has(self, *classes) -> bool:
        return any(cls in self.by_token for cls in classes)

    def having(self, *classes) -> list:
        """Every element with one of `classes`, unordered."""
        return [el for cls in classes for el in self.by_token.get(cls, ())]


def in_document_order(elements) -> list:
    """Elements of one tree in document order, each once: what an XPath union returns, for
    elements gathered from an index (a walk of the tree only when there are several)."""
    wanted = dict.fromkeys(elements)
    if len(wanted) < 2:
        return list(wanted)
    root = next(iter(wanted)).getroottree().getroot()
    return [el for el in root.iter() if el in wanted]
