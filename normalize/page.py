"""Facts of one harvested web page, as the page states them: title, publication date,
summary, main text, structure signals, event and document hints.

Understands the centres' CMSs (WordPress + The Events Calendar, Drupal, SPIP) and falls back
on generic markup (OpenGraph, JSON-LD, headings) and on the site's own template (blocks its
pages repeat) for home-made sites. Pure: the centre's context (time zone, harvest day, site
template) comes in as a `PageContext`; what the page *is* (news, event, listing…) is decided
once, by the crawler's page reader, from the `Structure` signals gathered here.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urljoin, urlsplit

from lxml import etree

from normalize.folding import fold_key
from normalize.html import ClassIndex, element_to_text, in_document_order, parse_document
from normalize.maintext import extract_main, outside_boilerplate, strip_boilerplate
from normalize.pagedate import (first_date, metas, modified_candidates, page_language,
                               publication_date)
from normalize.structured import (events_of, first_value, location_text, structured_objects,
                                  types_of)
from normalize.template import Block, SiteTemplate, block_key, drop_boilerplate_blocks, page_blocks
from normalize.urls import is_document_url

__all__ = ["PageContext", "PageFacts", "Structure", "extract_page", "parse_page", "canonical_url",
           "is_pagination_of", "is_date_line"]


@dataclass
class PageContext:
    """What the page reader knows of the centre: its time zone (a naive time on the page is
    wall-clock time there), the harvest day, and the site's template learned so far."""

    timezone: str = "Europe/Paris"
    today: date | None = None
    template: SiteTemplate | None = None
    site_names: tuple[str, ...] = ()  # the centre's name and short name, as titles append them


@dataclass
class Structure:
    """What the markup says the page is, for the one decision of its kind."""

    event_markup: bool = False  # JSON-LD Event, an events-CMS body class or schedule block
    event_block: bool = False  # an explicit event date block ("Quand ?", TEC schedule…)
    listing_markup: bool = False  # archive/category/search body classes, or a paginated list
    article_markup: bool = False  # article types, og:type article, single-post classes
    document_markup: bool = False  # DigitalDocument/Report structured data
    types: frozenset = frozenset()  # structured-data types, lower-cased
    teasers: int = 0  # distinct internal pages linked with a headline-long text
    paginated: bool = False  # links to other pages of the same list
    pager: bool = False  # a pager block or rel=next: the markup of a list, even on its only page
    protected: bool = False  # a password form stands for the content
    login: bool = False  # a login form: an account page, not content
    search: bool = False  # a search results page
    attachment: bool = False  # a CMS page standing for one uploaded file (WordPress, Drupal media)
    body_documents: int = 0  # files linked from the main content itself (not a side box)


@dataclass
class PageFacts:
    """What a page says about itself (see docs/CONTRACTS.md, normalize.page)."""

    title: str | None = None
    canonical_url: str = ""
    published: str | None = None  # in the publisher's offset; naive times in the centre's zone
    published_raw: str | None = None
    published_source: str | None = None
    modified: str | None = None
    summary: str | None = None
    body_html: str = ""  # the main content as found (untrusted: sanitised by the pipeline)
    body_text: str = ""
    language: str | None = None
    image_url: str | None = None
    jsonld: list[dict] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    structure: Structure = field(default_factory=Structure)
    date_text: str | None = None
    event_times: list[str] = field(default_factory=list)  # `<time datetime>` of the date block
    place_text: str | None = None
    document_links: list[tuple[str, str]] = field(default_factory=list)


_WS = re.compile(r"\s+")
# " - " is a separator only with spaces around it; ":" and quotes belong to titles.
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|–—·•‹›]|-|::)\s+")
# Unknown trailers are cut only after these: a dash inside a title is often the title's own
# ("Le Moule s'engage dans le quartier Sergent – Bonan").
_SECTION_SEPARATOR = re.compile(r"\s(?:[|·•‹›]|::)\s*$")
_SUMMARY_MAX = 400


def _clean(text: str | None) -> str:
    return _WS.sub(" ", (text or "").replace("\u00ad", "")).strip()


def _text(el) -> str:
    """An element's text on one line, with a space wherever two blocks meet."""
    return _clean(element_to_text(el))


def _head(el, limit: int = 60) -> str:
    """The first characters of an element's text, without reading all of it."""
    pieces, size = [], 0
    for piece in el.itertext():
        pieces.append(piece)
        size += len(piece)
        if size >= limit:
            break
    return _clean("".join(pieces))


def _has_class(cls: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')"


def _any_class(classes) -> str:
    return " or ".join(_has_class(c) for c in classes)


# ------------------------------------------------------------------ title


def _strip_site_suffix(title: str, site_names: list[str]) -> str:
    """'Titre – Nom du site' → 'Titre' (also 'Nom du site | Titre', 'Titre | Rubrique | Site')."""
    names = {fold_key(n) for n in site_names if n and fold_key(n)}
    for _ in range(3):
        parts = _TITLE_SEPARATORS.split(title)
        if len(parts) < 2:
            break
        if fold_key(parts[-1]) in names:
            title = _TITLE_SEPARATORS.split(title)[0] if len(parts) == 2 else \
                title[:title.rfind(parts[-1])].rstrip(" |–—·•‹›-:")
        elif fold_key(parts[0]) in names:
            title = title[len(parts[0]):].lstrip(" |–—·•‹›-:")
        elif (len(parts[-1]) <= 40 and len(parts[-1]) < 0.5 * (len(title) - len(parts[-1]))
              and _SECTION_SEPARATOR.search(title[:title.rfind(parts[-1])][-4:])):
            # An unknown short trailer ("| DW | 23.05.2011", "– Chroniques") is a site or
            # section name, never part of an article title.
            title = title[:title.rfind(parts[-1])].rstrip(" |–—·•‹›-:")
        else:
            break
    return title.strip()


def _host_names(url: str) -> list[str]:
    """Site-name spellings implied by the host ("www.resovilles.com" → "resovilles")."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return [host, host.split(".")[0]] if host else []


# Headings that may be the page's own title (an article's or main region's h1 is an h1).
_HEADINGS = etree.XPath("//h1|//*[@itemprop='headline' and not(self::meta)]")


def _title(doc, found_metas: dict, jsonld: list[dict], url: str = "",
           known_names: tuple[str, ...] = (), index: ClassIndex | None = None) -> str | None:
    site_names = [found_metas.get("og:site_name", ""), found_metas.get("application-name", ""),
                  *known_names]
    site_names += _host_names(url)
    site_names += [o.get("name", "") for o in jsonld
                   if isinstance(o.get("name"), str) and "WebSite" in types_of(o)]
    head_title = doc.find(".//title")
    raw_title = _clean(head_title.text_content()) if head_title is not None else ""
    og = _clean(found_metas.get("og:title") or found_metas.get("twitter:title"))
    index = index if index is not None else ClassIndex(doc)
    headings = [_text(h) for h in in_document_order([*_HEADINGS(doc),
                                                      *index.having("entry-title")])]
    headings = [h for h in headings if 3 <= len(h) <= 300]
    references = [_strip_site_suffix(t, site_names).lower() for t in (og, raw_title) if t]
    # The main heading when the title/og:title confirm it (the first h1 may be a logo, a
    # section name or the site name: those are much shorter than the title).
    for heading in headings:
        low = heading.lower()
        if any(low in ref and len(low) >= 0.6 * len(ref) for ref in references):
            return heading
    if og:
        return _strip_site_suffix(og, site_names)
    for obj in jsonld:
        headline = first_value(obj, "headline")
        if headline:
            return _clean(headline)
    stripped = _strip_site_suffix(raw_title, site_names) if raw_title else None
    if stripped and stripped != raw_title:
        return stripped  # "Agenda | Site": the part left is the page's own title
    if headings:
        return headings[0]
    return stripped or None


# ------------------------------------------------------------------ links and metadata


def _abs(base: str, href: str | None) -> str | None:
    """An absolute http(s) URL for `href`, None for anything else (or a malformed URL)."""
    if not href or not href.strip():
        return None
    try:
        value = urljoin(base, href.strip())
        return value if urlsplit(value).scheme in ("http", "https") else None
    except ValueError:  # "http://[bad host]/": a broken link, not an error of the page
        return None


def canonical_url(doc, url: str, found_metas: dict | None = None) -> str:
    """The address the page declares for itself (rel=canonical, og:url), else `url`."""
    found_metas = metas(doc) if found_metas is None else found_metas
    for link in doc.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            found = _abs(url, link.get("href"))
            if found:
                return found
    return _abs(url, found_metas.get("og:url")) or url


def _image(found_metas: dict, jsonld: list[dict], base: str) -> str | None:
    for key in ("og:image", "og:image:url", "og:image:secure_url", "twitter:image",
                "twitter:image:src"):
        found = _abs(base, found_metas.get(key))
        if found:
            return found
    for obj in jsonld:
        image = obj.get("image")
        if isinstance(image, list):
            image = image[0] if image else None
        if isinstance(image, dict):
            image = image.get("url") or image.get("contentUrl")
        if isinstance(image, str):
            found = _abs(base, image)
            if found:
                return found
    return None


_CRUMB_CLASSES = ("arbo", "ariane", "breadcrumb", "breadcrumbs", "fil-ariane", "fil_ariane")
_TAG_FIELDS = ("field--name-field-tags", "field--type-entity-reference", "field-name-field-tags")


def _categories(doc, index, jsonld: list[dict]) -> list[str]:
    labels: list[str] = []
    for meta in doc.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() in (
                "article:section", "article:tag"):
            labels.append(meta.get("content") or "")
    for obj in jsonld:
        for key in ("articleSection", "keywords"):
            value = obj.get(key)
            if isinstance(value, str):
                labels.extend(value.split(",") if key == "keywords" else [value])
            elif isinstance(value, list):
                labels.extend(v for v in value if isinstance(v, str))
    # WordPress rel=tag / rel="category tag"; SPIP rel=tag; Drupal tag fields.
    for a in doc.xpath("//a[@rel]"):
        rel = (a.get("rel") or "").lower().split()
        if "tag" in rel or "category" in rel:
            labels.append(_clean(a.text_content()))
    for cls in _TAG_FIELDS:
        for field_el in index.by_token.get(cls, ()):
            labels.extend(_clean(a.text_content()) for a in field_el.iter("a"))
    # Breadcrumbs name the section a page sits in ("Accueil > Publications"): SPIP's
    # `arbo`/`ariane`, Drupal's and WordPress themes' `breadcrumb`. The home link is skipped.
    crumbs = [a for cls in _CRUMB_CLASSES for el in index.by_token.get(cls, ()) for a in el.iter("a")]
    crumbs += doc.xpath("//nav[contains(translate(@aria-label, 'BREADCUMFIL', 'breadcumfil'), "
                        "'breadcrumb') or contains(translate(@aria-label, 'ARIANE', 'ariane'), "
                        "'ariane')]//a")
    for a in crumbs:
        text = _clean(a.text_content())
        if text and fold_key(text) not in ("accueil", "home", "homepage"):
            labels.append(text)
    seen: dict[str, str] = {}
    for label in labels:
        label = _clean(label).strip("#").strip()
        if label and len(label) <= 80 and label.lower() not in seen:
            seen[label.lower()] = label
    return list(seen.values())


# ------------------------------------------------------------------ summary


def _shorten(text: str, limit: int = _SUMMARY_MAX) -> str:
    text = _clean(text)
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–") + "…"


# A line that is only a date stamp ("Tue, 10 Nov 2026 13:00:00 +0000", "Mis en ligne le
# 05/07/2026", "Publié le 3 mars 2026 par Anne"): not a sentence of the article.
_DATE_LINE = re.compile(
    r"^(?:(?:publié|publiée|mis\s+en\s+ligne|mise\s+en\s+ligne|posté|postée|paru|parue|"
    r"mis\s+à\s+jour|modifié|date|le|published|posted|updated)\b[^.!?]{0,25}?\s*:?\s*)?"
    r"(?:(?:lun|mar|mer|jeu|ven|sam|dim|mon|tue|wed|thu|fri|sat|sun)\w*\.?,?\s*)?"
    r"(?:\d{1,2}(?:er)?[\s./-]+(?:\w+\.?|\d{1,2})[\s./-]+\d{2,4}|\d{4}-\d{2}-\d{2}\S*)"
    r"(?:\s*(?:à|at|,|-)?\s*\d{1,2}\s*[h:]\s*\d{0,2}(?::\d{2})?)?"
    r"(?:\s*(?:[+-]\d{4}|gmt|utc|cet|cest))?(?:\s+(?:par|by)\s+[^.!?]{1,60})?\s*$",
    re.IGNORECASE)


def is_date_line(text: str) -> bool:
    """A line that only states when (and by whom) something was published."""
    return bool(_DATE_LINE.match(_clean(text)))


# "Mis en ligne le 11/10/2026 Le nouveau programme…": a publication stamp run into the text
# (an inline date span before the first sentence).
_STAMP_PREFIX = re.compile(
    r"^(?:publié|publiée|mis\s+en\s+ligne|mise\s+en\s+ligne|posté|postée|mis\s+à\s+jour|"
    r"published|posted|updated)(?:\s+(?:le|on))?\s*:?\s*"
    r"(?:(?:lun|mar|mer|jeu|ven|sam|dim|mon|tue|wed|thu|fri|sat|sun)\w*\.?,?\s*)?"
    r"(?:\d{1,2}(?:er)?[\s./-]+(?:\w+\.?|\d{1,2})[\s./-]+\d{2,4}|\d{4}-\d{2}-\d{2}\S*)"
    r"(?:\s*(?:à|at|,|-)?\s*\d{1,2}\s*[h:]\s*\d{0,2})?\s*[-–—|,.]?\s+",
    re.IGNORECASE)


def without_stamp(text: str) -> str:
    """`text` without a publication stamp run into its start."""
    return _STAMP_PREFIX.sub("", text, count=1)


def _summary_candidates(doc, found_metas: dict, main_root, template: SiteTemplate | None,
                        url: str, index: ClassIndex | None = None):
    """Description metas, ledes, then the body's own lines, in that order."""
    for key in ("description", "og:description", "twitter:description", "dc.description"):
        value = _clean(found_metas.get(key))
        if value:
            yield value, "meta"
    index = index if index is not None else ClassIndex(doc)
    for el in in_document_order(index.having("chapo", "chapeau", "lead")):
        yield _text(el), "lede"
    if main_root is not None:
        for block in page_blocks(main_root, url, cards=False):  # a summary reads no card links
            if template is not None and template.is_boilerplate(block, url):
                continue
            yield block.text, "body" if block.link_chars < 0.5 * len(block.text) else "links"


def _summary(doc, found_metas: dict, main_root, title: str | None,
             template: SiteTemplate | None, url: str, index: ClassIndex | None = None) -> str | None:
    """The article's first real sentences: never the title, a date line or a menu; a site
    description repeated on every page of the site is not this page's summary."""
    folded_title = fold_key(title or "")
    opening: list[str] = []
    for text, origin in _summary_candidates(doc, found_metas, main_root, template, url, index):
        if origin == "links" or is_date_line(text):
            continue
        text = without_stamp(text)
        key = fold_key(text)
        if not key or key == folded_title:
            continue
        if folded_title and folded_title in key and len(key) - len(folded_title) < 40 \
                and not key.startswith(folded_title):
            continue  # the title with a trail before it: a breadcrumb, a decorated heading
        if origin in ("meta", "lede"):
            if len(text) >= 20 and not _site_wide(text, template, url):
                return _shorten(text)
            continue
        if folded_title and key.startswith(folded_title):
            text = text[len(title or ""):].lstrip(" :–—-|,.")  # a title run into the text
            if not text:
                continue
        if not _prose_line(text):
            continue  # a label, a tag, a file name: not a sentence of the article
        opening.append(text)
        if sum(len(t) for t in opening) >= 160:
            break
    joined = " ".join(opening)
    return _shorten(joined) if joined else None


_FILE_LINE = re.compile(r"\S+\.(?:pdf|docx?|odt|xlsx?|pptx?)\b", re.IGNORECASE)


def _prose_line(text: str) -> bool:
    """A line of running text: a sentence, or long enough to be one."""
    if _FILE_LINE.search(text) and len(text) < 120:
        return False
    return len(text) >= 40 or text.rstrip().endswith((".", "!", "?", "…", ":", ";"))


def _site_wide(text: str, template: SiteTemplate | None, url: str) -> bool:
    """A description the site puts on every page (its tagline), not this page's."""
    if template is None:
        return False
    return template.is_boilerplate(Block(block_key(text), text), url)


# ------------------------------------------------------------------ events and places

_DATE_LABEL = re.compile(
    r"^\s*(?:date(?:s|\(s\))?|dates?\s+et\s+horaires?)\s*:\s*", re.IGNORECASE)
_STRONG_DATE_LABEL = re.compile(
    r"^\s*(?:quand\s*\?\s*:?|(?:quand|calendrier|horaires?)\s*:)\s*", re.IGNORECASE)
_PLACE_LABEL = re.compile(r"^\s*(?:(?:lieu|adresse)\s*:|où\s*\?\s*:?)\s*", re.IGNORECASE)
_EVENT_DATE_CLASSES = ("tribe-events-schedule", "tribe-event-date-start", "event-date",
                       "date-evenement", "evenement-date", "field--name-field-date",
                       "field--type-daterange", "field--type-datetime", "event-dates",
                       "agenda-date", "date-event", "dates-evenement")
_PLACE_CLASSES = ("tribe-venue", "tribe-events-venue-details", "tribe-venue-location",
                  "tribe-address", "event-location", "event-place", "field--name-field-lieu",
                  "field--name-field-location", "field--name-field-adresse", "event-venue",
                  "lieu-evenement", "evenement-lieu")
_LABEL_TAGS = ("p", "div", "li", "dt", "strong", "b", "h2", "h3", "h4", "h5", "span", "th")


def _labelled(scope, label: re.Pattern) -> str | None:
    """Text after a label such as "Quand ?" or "Lieu :", on the same line or the next block."""
    for el in scope.iter(*_LABEL_TAGS):
        # Cheap first look: the label opens the element's text or it is not this one.
        if not label.match(_head(el)):
            continue
        own = _clean(el.text)
        full = _text(el)
        if not full or len(full) > 300:
            continue
        m = label.match(full)
        if not m:
            continue
        rest = full[m.end():].strip(" :–-")
        if rest and own and label.match(own):
            return rest
        if rest and el.tag not in ("strong", "b", "span", "dt", "th", "h2", "h3", "h4", "h5"):
            return rest
        # The label is alone: the value is in the tail or the next sibling block.
        tail = _clean(el.tail)
        if tail:
            return tail.strip(" :–-")
        nxt = el.getnext()
        if nxt is not None:
            value = _text(nxt)
            if value and len(value) <= 300:
                return value
        parent = el.getparent()
        if parent is not None and el.tag in ("strong", "b", "span"):
            value = _text(parent)[len(full):].strip(" :–-")
            if value:
                return value
    return None


_LABEL_CLASSES = ("field__label", "field-label", "label", "tribe-events-label")


def _by_classes(index: ClassIndex, classes: tuple[str, ...], with_element: bool = False):
    """Text of the first element with one of `classes` (in the order given), without its
    label ("Lieu", "Date") and with its pieces kept apart (a <br> between a date and its
    hours); with `with_element`, (text, element)."""
    matches = [el for cls in classes for el in index.by_token.get(cls, ())]
    if not matches:
        return (None, None) if with_element else None
    label_xpath = ".//*[" + _any_class(_LABEL_CLASSES) + "]"
    for el in matches:
        labels = set(el.xpath(label_xpath))  # the set keeps lxml's proxies alive
        pieces = []
        for node in el.iter():
            if node in labels or any(a in labels for a in node.iterancestors()):
                if node.tail and node in labels:
                    pieces.append(node.tail)
                continue
            if node.text:
                pieces.append(node.text)
            if node is not el and node.tail:
                pieces.append(node.tail)
        value = _clean(" ".join(pieces))
        if value and len(value) <= 300:
            return (value, el) if with_element else value
    return (None, None) if with_element else None


# Definition lists of "practical information" blocks (PQN-A: "Calendrier", "Structure";
# note "Location" there is the price, not the place).
_DT_DATE_NAMES = {"quand", "date", "dates", "calendrier", "dateethoraires",
                  "datesethoraires", "horaires", "jour"}  # folded: no accents, spaces, marks
_DT_PLACE_NAMES = {"lieu", "adresse", "ou", "structure", "lieudelevenement", "salle"}


def _definition(scope, names: set[str]) -> str | None:
    """The `<dd>` that follows a `<dt>` whose label is one of `names`."""
    for dt in scope.iter("dt", "th"):
        if fold_key(_head(dt, 40)) not in names:
            continue
        value = dt.getnext()
        if value is not None and value.tag in ("dd", "td"):
            # Pieces of a value are often split by <br> or spans: keep them apart.
            text = _clean(" ".join(value.itertext()))
            if text and len(text) <= 300:
                return text
    return None


def _machine_times(element) -> list[str]:
    """The `datetime` values of the `<time>` elements of an event's date block (Drupal's
    date ranges print "lun 01/02/2027 - 09:30 - 16:00" for people and ISO for machines)."""
    if element is None:
        return []
    return [t.get("datetime").strip() for t in element.iter("time") if (t.get("datetime") or "").strip()]


# Words a labelled date or place block opens with: a page that has none of them anywhere
# (most pages in other languages) is not searched label by label.
_LABEL_WORDS = re.compile(r"\b(?:quand|dates?|horaires?|calendrier|lieu|adresse|où)\b",
                          re.IGNORECASE)


def _event_texts(index: ClassIndex, scope, jsonld: list[dict], page_text: str):
    """(date prose, machine times of the date block, place prose, whether the date block is
    clearly an event's)."""
    date_text, date_element = _by_classes(index, _EVENT_DATE_CLASSES, with_element=True)
    times = _machine_times(date_element) if date_text else []
    labels = bool(_LABEL_WORDS.search(page_text))
    date_text = date_text or _definition(scope, _DT_DATE_NAMES)
    strong = date_text is not None
    if date_text is None and labels:
        date_text = _labelled(scope, _STRONG_DATE_LABEL)
        strong = date_text is not None
    if date_text is None and labels:
        date_text = _labelled(scope, _DATE_LABEL)
        # "Date : 12/03/2024" may be a post date; with an hour or a range it is an event.
        strong = bool(date_text and re.search(r"\d\s*h|\d:\d|\bau\b|\bde\b.+\bà\b",
                                               date_text, re.IGNORECASE))
    place_text = (_by_classes(index, _PLACE_CLASSES) or _definition(scope, _DT_PLACE_NAMES)
                  or (_labelled(scope, _PLACE_LABEL) if labels else None))
    events = events_of(jsonld)
    if events and not place_text:
        place_text = location_text(events[0].get("location"))
    return date_text, times, place_text, strong


# ------------------------------------------------------------------ documents


def _is_document_link(url: str, link) -> bool:
    if is_document_url(url):
        return True
    kind = (link.get("type") or "").lower()
    return kind.startswith("application/pdf") or "officedocument" in kind \
        or "opendocument" in kind or "msword" in kind


_DOCUMENT_HINT = re.compile(r"\.(?:pdf|docx?|odt|ods|odp|xlsx?|pptx?|rtf)\b", re.IGNORECASE)


def _document_links(elements, base: str, keep=None) -> list[tuple[str, str]]:
    """(URL, link text) of the PDF and office files linked under `elements` (those `keep`
    accepts, when given)."""
    found: dict[str, str] = {}
    for root in elements:
        for a in root.iter("a"):
            href = a.get("href") or ""
            if not (_DOCUMENT_HINT.search(href) or a.get("type")):
                continue  # cheap look before resolving every link of the page
            url = _abs(base, href)
            if not url or not _is_document_link(url, a) or (keep is not None and not keep(a)):
                continue
            label = _clean(a.text_content()) or _clean(a.get("title"))
            if not label:
                label = urlsplit(url).path.rsplit("/", 1)[-1]
            if url not in found or (not found[url] and label):
                found[url] = label
    return list(found.items())


# Where an item's own attachments live; navigation and footers are left out on purpose
# (a footer link to the annual report is not an attachment of every page).
_REGION_TAGS = ("//article", "//main", "//*[@role='main']")
_REGION_CLASSES = ("entry-content", "node__content")
_REGION_LATE_CLASSES = ("content", "texte", "post", "fiche")


def _content_region(doc, index: ClassIndex):
    for xpath in _REGION_TAGS:
        found = doc.xpath(xpath)
        if found:
            return found[0]
    found = index.first(*_REGION_CLASSES)
    if found is not None:
        return found
    by_id = doc.xpath("//*[@id='content']")
    if by_id:
        return by_id[0]
    return index.first(*_REGION_LATE_CLASSES)


# ------------------------------------------------------------------ structure

_BODY_EVENT = re.compile(r"\b(?:single-tribe_events|tribe-events-single|single-evenement|"
                         r"single-event|node--type-(?:event|evenement|agenda)|"
                         r"page-node-type-(?:event|evenement|agenda))\b")
_BODY_LISTING = re.compile(r"\b(?:archive|category|tag|tax-[\w-]+|blog|paged|search|"
                           r"post-type-archive(?:-[\w-]+)?|page-rubrique|rubrique|"
                           r"page-taxonomy-term|path-taxonomy|view-display-id-page)\b")
_BODY_ARTICLE = re.compile(r"\b(?:single-post|single|node--type-(?:article|actualite|news|"
                           r"page)|page-article|page-node-type-\w+|postid-\d+)\b")
_BODY_SEARCH = re.compile(r"\b(?:search|search-results|page-search|path-search)\b")
_BODY_ATTACHMENT = re.compile(r"\b(?:attachment|single-attachment|attachmentid-\d+|path-media|"
                              r"page-media|media-entity)\b")
_PAGE_PARAM = re.compile(r"(?:^|&)(?:page|paged|pg|start|offset|debut_[a-z_]+)=\d+")
_PAGE_PATH = re.compile(r"/page/\d+/?$")
_PAGE_HINT = re.compile(r"page|pg=|start=|offset=|debut_", re.IGNORECASE)  # before any urljoin


def is_pagination_of(url: str, page: str) -> bool:
    """`url` is another page of the list `page` (same path, a page number changes)."""
    try:
        here, there = urlsplit(page), urlsplit(url)
    except ValueError:
        return False
    if there.netloc != here.netloc:
        return False
    if _PAGE_PATH.search(there.path):
        return _PAGE_PATH.sub("/", there.path) == _PAGE_PATH.sub("/", here.path)
    return there.path == here.path and bool(_PAGE_PARAM.search(there.query))


def _teasers(region, base: str) -> int:
    """Links to other pages of the site with a headline-long text in the main region:
    three or more make a listing rather than an item."""
    if region is None:
        return 0
    host = urlsplit(base).netloc
    targets = set()
    for anchor in region.iter("a"):
        target = _abs(base, anchor.get("href"))
        if not target:
            continue
        target = target.split("#")[0]
        if target.rstrip("/") == base.split("#")[0].rstrip("/") or is_document_url(target):
            continue
        if urlsplit(target).netloc == host and len(_clean(anchor.text_content())) >= 20:
            targets.add(target)
    return len(targets)


def _structure(doc, index: ClassIndex, found_metas: dict, jsonld: list[dict], event_block: bool,
               base: str, region) -> Structure:
    body = doc.find("body")
    classes = " ".join(filter(None, [doc.get("class"), body.get("class") if body is not None
                                     else None]))
    node_classes = " ".join(el.get("class") or "" for el in doc.xpath(
        "//article[@class]|//*[contains(@class, 'node--type-')]")[:3])
    types = frozenset(t.lower() for obj in jsonld for t in types_of(obj))
    cms_teasers = len(doc.xpath("//article")) + len(index.by_token.get("views-row", ()))
    cms_paginated = bool(doc.xpath("//link[@rel='next']|//a[@rel='next']")) \
        or index.has("pagination", "nav-links", "pager")
    paginated = any(is_pagination_of(target, base) for target in
                    (_abs(base, href) for href in doc.xpath("//a/@href") if _PAGE_HINT.search(href))
                    if target)
    return Structure(
        event_markup=bool(events_of(jsonld)) or bool(_BODY_EVENT.search(classes + " " + node_classes))
        or index.has("tribe-events-schedule"),
        event_block=event_block,
        listing_markup=bool(_BODY_LISTING.search(classes)) and not _BODY_ARTICLE.search(classes)
        or (cms_teasers >= 4 and cms_paginated),
        article_markup=any(re.search(r"article|blogposting|newsarticle|report", t) for t in types)
        or found_metas.get("og:type", "").lower() == "article"
        or bool(_BODY_ARTICLE.search(classes + " " + node_classes))
        or index.has("texte"),
        document_markup=any(re.search(r"digitaldocument|report", t) for t in types),
        types=types,
        teasers=_teasers(region, base),
        paginated=paginated,
        pager=cms_paginated,
        protected=index.has("post-password-form") or bool(doc.xpath("//form[contains(@action, 'postpass')]")),
        login=bool(doc.xpath("//input[@type='password']")),
        search=bool(_BODY_SEARCH.search(classes)),
        attachment=bool(_BODY_ATTACHMENT.search(classes)),
    )


# ------------------------------------------------------------------ entry point


def parse_page(html: str):
    """The page's tree (for readers that also want the links of the same parse)."""
    return parse_document(html)


def extract_page(html: str, url: str, context: PageContext | None = None, doc=None) -> PageFacts:
    """Everything the aggregator needs from one HTML page (never raises on bad markup);
    `doc` is the already parsed tree of `html`, if the caller has one."""
    context = context or PageContext()
    doc = parse_page(html) if doc is None else doc
    found_metas = metas(doc)
    scripts, jsonld = structured_objects(doc, url)
    base = url
    base_el = doc.find(".//base")
    if base_el is not None and base_el.get("href"):
        base = _abs(url, base_el.get("href")) or url
    canonical = canonical_url(doc, url, found_metas)
    index = ClassIndex(doc)
    title = _title(doc, found_metas, jsonld, url, context.site_names, index)
    main = extract_main(doc, url, title, template=context.template, page_key=canonical,
                        index=index)
    body_html = "".join(
        etree.tostring(el, encoding="unicode", method="html") for el in main.elements)
    # Dates from JSON-LD scripts only: a microdata `datePublished` is one candidate among
    # the page's markup, ranked after `article:published_time` (it is often the update).
    published = publication_date(doc, url, scripts, context.timezone, context.today,
                                 found_metas)
    modified = first_date(modified_candidates(doc, scripts, found_metas), context.timezone,
                          context.today)
    # Labels ("Quand ?", "Lieu :") count in the main content only, not in menus.
    # The enclosing <main>/<article> when there is one: "practical information" blocks sit
    # beside the body text, not inside it.
    regions = doc.xpath("//main|//*[@role='main']|//article")
    scope = regions[0] if regions else (
        main.elements[0] if main.elements and main.method != "trafilatura" else doc)
    body_el = doc.find("body")
    page_text = (body_el if body_el is not None else doc).text_content()
    date_text, event_times, place_text, event_block = _event_texts(index, scope, jsonld, page_text)
    region = _content_region(doc, index)
    if main.method in ("trafilatura", "body"):
        # trafilatura's tree keeps no hrefs we can trust: the page minus its boilerplate.
        total = len(" ".join(page_text.split()))
        documents = _document_links([doc], base, keep=lambda a: outside_boilerplate(a, total))
    else:
        documents = _document_links(main.elements, base)
    in_body = len(documents)
    if region is not None:
        # Files linked beside the body in the content region (a "Télécharger" box).
        known = {u for u, _ in documents}
        documents += [(u, t) for u, t in _document_links([region], base) if u not in known]
    main_root = main.elements[0] if len(main.elements) == 1 else (
        _wrap(main.elements) if main.elements else None)
    structure = _structure(doc, index, found_metas, jsonld, event_block, url,
                           region if region is not None else _without_template(doc, context, canonical))
    structure.body_documents = in_body
    return PageFacts(
        title=title,
        canonical_url=canonical,
        published=published.value if published else None,
        published_raw=published.raw if published else None,
        published_source=published.source if published else None,
        modified=modified.value if modified else None,
        summary=_summary(doc, found_metas, main_root, title, context.template, canonical, index),
        body_html=body_html,
        body_text=main.text,
        language=page_language(doc, found_metas),
        image_url=_image(found_metas, jsonld, base),
        jsonld=jsonld,
        categories=_categories(doc, index, jsonld),
        structure=structure,
        date_text=date_text,
        event_times=event_times,
        place_text=place_text,
        document_links=documents,
    )


def _without_template(doc, context: PageContext, canonical: str):
    """A page without semantic regions, minus what its site repeats everywhere (menus,
    sidebars, footers): where its own links are."""
    body = doc.find("body")
    if body is None:
        return None
    content = copy.deepcopy(body)
    if context.template is not None and len(context.template):
        drop_boilerplate_blocks(content, context.template, canonical)
    else:
        strip_boilerplate(content)
    return content


def _wrap(elements):
    """Several content blocks (a lede and a body) under one element, for reading in order."""
    root = etree.Element("div")
    for el in elements:
        root.append(copy.deepcopy(el))
    return root
