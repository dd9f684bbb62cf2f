"""Main content of a page: the article body without menus, footers, banners and comments.

First the page is stripped of boilerplate blocks (by tag, role, class and id words), then
the CMS body container is looked up (WordPress `.entry-content`, Drupal `.field--name-body`,
SPIP `.chapo` + `.texte`, `itemprop=articleBody`...). Pages without a known container go
to trafilatura, which sees the page as published.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree

from normalize.html import ClassIndex, element_to_text, in_document_order
from normalize.template import SiteTemplate, drop_boilerplate_blocks

__all__ = ["MainContent", "extract_main", "strip_boilerplate", "outside_boilerplate",
           "BOILERPLATE_WORDS"]

# A block marked as boilerplate by its class that holds this share of its surroundings' text
# is a layout wrapper ("sharingContainer" around the article, a Drupal body field with
# "label-hidden"), never boilerplate: class names are a hint, the text decides.
_WRAPPER_SHARE = 0.4


@dataclass
class MainContent:
    """The main content blocks of a page (elements of the stripped tree) and their text."""

    elements: list = field(default_factory=list)
    text: str = ""
    method: str = ""


_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
              "form", "button", "select", "textarea", "nav", "aside", "footer", "dialog",
              "canvas", "audio", "video", "map", "link", "meta")
_DROP_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "dialog",
               "alertdialog", "menu", "menubar"}
# Words of class/id values that mark boilerplate. Matched against whole words of the value
# (split on - _ spaces and camelCase) so "entry-content" never matches "content-nav".
BOILERPLATE_WORDS = {
    "nav", "navbar", "navigation", "menu", "menus", "breadcrumb", "breadcrumbs", "ariane",
    "footer", "pied", "sidebar", "widget", "widgets", "cookie", "cookies", "consent", "gdpr",
    "rgpd", "tarteaucitron", "share", "sharing", "sharedaddy", "partage", "partager",
    "social", "socials", "addtoany", "related", "relatedposts", "similar", "similaires",
    "recommended", "recommendations", "outbrain", "taboola", "comment", "comments",
    "commentaires", "forum", "respond", "disqus", "newsletter", "subscribe", "abonnement",
    "paywall", "payant", "banner", "bandeau", "advert", "advertisement", "ads", "pub",
    "publicite", "sponsor", "popup", "modal", "overlay", "skip", "screen", "sr", "print",
    "toolbar", "pagination", "pager", "tags", "tagcloud", "author", "bio", "signature",
    "caption", "credit", "credits", "copyright", "legende", "figcaption", "lire",
    "meta", "postmetadata", "byline", "dateline", "backtooverview",
    "offcanvas", "masthead", "topbar", "header", "jp", "wp-block-latest-posts", "prevnext",
    "next", "prev", "previous", "outils", "tools", "rating", "reactions", "most", "popular",
    "trending", "aussi", "suggestions", "lightbox", "feedback", "mentions",
}
# Whole class names of hidden blocks. "hidden" as a *word* is not one of them: Drupal wraps
# every body field in "field--label-hidden" (its label is hidden, not the field).
_HIDDEN_CLASSES = {"hidden", "is-hidden", "visually-hidden", "visuallyhidden", "sr-only",
                   "screen-reader-text", "element-invisible", "d-none", "invisible"}
# Words that, with a boilerplate word, still mean content ("entry-header" holds no body
# but "article-tags" never holds body either; these rescue "main-content-author"...).
_CONTENT_WORDS = {"content", "entry", "body", "texte", "text", "article", "post", "chapo",
                  "main", "story"}
_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")

# CMS body containers the centres' CMSs use, best first: where one holds the page's running
# text (`_covers_text`) it is trusted; anywhere else trafilatura's scoring decides. Guessing
# from class names ("post-content", "article-body", "*-text") lost text on pages nobody here
# wrote more often than it saved: those are left to trafilatura. Each is (class, label).
_CONTAINERS = [
    ("tribe-events-single-event-description", "tec"),
    ("entry-content", "wordpress"),
    ("field--name-body", "drupal"),
    ("field-name-body", "drupal7"),
    ("node__content", "drupal-node"),
]
# SPIP splits an article into a lede and a text block.
_SPIP_PARTS = ("chapo", "texte")
# Ledes/teasers printed above the body container by many CMSs: by class (looked up in the
# page's class index, where seven class tests in one XPath cost a scan of the page each) or
# by microdata.
_LEDE_CLASSES = ("chapo", "chapeau", "teaser-text", "lead", "lede", "standfirst")
_LEDE_MARKUP = etree.XPath("//*[@itemprop='description' and not(self::meta)]")
_MIN_CONTAINER_CHARS = 200

# Paragraph-level boilerplate: "À lire aussi", photo credits, update lines, share prompts.
_BOILER_LINE = re.compile(
    r"^\s*(?:»\s*)?(?:à\s+lire\s+(?:aussi|également)|a\s+lire\s+(?:aussi|également)|"
    r"lire\s+(?:aussi|également|la\s+suite)|voir\s+aussi|sur\s+le\s+même\s+sujet|"
    r"crédits?\s+photos?|photos?\s*:|©|\(c\)\s|copyright|"
    r"mis\s+à\s+jour\s+le|dernière\s+modification|letzte\s+änderung|zuletzt\s+aktualisiert|"
    r"partager\s+(?:sur|cet|l['’]article)|share\s+(?:this|on)|"
    r"imprimer\s+(?:cet|l['’])|image\s+d['’]illustration|image\s+illustrative|"
    r"pour\s+lire\s+la\s+suite|réservé\s+aux\s+abonnés|abonnez-vous|"
    r"lien\s+permanent|tags?\s*:|mots-clés\s*:|étiquettes\s*:)",
    re.IGNORECASE,
)


def _words(value: str) -> set[str]:
    return {w.lower() for w in _SPLIT.split(value) if w}


def _is_boilerplate(el, inside: bool = False) -> bool:
    role = (el.get("role") or "").lower()
    if role in _DROP_ROLES:
        return True
    if el.get("aria-hidden") == "true" or el.get("hidden") is not None:
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    marker = (el.get("class") or "") + " " + (el.get("id") or "")
    if not marker.strip():
        return False
    if set(marker.lower().split()) & _HIDDEN_CLASSES:
        return True
    words = _words(marker)
    hits = words & BOILERPLATE_WORDS
    if inside:
        # Page builders (Elementor, Divi) wrap every paragraph of a post in "widgets".
        hits -= {"widget", "widgets"}
    if not hits:
        return False
    # "entry-content" style containers with an extra word ("content-main menu-open")
    # survive; a small block whose words are mostly boilerplate goes.
    if words & _CONTENT_WORDS and not words & {"comment", "comments", "related", "share",
                                                "sharing", "footer", "sidebar", "nav",
                                                "navigation", "menu", "cookie", "paywall",
                                                "payant", "newsletter", "tags", "meta",
                                                "author", "caption", "credit", "copyright",
                                                "header", "lire", "aussi", "forum", "social",
                                                "breadcrumb"}:
        return False
    return True


def strip_boilerplate(doc) -> None:
    """Remove scripts, navigation, footers, banners, comments, share/related blocks in place."""
    for el in list(doc.iter(*_DROP_TAGS)):
        _drop(el)
    for el in list(doc.iter(etree.Comment)):
        _drop(el)
    body = doc.find("body")
    root = body if body is not None else doc
    # Headers hold the site banner; an article's own <header> only holds title and meta,
    # which are separate fields, never body text.
    total = _text_len(root)

    def wrapper(el) -> bool:
        return _is_wrapper(el, total)

    for el in list(root.iter("header", "figcaption")):
        if el.getparent() is not None and not wrapper(el):
            _drop(el)
    for el in list(root.iter()):
        if el is root or not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if el.tag in ("html", "body", "main", "article"):
            continue
        if _is_boilerplate(el) and not wrapper(el):
            _drop(el)


def outside_boilerplate(el, total: int) -> bool:
    """Whether `strip_boilerplate` would keep `el` (none of its ancestors is a block it
    drops), without copying and stripping the page; `total` is the body's text length."""
    for anc in el.iterancestors():
        tag = anc.tag if isinstance(anc.tag, str) else ""
        if tag in ("html", "body", "main", "article"):
            continue
        if tag in _DROP_TAGS:
            return False
        if (tag in ("header", "figcaption") or _is_boilerplate(anc)) and not _is_wrapper(anc, total):
            return False
    return True


def _is_wrapper(el, total: int) -> bool:
    """A block holding a large share of its scope's text (see `_WRAPPER_SHARE`)."""
    size = _text_len(el)
    return size >= 200 and size > _WRAPPER_SHARE * total


def _drop(el) -> None:
    """Remove an element but keep its tail text in the tree."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _drop_boiler_lines(container) -> None:
    """Paragraph-sized boilerplate inside the body: read-also links, credits, update lines."""
    for el in list(container.iter("p", "div", "li", "span", "em", "small", "strong", "h2",
                                  "h3", "h4", "h5", "h6")):
        if el.getparent() is None:
            continue
        text = " ".join(_all_text(el).split())
        if not text or len(text) > 180:
            continue
        if _BOILER_LINE.match(text):
            _drop(el)


def _drop_link_lists(container, url: str) -> None:
    """Lists whose every item is just a link to another page of the same site ("Voir aussi",
    "Dans la même rubrique", a tag list): navigation, never the article. Their text changes
    whenever another page is retitled, which would make every page look edited."""
    host = urlsplit(url).netloc.lower()
    for lst in list(container.iter("ul", "ol")):
        items = [li for li in lst if isinstance(li.tag, str) and li.tag == "li"]
        if len(items) < 2 or lst.getparent() is None:
            continue
        if all(_is_internal_link_item(li, url, host) for li in items):
            _drop(lst)


def _is_internal_link_item(li, url: str, host: str) -> bool:
    links = list(li.iter("a"))
    if len(links) != 1:
        return False
    href = (links[0].get("href") or "").strip()
    try:
        target = urlsplit(urljoin(url, href))
    except ValueError:
        return False
    if not href or target.netloc.lower() != host:
        return False
    return _text_len(links[0]) >= 0.9 * _text_len(li)


def _all_text(el) -> str:
    return "".join(el.itertext()).replace("\u00ad", "")


def _text_len(el) -> int:
    return len(" ".join(_all_text(el).split()))


def _drop_title(container, title: str | None) -> None:
    """The page title is a field of its own; it must not open the body text."""
    if not title:
        return
    wanted = " ".join(title.split()).lower()
    for el in list(container.iter("h1", "h2")):
        if " ".join(_all_text(el).split()).lower() == wanted:
            _drop(el)


_DEFERRED_TEXT = etree.XPath(".//noscript//text() | .//template//text()")


def _deferred_len(el) -> int:
    """Text an element holds in `noscript` or `template` blocks: content a script renders
    (Blogger prints whole posts there), which a reader does see."""
    return len(" ".join("".join(_DEFERRED_TEXT(el)).split()))


_READABLE_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style)]")


def _readable_len(el) -> int:
    """Text length of an element without its scripts and styles (a block holding a 2 kB
    stylesheet is not a body)."""
    return len(" ".join("".join(_READABLE_TEXT(el)).split()))


def _containers(doc, index: ClassIndex) -> tuple[list, str]:
    candidates = [(doc.xpath("//*[@itemprop='articleBody']"), "itemprop")]
    candidates += [(index.by_token.get(cls, []), label) for cls, label in _CONTAINERS]
    empty = None
    for elements, label in candidates:
        found = [el for el in elements if _readable_len(el) >= _MIN_CONTAINER_CHARS]
        if not found:
            if elements and empty is None:
                empty = ([elements[0]], f"{label}-empty")
            continue
        # Nested matches (a wrapper and its inner block): keep the outermost ones.
        outer = [el for el in found if not any(a in found for a in el.iterancestors())]
        best = max(outer, key=_readable_len)
        return [best], label
    parts = []
    for cls in _SPIP_PARTS:
        found = [el for el in index.by_token.get(cls, []) if _text_len(el) > 0]
        if found:
            parts.append(max(found, key=_text_len))
    if parts and sum(_text_len(p) for p in parts) >= _MIN_CONTAINER_CHARS:
        parts = [p for p in parts if not any(a in parts for a in p.iterancestors())]
        return parts, "spip"
    # A CMS body field that is there but empty (a publication whose text is its file): the
    # page has no running text, unless there is some elsewhere (`_covers_text` decides).
    return empty if empty is not None else ([], "")


_PARAGRAPH_CHARS = 80  # a run of text, not a caption or a teaser line
# Long text nodes outside scripts: the page's running text, whatever element holds it.
_LONG_TEXT = etree.XPath(f"//body//text()[string-length(normalize-space()) >= {_PARAGRAPH_CHARS}]"
                         "[not(ancestor::script or ancestor::style or ancestor::noscript "
                         "or ancestor::template)]")


def _covers_text(doc, elements) -> bool:
    """Whether a CMS container holds the page's running text: its long runs of text make
    most of the page's, outside menus, footers, asides, comments and related posts (a Drupal
    body field followed by "paragraphs" fields, a theme's lede box, hold only part)."""
    inside = outside = 0
    verdicts: dict = {}

    def elsewhere(el) -> bool:
        if el not in verdicts:
            verdicts[el] = isinstance(el.tag, str) and (
                el.tag in _DROP_TAGS or el.tag == "header" or _is_boilerplate(el))
        return verdicts[el]

    chosen = set(elements)
    for text in _LONG_TEXT(doc):
        holder = text.getparent()
        if holder is None:
            continue
        size = len(" ".join(text.split()))
        ancestors = [holder, *holder.iterancestors()]
        if any(a in chosen for a in ancestors):
            inside += size
        elif not any(elsewhere(a) for a in ancestors):
            outside += size
    return inside >= 0.6 * (inside + outside) or outside < 400


def _lede(doc, first, index: ClassIndex) -> object | None:
    """A lede printed before the body container (and outside it), if any."""
    intros = [el for el in index.by_token.get("intro", ()) if el.tag == "p"]
    for el in in_document_order([*_LEDE_MARKUP(doc), *index.having(*_LEDE_CLASSES), *intros]):
        if el is first or first in el.iterancestors() or el in first.iterancestors():
            continue
        if any(a is first for a in el.iterancestors()):
            continue
        length = _text_len(el)
        if 20 <= length <= 1200 and _precedes(el, first):
            return el
    return None


def _precedes(a, b) -> bool:
    # Document order: compare positions in a single walk (pages are small enough).
    root = a.getroottree().getroot()
    for el in root.iter():
        if el is a:
            return True
        if el is b:
            return False
    return False


def _trafilatura(doc, url: str) -> list:
    try:
        import trafilatura
    except ImportError:  # pragma: no cover
        return []
    try:
        result = trafilatura.bare_extraction(
            copy.deepcopy(doc), url=url, include_comments=False, include_tables=True,
            include_links=True, include_formatting=False, with_metadata=False,
            output_format="python",
        )
    except Exception:  # noqa: BLE001 - third-party failure: fall back to nothing
        return []
    body = getattr(result, "body", None)
    if body is None:
        return []
    # trafilatura's own XML (row, cell, list, item, head, lb…) back to HTML, so that the
    # rest of the reading (lines, template, sanitising) sees the tags it knows.
    try:
        from trafilatura.htmlprocessing import convert_to_html

        html = convert_to_html(body)
        body = html[0]
        body.tag = "div"
    except Exception:  # noqa: BLE001 - an older trafilatura: its XML as it is
        pass
    return [body]


_PROSE_RUNS = etree.XPath(f"count(.//text()[string-length(normalize-space()) >= {_PARAGRAPH_CHARS}])")


def _strip_inside(container) -> None:
    """Boilerplate blocks nested in a body container (share bars, related posts, credits).
    Inside a body a class name is a weak hint: a marked block holding a large share of the
    text, or running prose (two paragraphs and more), is the article's own."""
    total = _text_len(container)
    for el in list(container.iter()):
        if el is container or not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if (el.tag in ("header", "figcaption") or _is_boilerplate(el, inside=True)) \
                and not _is_wrapper(el, total) and _PROSE_RUNS(el) < 2:
            _drop(el)


def _drop_junk_tags(doc) -> None:
    for el in list(doc.iter(*_DROP_TAGS)):
        _drop(el)
    for el in list(doc.iter(etree.Comment)):
        _drop(el)


def extract_main(doc, url: str, title: str | None = None, template: SiteTemplate | None = None,
                 page_key: str | None = None, index: ClassIndex | None = None) -> MainContent:
    """The main content of a parsed page (the tree is not modified); the lines the site's
    `template` repeats on its other pages are left out (`page_key`: this page's URL there)."""
    # A CMS body container is a strong signal even inside a block whose class looks like
    # boilerplate (Blogger's "widget Blog"): it is looked up on the page as published, and
    # only what is kept is copied.
    index = index if index is not None else ClassIndex(doc)
    elements, method = _containers(doc, index)
    if elements and not _covers_text(doc, elements):
        elements, method = [], ""  # the container holds only part of the article
    if elements:
        deferred = sum(_deferred_len(el) for el in elements)
        lede = _lede(doc, elements[0], index)
        if lede is not None and method != "spip":
            elements = [lede] + elements
        elements = [copy.deepcopy(el) for el in elements]
        for el in elements:
            _drop_junk_tags(el)
            _strip_inside(el)
        if deferred >= _MIN_CONTAINER_CHARS and \
                sum(_text_len(el) for el in elements) < _MIN_CONTAINER_CHARS:
            elements, method = [], ""  # the body is rendered by a script: trafilatura reads it
    if not elements:
        # trafilatura sees the page as published: pruning "share" or "related" blocks before
        # it lost text on pages nobody here wrote (they often wrap the article itself).
        elements, method = _trafilatura(doc, url), "trafilatura"
        if not elements or not any(_text_len(el) for el in elements):
            work = copy.deepcopy(doc)
            strip_boilerplate(work)
            body = work.find("body")
            elements, method = ([body] if body is not None else []), "body"
    for el in elements:
        _drop_boiler_lines(el)
        _drop_link_lists(el, url)
        _drop_title(el, title)
        if template is not None and len(template):
            drop_boilerplate_blocks(el, template, page_key or url, url)
    text = "\n\n".join(t for t in (element_to_text(el) for el in elements) if t)
    return MainContent(elements=elements, text=text, method=method)
