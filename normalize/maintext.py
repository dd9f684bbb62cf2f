"""Main content of a page: the article body without menus, footers, banners and comments.

First the page is stripped of boilerplate blocks (by tag, role, class and id words), then
the CMS body container is looked up (WordPress `.entry-content`, Drupal `.field--name-body`,
SPIP `.chapo` + `.texte`, `itemprop=articleBody`...). Pages without a known container go
to trafilatura, run on the stripped tree so it sees less noise.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from lxml import etree

from normalize.html import element_to_text

__all__ = ["MainContent", "extract_main", "strip_boilerplate", "BOILERPLATE_WORDS"]


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
    "meta", "postmetadata", "byline", "dateline", "backtooverview", "hidden", "visually",
    "offcanvas", "masthead", "topbar", "header", "jp", "wp-block-latest-posts", "prevnext",
    "next", "prev", "previous", "outils", "tools", "rating", "reactions", "most", "popular",
    "trending", "aussi", "suggestions", "lightbox", "feedback", "mentions",
}
# Blocks that point elsewhere: removed even before trafilatura looks at a page.
_RELATED_WORDS = {"related", "relatedposts", "similar", "similaires", "aussi", "share",
                  "sharing", "sharedaddy", "partage", "addtoany"}
# Words that, with a boilerplate word, still mean content ("entry-header" holds no body
# but "article-tags" never holds body either; these rescue "main-content-author"...).
_CONTENT_WORDS = {"content", "entry", "body", "texte", "text", "article", "post", "chapo",
                  "main", "story"}
_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")

# CMS body containers, best first. Each is (xpath, label).
_CONTAINERS = [
    ("//*[@itemprop='articleBody']", "itemprop"),
    ("//*[contains(concat(' ', normalize-space(@class), ' '), ' tribe-events-single-event-description ')]", "tec"),
    ("//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]", "wordpress"),
    ("//*[contains(concat(' ', normalize-space(@class), ' '), ' field--name-body ')]", "drupal"),
    ("//*[contains(concat(' ', normalize-space(@class), ' '), ' field-name-body ')]", "drupal7"),
    ("//*[contains(concat(' ', normalize-space(@class), ' '), ' post-content ')]", "post-content"),
    ("//*[contains(concat(' ', normalize-space(@class), ' '), ' article-content ')]", "article-content"),
    ("//*[contains(concat(' ', normalize-space(@class), ' '), ' article-body ')]", "article-body"),
    ("//*[contains(concat(' ', normalize-space(@class), ' '), ' article_body ')]", "article-body"),
    ("//*[contains(concat(' ', normalize-space(@class), ' '), ' articleBody ')]", "article-body"),
    ("//*[contains(concat(' ', normalize-space(@class), ' '), ' story-body ')]", "story-body"),
    ("//*[contains(concat(' ', normalize-space(@class), ' '), ' node__content ')]", "drupal-node"),
    ("//*[contains(concat(' ', normalize-space(@class), ' '), ' wysiwyg ')]", "wysiwyg"),
]
# Common "<thing>-body" / "<thing>Content" class names of article bodies.
_GENERIC_BODY = re.compile(
    r"^(?:article|post|entry|story|news|single|blog|content|node|text)[-_]{0,2}"
    r"(?:content)?[-_]{0,2}(?:body|content|text|texte|corps)$", re.IGNORECASE)
# SPIP splits an article into a lede and a text block.
_SPIP_PARTS = ("chapo", "texte")
# Ledes/teasers printed above the body container by many CMSs.
_LEDE_XPATH = ("//*[@itemprop='description' and not(self::meta)]"
               "|//*[contains(concat(' ', normalize-space(@class), ' '), ' chapo ')]"
               "|//*[contains(concat(' ', normalize-space(@class), ' '), ' chapeau ')]"
               "|//*[contains(concat(' ', normalize-space(@class), ' '), ' teaser-text ')]"
               "|//*[contains(concat(' ', normalize-space(@class), ' '), ' lead ')]"
               "|//*[contains(concat(' ', normalize-space(@class), ' '), ' lede ')]"
               "|//*[contains(concat(' ', normalize-space(@class), ' '), ' standfirst ')]"
               "|//p[contains(concat(' ', normalize-space(@class), ' '), ' intro ')]")
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
    # A marked block holding most of the page is a layout wrapper ("pageHeader" around
    # everything, "share-zone" around the article), not boilerplate: keep it.
    def wrapper(el) -> bool:
        size = _text_len(el)
        return size > 1500 and size > 0.4 * total

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


def _containers(doc) -> tuple[list, str]:
    for xpath, label in _CONTAINERS:
        found = [el for el in doc.xpath(xpath) if _text_len(el) >= _MIN_CONTAINER_CHARS]
        if not found:
            continue
        # Nested matches (a wrapper and its inner block): keep the outermost ones.
        outer = [el for el in found if not any(a in found for a in el.iterancestors())]
        best = max(outer, key=_text_len)
        return [best], label
    generic = [el for el in doc.xpath("//*[@class]")
               if any(_GENERIC_BODY.match(c) for c in el.get("class").split())
               and _text_len(el) >= _MIN_CONTAINER_CHARS]
    if generic:
        outer = [el for el in generic if not any(a in generic for a in el.iterancestors())]
        return [max(outer, key=_text_len)], "generic"
    parts = []
    for cls in _SPIP_PARTS:
        xp = f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]"
        found = [el for el in doc.xpath(xp) if _text_len(el) > 0]
        if found:
            parts.append(max(found, key=_text_len))
    if parts and sum(_text_len(p) for p in parts) >= _MIN_CONTAINER_CHARS:
        parts = [p for p in parts if not any(a in parts for a in p.iterancestors())]
        return parts, "spip"
    return [], ""


def _lede(doc, first) -> object | None:
    """A lede printed before the body container (and outside it), if any."""
    for el in doc.xpath(_LEDE_XPATH):
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
            include_links=True, include_formatting=True, with_metadata=False,
            output_format="python",
        )
    except Exception:  # noqa: BLE001 - third-party failure: fall back to nothing
        return []
    body = getattr(result, "body", None)
    return [body] if body is not None else []


def _strip_inside(container) -> None:
    """Boilerplate blocks nested in a body container (share bars, related posts, credits)."""
    for el in list(container.iter()):
        if el is container or not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if el.tag in ("header", "figcaption") or _is_boilerplate(el, inside=True):
            _drop(el)


def _drop_junk_tags(doc) -> None:
    for el in list(doc.iter(*_DROP_TAGS)):
        _drop(el)
    for el in list(doc.iter(etree.Comment)):
        _drop(el)


def extract_main(doc, url: str, title: str | None = None) -> MainContent:
    """The main content of a parsed page (the tree is not modified)."""
    work = copy.deepcopy(doc)
    _drop_junk_tags(work)
    # A CMS body container is a strong signal even inside a block whose class looks like
    # boilerplate (Blogger's "widget Blog"): look it up before any class-based stripping.
    elements, method = _containers(work)
    if elements:
        lede = _lede(work, elements[0])
        if lede is not None and method != "spip":
            elements = [lede] + elements
        for el in elements:
            _strip_inside(el)
    else:
        # trafilatura sees the page without its related-links and share blocks, which it
        # tends to keep when the body itself is short ("Voir aussi" under a publication).
        light = copy.deepcopy(doc)
        for el in list(light.iter()):
            if isinstance(el.tag, str) and el.getparent() is not None and _words(
                    (el.get("class") or "") + " " + (el.get("id") or "")) & _RELATED_WORDS:
                _drop(el)
        elements, method = _trafilatura(light, url), "trafilatura"
        if not elements or not any(_text_len(el) for el in elements):
            strip_boilerplate(work)
            body = work.find("body")
            elements, method = ([body] if body is not None else []), "body"
    for el in elements:
        _drop_boiler_lines(el)
        _drop_title(el, title)
    text = "\n\n".join(t for t in (element_to_text(el) for el in elements) if t)
    return MainContent(elements=elements, text=text, method=method)
