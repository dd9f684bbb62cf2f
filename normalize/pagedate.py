"""The publication date of a web page: structured data first, then CMS markup, prose, URL.

Sources are tried from the most explicit (JSON-LD `datePublished`, `article:published_time`)
to the most guessed (a date in the URL). At each level the *original* publication wins
over an update ("Mis à jour le", `dateModified`, `<time class="updated">`).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

__all__ = ["find_publication_date", "DateFinding", "publication_date_from_tree",
           "modified_date_from_tree", "parse_date_value", "load_jsonld"]


@dataclass(frozen=True)
class DateFinding:
    """A normalised date, the raw string it came from, and where it was found."""

    value: str
    raw: str
    source: str


# ------------------------------------------------------------------ value parsing

_MONTHS = {
    # French
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "mars": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8,
    "aout": 8, "septembre": 9, "sept": 9, "octobre": 10, "oct": 10, "novembre": 11,
    "nov": 11, "décembre": 12, "decembre": 12, "déc": 12, "dec": 12,
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "october": 10, "november": 11, "december": 12,
    # German
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "juni": 6, "juli": 7,
    "oktober": 10, "okt": 10, "dezember": 12, "dez": 12,
}
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_ISO = re.compile(
    r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?$")
_DMY_NUM = re.compile(r"(?<![\d/.])(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})(?![\d/])")
_DMY_TXT = re.compile(
    rf"(?<!\w)(\d{{1,2}})(?:er|\.)?\s+({_MONTH_RE})\.?,?\s+(\d{{4}})"
    r"(?:\s*(?:à|a|at|um|,|-|–)?\s*(\d{1,2})\s*[h:]\s*(\d{2})?)?",
    re.IGNORECASE,
)
_MDY_TXT = re.compile(rf"(?<!\w)({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})",
                      re.IGNORECASE)


def _offset(text: str | None) -> timezone | None:
    if not text:
        return None
    if text == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))


def _fmt(y: int, m: int, d: int, hh: int | None = None, mm: int | None = None,
         ss: int | None = None, tz: timezone | None = None) -> str | None:
    try:
        day = date(y, m, d)
    except ValueError:
        return None
    if hh is None or tz is None:
        # A time without an offset is local to an unknown zone: the day is what we know.
        return day.isoformat()
    try:
        return datetime(y, m, d, hh, mm or 0, ss or 0, tzinfo=tz).isoformat()
    except ValueError:
        return day.isoformat()


def _fallback_parse(text: str) -> str | None:
    """Minimal date reader used when `normalize.dates.parse_published` is unavailable."""
    text = text.strip()
    m = _ISO.search(text)
    if m:
        y, mo, d, hh, mi, ss, off = m.groups()
        return _fmt(int(y), int(mo), int(d), int(hh) if hh else None,
                    int(mi) if mi else None, int(ss) if ss else None, _offset(off))
    m = _COMPACT.match(text)
    if m:
        return _fmt(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DMY_TXT.search(text)
    if m:
        return _fmt(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    m = _MDY_TXT.search(text)
    if m:
        return _fmt(int(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
    m = _DMY_NUM.search(text)
    if m:
        year = int(m.group(3))
        year += 2000 if year < 100 else 0
        return _fmt(year, int(m.group(2)), int(m.group(1)))
    if re.search(r"\d{1,2}:\d{2}", text) and re.search(r"[A-Z][a-z]{2},? ", text):
        try:
            dt = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        return dt.isoformat() if dt.tzinfo else dt.date().isoformat()
    return None


def _to_zone(value: str | None, tz: str) -> str | None:
    if not value or len(value) <= 10:
        return value
    try:
        return datetime.fromisoformat(value).astimezone(ZoneInfo(tz)).isoformat()
    except (ValueError, KeyError):
        return value


# The calendar day of a UTC timestamp is the publisher's local one; the page locale tells
# where the publisher is when it is not metropolitan France.
_REGION_ZONES = {
    "fr": "Europe/Paris", "ca": "America/Toronto", "be": "Europe/Brussels",
    "ch": "Europe/Zurich", "lu": "Europe/Luxembourg", "de": "Europe/Berlin",
    "at": "Europe/Vienna", "gb": "Europe/London", "us": "America/New_York",
    "re": "Indian/Reunion", "yt": "Indian/Mayotte", "mq": "America/Martinique",
    "gp": "America/Guadeloupe", "gf": "America/Cayenne",
}


def page_timezone(doc) -> str:
    """The publisher's time zone guessed from the page locale (default Europe/Paris)."""
    metas = _metas(doc)
    for locale in (doc.get("lang"), metas.get("og:locale"), metas.get("dc.language"),
                   metas.get("content-language")):
        m = re.match(r"^[a-z]{2,3}[-_]([a-z]{2})\b", (locale or "").strip().lower())
        if m and m.group(1) in _REGION_ZONES:
            return _REGION_ZONES[m.group(1)]
    return "Europe/Paris"


def _external_parser():
    try:
        from normalize.dates import parse_published  # written by another engineer
    except ImportError:
        return None
    return parse_published


def parse_date_value(text: str | None, tz: str = "Europe/Paris") -> str | None:
    """A date string (ISO, RFC 822, French/English/German prose) → `YYYY-MM-DD` or ISO datetime
    in the publisher's zone `tz` (so the day is the local one)."""
    if not text or not text.strip():
        return None
    text = text.strip()[:200]
    value = None
    parser = _external_parser()
    if parser is not None:
        try:
            value = parser(text, tz)
        except Exception:  # noqa: BLE001 - a parser bug must not lose the page
            value = None
    if value is None:
        value = _to_zone(_fallback_parse(text), tz)
    return value if value and _plausible(value) else None


def _plausible(value: str) -> bool:
    """Web publication dates lie between the first CMSs and (almost) today."""
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return False
    return date(1995, 1, 1) <= day <= date.today() + timedelta(days=2)


# ------------------------------------------------------------------ JSON-LD

_JSON_COMMENTS = re.compile(r"^\s*//.*$|/\*.*?\*/", re.MULTILINE | re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _flatten(node, out: list[dict]) -> None:
    if isinstance(node, list):
        for item in node:
            _flatten(item, out)
    elif isinstance(node, dict):
        graph = node.get("@graph")
        if isinstance(graph, list):
            _flatten(graph, out)
            rest = {k: v for k, v in node.items() if k != "@graph"}
            if len(rest) > 1 or (rest and "@context" not in rest):
                out.append(rest)
        else:
            out.append(node)


def load_jsonld(doc) -> list[dict]:
    """Every JSON-LD object of a parsed page (graphs flattened; broken blocks repaired or skipped)."""
    out: list[dict] = []
    for script in doc.iter("script"):
        kind = (script.get("type") or "").lower()
        if "ld+json" not in kind:
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        raw = raw.removeprefix("<!--").removesuffix("-->").strip()
        for attempt in (raw, _CONTROL.sub(" ", _JSON_COMMENTS.sub("", raw))):
            try:
                data = json.loads(attempt, strict=False)
            except ValueError:
                continue
            _flatten(data, out)
            break
    return out


def _types(obj: dict) -> list[str]:
    kind = obj.get("@type") or []
    return [str(k) for k in (kind if isinstance(kind, list) else [kind])]


_ARTICLE_TYPES = re.compile(r"Article|BlogPosting|Posting|Report|WebPage|CreativeWork|"
                            r"Review|Blog|Movie|Episode|Clip|Recording|Document")


def _jsonld_date(objs: list[dict], key: str) -> str | None:
    """The first `key` value, preferring article-like objects over anything else."""
    fallback = None
    for obj in objs:
        value = obj.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if not isinstance(value, str) or not value.strip():
            continue
        if any(_ARTICLE_TYPES.search(t) for t in _types(obj)):
            return value
        fallback = fallback or value
    return fallback


# ------------------------------------------------------------------ meta and markup

_META_PUBLISHED = [
    "article:published_time", "og:article:published_time", "og:published_time",
    "article:published", "datepublished", "dc.date.issued", "dcterms.issued",
    "dc.date.created", "dcterms.created", "dc.date", "dcterms.date", "dc.date.publication",
    "citation_publication_date", "citation_date", "publication_date", "publish-date",
    "publish_date", "publishdate", "pubdate", "sailthru.date", "parsely-pub-date",
    "date", "created", "article.published", "article_date_original", "original-publish-date",
    "cxenseparse:recs:publishtime", "og:pubdate", "bt:pubdate",
]
_META_MODIFIED = [
    "article:modified_time", "og:updated_time", "datemodified", "dc.date.modified",
    "dcterms.modified", "last-modified", "article.updated", "lastmod",
]


def _metas(doc) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in doc.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") \
            or meta.get("http-equiv")
        content = meta.get("content")
        if key and content and content.strip():
            found.setdefault(key.strip().lower(), content.strip())
    return found


def _classes(el) -> set[str]:
    return set((el.get("class") or "").lower().split())


_UPDATED_CLASS = {"updated", "modified", "date-modified", "update", "last-modified",
                  "entry-date-modified", "date-updated"}
_UPDATE_WORDS = re.compile(r"mis\s+à\s+jour|mise\s+à\s+jour|modifié|actualisé|updated|"
                           r"aktualisiert|geändert|letzte\s+änderung|dernière\s+modification",
                           re.IGNORECASE)
_PUBLISHED_PROSE = re.compile(
    r"(?:publié|publiée|mis\s+en\s+ligne|posté|postée|paru|parue|écrit|rédigé)\s+le\s*:?\s*"
    r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?"
    r"(\d{1,2}(?:er)?\s+\w+\.?\s+\d{4}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})"
    r"|(?:published|posted)\s+(?:on\s+)?(\w+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+\w+\s+\d{4})"
    r"|(?:veröffentlicht|erstellt)\s+(?:am\s+)?:?\s*(\d{1,2}\.\s*\w+\s+\d{4}|\d{1,2}\.\d{1,2}\.\d{4})",
    re.IGNORECASE,
)
_URL_DATE = [
    re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?:/|$|[-_])"),
    re.compile(r"[/_-]((?:19|20)\d{2})-(\d{2})-(\d{2})(?:[/_.-]|$)"),
    re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})(?:[/_.-]|$)"),
]


def _main_scope(doc):
    """Where the page's own dates live: its single article, the article holding the main
    heading, else <main>, else the body (listing pages carry one article per teaser)."""
    articles = doc.xpath("//article")
    if len(articles) == 1:
        return articles[0]
    for h1 in doc.iter("h1"):  # the first h1 is often the site logo: skip those
        for anc in h1.iterancestors("article", "main"):
            return anc
    for path in ("//main", "//*[@role='main']"):
        found = doc.xpath(path)
        if len(found) == 1:
            return found[0]
    body = doc.find("body")
    return body if body is not None else doc


_BOILER_ANCESTOR = re.compile(r"comment|related|sidebar|widget|footer|recommend|forum|"
                              r"reaction|teaser-list|most-read|popular|similar|aside|secondary", re.I)


def _in_boilerplate(el) -> bool:
    for anc in el.iterancestors():
        tag = anc.tag if isinstance(anc.tag, str) else ""
        if tag in ("aside", "footer", "nav"):
            return True
        cls = (anc.get("class") or "") + " " + (anc.get("id") or "")
        if _BOILER_ANCESTOR.search(cls):
            return True
    return False


def _time_elements(scope, doc):
    """`<time>`/`abbr.published` values, original publication first, updates skipped."""
    pub_first: list[tuple[str, str]] = []
    plain: list[tuple[str, str]] = []
    for el in scope.iter("time", "abbr"):
        classes = _classes(el)
        if classes & _UPDATED_CLASS or el.get("itemprop", "").lower() == "datemodified":
            continue
        if _in_boilerplate(el):
            continue
        parent_text = el.getparent().text_content() if el.getparent() is not None else ""
        if _UPDATE_WORDS.search(parent_text[:80]) and not re.search(
                r"publi|posted|mis en ligne", parent_text[:80], re.I):
            continue
        value = el.get("datetime") or el.get("title") or el.get("content") \
            or el.text_content()
        shown = _PUBLISHED_PROSE.search(" ".join(el.text_content().split()))
        if shown:
            # <time datetime="(update)">Publié le 29 juin 2019</time>: the words win.
            value = next(g for g in shown.groups() if g)
        if el.tag == "abbr" and not (classes & {"published", "dtstart", "date"}):
            continue
        if el.get("pubdate") is not None or classes & {"published", "entry-date"} \
                or el.get("itemprop", "").lower() == "datepublished":
            pub_first.append((value, "time-published"))
        else:
            plain.append((value, "time"))
    return pub_first + plain[:1]


_DATEISH = re.compile(r"date|publi|time|meta|byline|info|posted|submitted|fecha|datum|"
                      r"dateline|signature|chrono", re.I)
_LABEL = re.compile(r"^(?:date(?:\s+de\s+(?:publication|parution|mise\s+en\s+ligne))?|"
                    r"mise\s+en\s+ligne|publié\s+le|publication|parution|datum|"
                    r"veröffentlicht(?:\s+am)?)\s*:?$", re.I)


def find_date_text(text: str) -> str | None:
    """The first full date written in `text` (day, month and year), as written."""
    best = None
    for pattern in (_DMY_TXT, _MDY_TXT, _DMY_NUM, _ISO):
        m = pattern.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    return best.group(0) if best else None


def _date_blocks(scope, labels_only: bool = False):
    """Short date-ish blocks (class or label) in document order: bylines, date lines."""
    for el in scope.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "a", "time"):
            continue
        marker = (el.get("class") or "") + " " + (el.get("id") or "")
        own = " ".join((el.text or "").split())
        labelled = bool(own) and _LABEL.match(own) and len(el) == 0
        if not labelled and (labels_only or not _DATEISH.search(marker)):
            continue
        if labelled:
            nxt = el.getnext()
            text = " ".join(((el.tail or "") + " " + (nxt.text_content() if nxt is not None
                                                        else "")).split())[:120]
        else:
            text = " ".join(el.text_content().split())
            if len(text) > 200:
                continue
        if _UPDATE_WORDS.search(text) and not _PUBLISHED_PROSE.search(text):
            continue
        found = find_date_text(text)
        # An explicit "Mise en ligne" label is about this page even in a side column.
        if found and (labels_only or not _in_boilerplate(el)):
            yield found, "block"


def _prose(doc):
    body = doc.find("body")
    if body is None:
        return
    text = " ".join(body.text_content().split())
    m = _PUBLISHED_PROSE.search(text)
    if m:
        yield next(g for g in m.groups() if g), "prose"


def _url_date(url: str):
    for pattern in _URL_DATE:
        m = pattern.search(url or "")
        if m:
            value = _fmt(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if value:
                yield m.group(0), "url"
                return


def _first(candidates, tz: str = "Europe/Paris") -> DateFinding | None:
    for raw, source in candidates:
        if not raw:
            continue
        if source == "url":
            m = next(p.search(raw) for p in _URL_DATE if p.search(raw))
            value = _fmt(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            value = value if value and _plausible(value) else None
        else:
            value = parse_date_value(raw, tz)
        if value:
            return DateFinding(value, raw.strip(), source)
    return None


def _candidates(doc, url: str, jsonld: list[dict]):
    yield _jsonld_date(jsonld, "datePublished"), "jsonld"
    metas = _metas(doc)
    for key in _META_PUBLISHED:
        if key in metas:
            yield metas[key], "meta:" + key
    for el in doc.xpath("//*[@itemprop='datePublished']"):
        yield el.get("content") or el.get("datetime") or el.text_content(), "itemprop"
    yield _jsonld_date(jsonld, "dateCreated"), "jsonld:dateCreated"
    scope = _main_scope(doc)
    yield from _time_elements(scope, doc)
    yield from _date_blocks(scope)
    body = doc.find("body")
    if body is not None and scope is not body:
        yield from _date_blocks(body, labels_only=True)
    yield from _prose(doc)
    yield from _url_date(url)
    yield _htmldate(doc), "htmldate"


_NOT_THIS_PAGE = re.compile(r"comment|forum|respond|disqus|related|recommend|similar",
                            re.IGNORECASE)


def _htmldate(doc) -> str | None:
    """Last resort: htmldate's own search (installed with trafilatura), original date."""
    try:
        import htmldate
    except ImportError:  # pragma: no cover
        return None
    try:
        # htmldate prunes the tree it is given: hand it a copy, without the comments
        # and related posts whose dates are not the page's.
        tree = copy.deepcopy(doc)
        for el in list(tree.iter()):
            marker = f"{el.get('class') or ''} {el.get('id') or ''}" \
                if isinstance(el.tag, str) else ""
            if _NOT_THIS_PAGE.search(marker) and el.getparent() is not None \
                    and el.tag not in ("body", "html"):
                el.getparent().remove(el)
        return htmldate.find_date(tree, original_date=True,
                                  extensive_search=False)
    except Exception:  # noqa: BLE001 - a third-party failure must not lose the page
        return None


def publication_date_from_tree(doc, url: str, jsonld: list[dict] | None = None
                               ) -> DateFinding | None:
    """The publication date of an already parsed page (see `find_publication_date`)."""
    if jsonld is None:
        jsonld = load_jsonld(doc)
    return _first(_candidates(doc, url, jsonld), page_timezone(doc))


def modified_date_from_tree(doc, jsonld: list[dict]) -> str | None:
    """The last-update date declared by the page, if any."""
    candidates = [(_jsonld_date(jsonld, "dateModified"), "jsonld")]
    metas = _metas(doc)
    candidates += [(metas[k], k) for k in _META_MODIFIED if k in metas]
    for el in doc.xpath("//time[contains(concat(' ', @class, ' '), ' updated ')]"
                        "|//*[@itemprop='dateModified']"):
        candidates.append((el.get("datetime") or el.get("content") or el.text_content(), "t"))
    found = _first(candidates, page_timezone(doc))
    return found.value if found else None


def find_publication_date(html: str, url: str) -> str | None:
    """The page's original publication date (`YYYY-MM-DD` or ISO datetime), None if unknown."""
    from normalize.html import parse_document

    found = publication_date_from_tree(parse_document(html), url)
    return found.value if found else None
