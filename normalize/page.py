"""Facts of one harvested web page: title, dates, summary, body, type, event and document hints.

Understands the centres' CMSs (WordPress + The Events Calendar, Drupal, SPIP) and falls
back on generic markup (OpenGraph, JSON-LD, headings) for custom sites.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree

from normalize.html import parse_document, sanitize_html
from normalize.microdata import microdata_objects
from normalize.maintext import extract_main, strip_boilerplate
from normalize.pagedate import (_metas, load_jsonld, modified_date_from_tree,
                                publication_date_from_tree)

__all__ = ["PageFacts", "extract_page"]


@dataclass
class PageFacts:
    """What a page says about itself (see docs/CONTRACTS.md, normalize.html)."""

    title: str | None = None
    canonical_url: str = ""
    published: str | None = None
    published_raw: str | None = None
    modified: str | None = None
    summary: str | None = None
    body_html: str = ""
    body_text: str = ""
    language: str | None = None
    image_url: str | None = None
    jsonld: list[dict] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    page_type: str | None = None
    date_text: str | None = None
    place_text: str | None = None
    document_links: list[tuple[str, str]] = field(default_factory=list)


_WS = re.compile(r"\s+")
# " - " is a separator only with spaces around it; ":" and quotes belong to titles.
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|–—·•‹›]|-|::)\s+")
# Unknown trailers are cut only after these: a dash inside a title is often the title's own
# ("Le Moule s'engage dans le quartier Sergent – Bonan").
_SECTION_SEPARATOR = re.compile(r"\s(?:[|·•‹›]|::)\s*$")
_SUMMARY_MAX = 400
_DOC_EXTENSIONS = (".pdf", ".doc", ".docx", ".odt", ".ods", ".odp", ".xls", ".xlsx",
                   ".ppt", ".pptx", ".rtf")
_EVENT_TYPE = re.compile(r"Event$|^Event|Festival|Exhibition|Course(?:Instance)?$")


def _clean(text: str | None) -> str:
    return _WS.sub(" ", (text or "").replace("\u00ad", "")).strip()


def _text(el) -> str:
    return _clean("".join(el.itertext()))


def _has_class(cls: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')"


# ------------------------------------------------------------------ title


def _strip_site_suffix(title: str, site_names: list[str]) -> str:
    """'Titre – Nom du site' → 'Titre' (also 'Nom du site | Titre', 'Titre | Rubrique | Site')."""
    names = {_fold(n) for n in site_names if n and _fold(n)}
    for _ in range(3):
        parts = _TITLE_SEPARATORS.split(title)
        if len(parts) < 2:
            break
        if _fold(parts[-1]) in names:
            title = _TITLE_SEPARATORS.split(title)[0] if len(parts) == 2 else \
                title[:title.rfind(parts[-1])].rstrip(" |–—·•‹›-:")
        elif _fold(parts[0]) in names:
            title = title[len(parts[0]):].lstrip(" |–—·•‹›-:")
        elif (len(parts[-1]) <= 40 and len(parts[-1]) < 0.5 * (len(title) - len(parts[-1]))
              and _SECTION_SEPARATOR.search(title[:title.rfind(parts[-1])][-4:])):
            # An unknown short trailer ("| DW | 23.05.2011", "– Chroniques") is a site or
            # section name, never part of an article title.
            title = title[:title.rfind(parts[-1])].rstrip(" |–—·•‹›-:")
        else:
            break
    return title.strip()


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


def _host_names(url: str) -> list[str]:
    """Site-name spellings implied by the host ("www.resovilles.com" → "resovilles")."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return [host, host.split(".")[0]] if host else []


def _title(doc, metas: dict, jsonld: list[dict], url: str = "") -> str | None:
    site_names = [metas.get("og:site_name", ""), metas.get("application-name", "")]
    site_names += _host_names(url)
    site_names += [o.get("name", "") for o in jsonld
                   if isinstance(o.get("name"), str) and "WebSite" in str(o.get("@type"))]
    head_title = doc.find(".//title")
    raw_title = _clean(head_title.text_content()) if head_title is not None else ""
    og = _clean(metas.get("og:title") or metas.get("twitter:title"))
    headings = [_text(h) for h in doc.xpath(
        "//article//h1|//main//h1|//*[" + _has_class("entry-title") + "]"
        "|//*[@itemprop='headline' and not(self::meta)]|//h1")]
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
        if isinstance(obj.get("headline"), str) and obj["headline"].strip():
            return _clean(obj["headline"])
    stripped = _strip_site_suffix(raw_title, site_names) if raw_title else None
    if stripped and stripped != raw_title:
        return stripped  # "Agenda | Site": the part left is the page's own title
    if headings:
        return headings[0]
    return stripped or None


# ------------------------------------------------------------------ links and metadata


def _abs(base: str, href: str | None) -> str | None:
    if not href or not href.strip():
        return None
    value = urljoin(base, href.strip())
    return value if urlsplit(value).scheme in ("http", "https") else None


def _canonical(doc, metas: dict, url: str) -> str:
    for link in doc.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            found = _abs(url, link.get("href"))
            if found:
                return found
    return _abs(url, metas.get("og:url")) or url


def _language(doc, metas: dict) -> str | None:
    for value in (doc.get("lang"), doc.get("xml:lang"), metas.get("content-language"),
                  metas.get("og:locale"), metas.get("dc.language"), metas.get("language")):
        m = re.match(r"^\s*([a-zA-Z]{2,3})(?:[-_]|$|\s)", value or "")
        if m:
            return m.group(1).lower()
    return None


def _image(doc, metas: dict, jsonld: list[dict], base: str) -> str | None:
    for key in ("og:image", "og:image:url", "og:image:secure_url", "twitter:image",
                "twitter:image:src"):
        found = _abs(base, metas.get(key))
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


def _categories(doc, metas: dict, jsonld: list[dict]) -> list[str]:
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
            labels.append(_text(a))
    for a in doc.xpath("//*[" + _has_class("field--name-field-tags") + " or "
                       + _has_class("field--type-entity-reference") + " or "
                       + _has_class("field-name-field-tags") + "]//a"):
        labels.append(_text(a))
    # Breadcrumbs name the section a page sits in ("Accueil > Publications"): SPIP's
    # `arbo`/`ariane`, Drupal's and WordPress themes' `breadcrumb`. The home link is skipped.
    crumbs = doc.xpath("//*[" + " or ".join(_has_class(c) for c in _CRUMB_CLASSES)
                       + "]//a | //nav[contains(translate(@aria-label, 'BREADCUMFIL', "
                       "'breadcumfil'), 'breadcrumb') or contains(translate(@aria-label, "
                       "'ARIANE', 'ariane'), 'ariane')]//a")
    for a in crumbs:
        text = _text(a)
        if text and _fold(text) not in ("accueil", "home", "homepage"):
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


def _summary(doc, metas: dict, body_text: str) -> str | None:
    for key in ("description", "og:description", "twitter:description", "dc.description"):
        value = _clean(metas.get(key))
        if len(value) >= 20:
            return _shorten(value)
    for el in doc.xpath("//*[" + _has_class("chapo") + " or " + _has_class("chapeau")
                        + " or " + _has_class("lead") + "]"):
        value = _text(el)
        if len(value) >= 20:
            return _shorten(value)
    for paragraph in body_text.split("\n\n"):
        if len(paragraph) >= 60:
            return _shorten(paragraph)
    return _shorten(body_text) if body_text else None


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


def _labelled(scope, label: re.Pattern) -> str | None:
    """Text after a label such as "Quand ?" or "Lieu :", on the same line or the next block."""
    for el in scope.iter("p", "div", "li", "dt", "strong", "b", "h2", "h3", "h4", "h5",
                         "span", "th"):
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


def _by_classes(scope, classes: tuple[str, ...]) -> str | None:
    """Text of the first element with one of `classes`, without its label ("Lieu", "Date")
    and with its pieces kept apart (a <br> between a date and its hours)."""
    label_xpath = ".//*[" + " or ".join(_has_class(c) for c in _LABEL_CLASSES) + "]"
    for cls in classes:
        for el in scope.xpath(".//*[" + _has_class(cls) + "]"):
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
                return value
    return None


def _jsonld_events(jsonld: list[dict]) -> list[dict]:
    return [o for o in jsonld if any(_EVENT_TYPE.search(t) for t in _types(o))]


def _types(obj: dict) -> list[str]:
    kind = obj.get("@type") or []
    return [str(k) for k in (kind if isinstance(kind, list) else [kind])]


def _jsonld_place(event: dict) -> str | None:
    location = event.get("location")
    if isinstance(location, list):
        location = location[0] if location else None
    if isinstance(location, str):
        return _clean(location) or None
    if not isinstance(location, dict):
        return None
    parts = [location.get("name")]
    address = location.get("address")
    if isinstance(address, dict):
        parts += [address.get("streetAddress"),
                  " ".join(x for x in (address.get("postalCode"), address.get("addressLocality"))
                           if isinstance(x, str) and x)]
    elif isinstance(address, str):
        parts.append(address)
    if "VirtualLocation" in str(location.get("@type")) and not any(parts):
        parts.append("En ligne")
    text = ", ".join(_clean(p) for p in parts if isinstance(p, str) and _clean(p))
    return text or None


# Definition lists of "practical information" blocks (PQN-A: "Calendrier", "Structure";
# note "Location" there is the price, not the place).
_DT_DATE_NAMES = {"quand", "date", "dates", "calendrier", "dateethoraires",
                  "datesethoraires", "horaires", "jour"}  # folded: no accents, spaces, marks
_DT_PLACE_NAMES = {"lieu", "adresse", "ou", "structure", "lieudelevenement", "salle"}


def _definition(scope, names: set[str]) -> str | None:
    """The `<dd>` that follows a `<dt>` whose label is one of `names`."""
    for dt in scope.iter("dt", "th"):
        if _fold(_text(dt)) not in names:
            continue
        value = dt.getnext()
        if value is not None and value.tag in ("dd", "td"):
            # Pieces of a value are often split by <br> or spans: keep them apart.
            text = _clean(" ".join(value.itertext()))
            if text and len(text) <= 300:
                return text
    return None


def _event_texts(doc, scope, jsonld: list[dict]) -> tuple[str | None, str | None, bool]:
    """(date prose, place prose, whether the date block is clearly an event's)."""
    date_text = _by_classes(doc, _EVENT_DATE_CLASSES) or _definition(scope, _DT_DATE_NAMES)
    strong = date_text is not None
    if date_text is None:
        date_text = _labelled(scope, _STRONG_DATE_LABEL)
        strong = date_text is not None
    if date_text is None:
        date_text = _labelled(scope, _DATE_LABEL)
        # "Date : 12/03/2024" may be a post date; with an hour or a range it is an event.
        strong = bool(date_text and re.search(r"\d\s*h|\d:\d|\bau\b|\bde\b.+\bà\b",
                                               date_text, re.IGNORECASE))
    place_text = (_by_classes(doc, _PLACE_CLASSES) or _definition(scope, _DT_PLACE_NAMES)
                  or _labelled(scope, _PLACE_LABEL))
    events = _jsonld_events(jsonld)
    if events and not place_text:
        place_text = _jsonld_place(events[0])
    return date_text, place_text, strong


# ------------------------------------------------------------------ documents


def _is_document(url: str, link) -> bool:
    path = urlsplit(url).path.lower()
    if path.endswith(_DOC_EXTENSIONS):
        return True
    kind = (link.get("type") or "").lower()
    return kind.startswith("application/pdf") or "officedocument" in kind \
        or "opendocument" in kind or "msword" in kind


def _document_links(elements, base: str) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    for root in elements:
        for a in root.iter("a"):
            url = _abs(base, a.get("href"))
            if not url or not _is_document(url, a):
                continue
            label = _text(a) or _clean(a.get("title"))
            if not label:
                label = urlsplit(url).path.rsplit("/", 1)[-1]
            if url not in found or (not found[url] and label):
                found[url] = label
    return list(found.items())


# ------------------------------------------------------------------ page type

_BODY_EVENT = re.compile(r"\b(?:single-tribe_events|tribe-events-single|single-evenement|"
                         r"single-event|node--type-(?:event|evenement|agenda)|"
                         r"page-node-type-(?:event|evenement|agenda))\b")
_BODY_LISTING = re.compile(r"\b(?:archive|category|tag|tax-[\w-]+|blog|paged|search|"
                           r"post-type-archive(?:-[\w-]+)?|page-rubrique|rubrique|"
                           r"page-taxonomy-term|path-taxonomy|view-display-id-page)\b")
_BODY_ARTICLE = re.compile(r"\b(?:single-post|single|node--type-(?:article|actualite|news|"
                           r"page)|page-article|page-node-type-\w+|postid-\d+)\b")


def _page_type(doc, metas: dict, jsonld: list[dict], event_block: bool,
               body_text: str, documents: list) -> str | None:
    body = doc.find("body")
    classes = " ".join(filter(None, [doc.get("class"), body.get("class") if body is not None
                                     else None]))
    node_classes = " ".join(el.get("class") or "" for el in doc.xpath(
        "//article[@class]|//*[contains(@class, 'node--type-')]")[:3])
    if _jsonld_events(jsonld) or _BODY_EVENT.search(classes + " " + node_classes) \
            or doc.xpath("//*[" + _has_class("tribe-events-schedule") + "]"):
        return "event"
    teasers = len(doc.xpath("//article")) + len(doc.xpath("//*[" + _has_class("views-row")
                                                          + "]"))
    paginated = bool(doc.xpath("//link[@rel='next']|//a[@rel='next']|//*["
                               + _has_class("pagination") + " or " + _has_class("nav-links")
                               + " or " + _has_class("pager") + "]"))
    if _BODY_LISTING.search(classes) and not _BODY_ARTICLE.search(classes) \
            or (teasers >= 4 and paginated):
        return "listing"
    if event_block:
        # A page with an explicit event date block ("Quand ?", TEC schedule...).
        return "event"
    kinds = " ".join(" ".join(_types(o)) for o in jsonld)
    if documents and (len(body_text) < 600 or re.search(r"DigitalDocument|Report", kinds)):
        return "document"
    if re.search(r"Article|BlogPosting|NewsArticle|Report", kinds) \
            or metas.get("og:type", "").lower() == "article" \
            or _BODY_ARTICLE.search(classes + " " + node_classes) \
            or doc.xpath("//*[" + _has_class("texte") + "]"):
        return "article"
    return None


# ------------------------------------------------------------------ entry point


def extract_page(html: str, url: str) -> PageFacts:
    """Everything the aggregator needs from one HTML page (never raises on bad markup)."""
    doc = parse_document(html)
    metas = _metas(doc)
    scripts = load_jsonld(doc)
    # Microdata items join the JSON-LD ones: one structured-data format downstream.
    jsonld = scripts + microdata_objects(html, url)
    base = url
    base_el = doc.find(".//base")
    if base_el is not None and base_el.get("href"):
        base = _abs(url, base_el.get("href")) or url
    title = _title(doc, metas, jsonld, url)
    main = extract_main(doc, url, title)
    body_html = "".join(
        etree.tostring(el, encoding="unicode", method="html") for el in main.elements)
    # Dates from JSON-LD scripts only: a microdata `datePublished` is one candidate among
    # the page's markup, ranked after `article:published_time` (it is often the update).
    date_found = publication_date_from_tree(doc, url, scripts)
    # Labels ("Quand ?", "Lieu :") count in the main content only, not in menus.
    # The enclosing <main>/<article> when there is one: "practical information" blocks sit
    # beside the body text, not inside it.
    regions = doc.xpath("//main|//*[@role='main']|//article")
    scope = regions[0] if regions else (
        main.elements[0] if main.elements and main.method != "trafilatura" else doc)
    date_text, place_text, event_block = _event_texts(doc, scope, jsonld)
    if main.method == "trafilatura":
        # trafilatura's tree keeps no hrefs we can trust: take the page minus boilerplate.
        stripped = copy.deepcopy(doc)
        strip_boilerplate(stripped)
        documents = _document_links([stripped], base)
    else:
        documents = _document_links(main.elements, base)
    return PageFacts(
        title=title,
        canonical_url=_canonical(doc, metas, url),
        published=date_found.value if date_found else None,
        published_raw=date_found.raw if date_found else None,
        modified=modified_date_from_tree(doc, scripts),
        summary=_summary(doc, metas, main.text),
        body_html=sanitize_html(body_html, base),
        body_text=main.text,
        language=_language(doc, metas),
        image_url=_image(doc, metas, jsonld, base),
        jsonld=jsonld,
        categories=_categories(doc, metas, jsonld),
        page_type=_page_type(doc, metas, jsonld, event_block, main.text, documents),
        date_text=date_text,
        place_text=place_text,
        document_links=documents,
    )
