"""Where a web page states its publication date: candidates, most explicit first.

Sources go from the most explicit (JSON-LD `datePublished`, `article:published_time`) to the
most guessed (a date in the URL, then htmldate's own extensive search). At each level the
*original* publication wins over an update ("Mis à jour le", `dateModified`,
`<time class="updated">`). This module only finds the strings; `normalize.dates.
parse_published` reads them, in the centre's time zone (`first_date`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Iterator

from normalize.dates import parse_published
from normalize.dates_lex import MONTHS as FRENCH_MONTHS
from normalize.datesearch import htmldate_search
from normalize.html import parse_document
from normalize.structured import first_value, load_jsonld, types_of

__all__ = ["DateFinding", "date_candidates", "modified_candidates", "first_date",
           "publication_date", "find_publication_date", "metas", "find_date_text", "url_day",
           "page_language"]


@dataclass(frozen=True)
class DateFinding:
    """A normalised date, the raw string it came from, and where it was found."""

    value: str
    raw: str
    source: str


# ------------------------------------------------------------------ locating date strings

_MONTH_NAMES = sorted(set(FRENCH_MONTHS) | {
    "janvier", "février", "fevrier", "mars", "avril", "mai", "juin", "juillet", "août",
    "aout", "septembre", "octobre", "novembre", "décembre", "decembre", "févr", "déc",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "feb", "apr", "jun", "jul", "aug",
    "januar", "jänner", "februar", "märz", "maerz", "juni", "juli", "oktober", "okt",
    "dezember", "dez"}, key=len, reverse=True)
_MONTH_RE = "|".join(re.escape(m) for m in _MONTH_NAMES)
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
                  r"\s*(?:Z|[+-]\d{2}:?\d{2})?)?")
_DMY_NUM = re.compile(r"(?<![\d/.])(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})(?![\d/])")
_DMY_TXT = re.compile(
    rf"(?<!\w)(\d{{1,2}})(?:er|\.)?\s+({_MONTH_RE})\.?,?\s+(\d{{4}})"
    r"(?:\s*(?:à|a|at|um|,|-|–)?\s*\d{1,2}\s*[h:]\s*(?:\d{2})?(?:\s*[ap]\.?m\.?)?)?",
    re.IGNORECASE)
_MDY_TXT = re.compile(rf"(?<!\w)({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})"
                      r"(?:\s*(?:,|at|-)?\s*\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?)?", re.IGNORECASE)


# "Tue Jan 28 15:28:56 CET 2020", as `date` prints it: the year after the time.
_ASCTIME_TXT = re.compile(r"(?<!\w)(?:[A-Za-z]{3},?\s+)?[A-Za-z]{3}\s+\d{1,2}\s+\d{1,2}:\d{2}"
                          r"(?::\d{2})?(?:\s+[A-Za-z]{1,4}|\s+[+-]\d{4})?\s+(?:19|20)\d{2}(?!\d)")


def find_date_text(text: str) -> str | None:
    """The first full date written in `text` (day, month and year), as written."""
    best = None
    for pattern in (_ASCTIME_TXT, _DMY_TXT, _MDY_TXT, _DMY_NUM, _ISO):
        m = pattern.search(text)
        if m and (best is None or m.start() < best.start()):
            best = m
    return best.group(0) if best else None


# ------------------------------------------------------------------ structured data and metas

_ARTICLE_TYPES = re.compile(r"Article|BlogPosting|Posting|Report|WebPage|CreativeWork|"
                            r"Review|Blog|Movie|Episode|Clip|Recording|Document")


def _jsonld_date(objs: list[dict], key: str) -> str | None:
    """The first `key` value, preferring article-like objects over anything else."""
    fallback = None
    for obj in objs:
        value = first_value(obj, key)
        if value is None:
            continue
        if any(_ARTICLE_TYPES.search(t) for t in types_of(obj)):
            return value
        fallback = fallback or value
    return fallback


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


def metas(doc) -> dict[str, str]:
    """`<meta>` values by lower-cased property/name/itemprop/http-equiv (first one wins)."""
    found: dict[str, str] = {}
    for meta in doc.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") \
            or meta.get("http-equiv")
        content = meta.get("content")
        if key and content and content.strip():
            found.setdefault(key.strip().lower(), content.strip())
    return found


# ------------------------------------------------------------------ markup and prose


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
    r"(\d{1,2}(?:er)?\s+\w+\.?\s+\d{4}(?:\s+à\s+\d{1,2}\s*h\s*\d{0,2})?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})"
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


class _Boilerplate:
    """Whether a date sits in comments, related posts or a sidebar, whose dates are not the
    page's. A marked block that holds most of the page is a layout wrapper (a theme's
    "comments-area" around the article, a "sidebar-layout" container), never boilerplate."""

    def __init__(self, doc):
        self.doc = doc
        self._total: int | None = None
        self.verdicts: dict = {}

    @property
    def total(self) -> int:
        """The page's text length, measured the first time a marked block needs it."""
        if self._total is None:
            body = self.doc.find("body")
            self._total = _text_len(body if body is not None else self.doc)
        return self._total

    def __contains__(self, el) -> bool:
        for anc in el.iterancestors():
            verdict = self.verdicts.get(anc)
            if verdict is None:
                verdict = self.verdicts[anc] = self._marked(anc)
            if verdict:
                return True
        return False

    def _marked(self, el) -> bool:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("footer", "header") and next(el.iterancestors("article"), None) is not None:
            return False  # an article's own footer holds its date and author (Drupal's Bartik)
        marked = tag in ("aside", "footer", "nav") or bool(_BOILER_ANCESTOR.search(
            f"{el.get('class') or ''} {el.get('id') or ''}"))
        return marked and _text_len(el) < 0.5 * max(self.total, 1)


def _text_len(el) -> int:
    return len(" ".join("".join(el.itertext()).split()))


def _time_elements(scope, boilerplate: _Boilerplate):
    """`<time>`/`abbr.published` values, original publication first, updates skipped."""
    pub_first: list[tuple[str, str]] = []
    plain: list[tuple[str, str]] = []
    for el in scope.iter("time", "abbr"):
        classes = _classes(el)
        if classes & _UPDATED_CLASS or el.get("itemprop", "").lower() == "datemodified":
            continue
        if el.tag == "abbr" and not (classes & {"published", "dtstart", "date"}):
            continue
        if el in boilerplate:
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
        if el.get("pubdate") is not None or classes & {"published", "entry-date"} \
                or el.get("itemprop", "").lower() == "datepublished":
            pub_first.append((value, "time-published"))
        else:
            plain.append((value, "time"))
    return pub_first + plain[:1]


_DATEISH = re.compile(r"date|publi|time|meta|byline|info|posted|submitted|fecha|datum|"
                      r"dateline|signature|chrono", re.I)
_LABEL = re.compile(r"^(?:date\s+de\s+(?:publication|parution|mise\s+en\s+ligne)|"
                    r"mise\s+en\s+ligne|publié\s+le|publication|parution|"
                    r"veröffentlicht(?:\s+am)?)\s*:?$", re.I)
# A bare "Date :" is as often an event's date as the page's: it comes after the prose.
_BARE_LABEL = re.compile(r"^(?:date|datum)\s*:?$", re.I)


def _date_blocks(scope, boilerplate: _Boilerplate, labels_only: bool = False,
                 label: re.Pattern = _LABEL):
    """Short date-ish blocks (class or label) in document order: bylines, date lines."""
    for el in scope.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "a", "time"):
            continue
        marker = (el.get("class") or "") + " " + (el.get("id") or "")
        own = " ".join((el.text or "").split())
        labelled = bool(own) and label.match(own) and len(el) == 0
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
        if found and (labels_only or el not in boilerplate):
            yield found, "block"


def _near_headline(scope, boilerplate: _Boilerplate):
    """A date printed beside the main heading (the line above or below the h1, as most
    themes print "21. Jan 2022 // Author" or "Publié le…"), outside links."""
    headings = [h for h in scope.iter("h1") if len(" ".join(h.text_content().split())) >= 15]
    if not headings:
        return
    heading = headings[0]
    around: list = []
    for node in (heading, heading.getparent()):
        if node is None:
            continue
        before, after = [], []
        sibling = node.getprevious()
        while sibling is not None and len(before) < 3:
            before.append(sibling)
            sibling = sibling.getprevious()
        sibling = node.getnext()
        while sibling is not None and len(after) < 3:
            after.append(sibling)
            sibling = sibling.getnext()
        around += before + after
    for el in around:
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "a", "nav") \
                or el in boilerplate or el.xpath("ancestor-or-self::a"):
            continue
        text = " ".join("".join(t for t in el.xpath(".//text()[not(ancestor::a)]")).split())
        if not text or len(text) > 200 or (_UPDATE_WORDS.search(text)
                                            and not _PUBLISHED_PROSE.search(text)):
            continue
        found = find_date_text(text)
        if found:
            yield found, "headline"
            return


# The words `_PUBLISHED_PROSE` starts with: a cheap scan finds where it may match.
_PROSE_TRIGGER = re.compile(r"publi|mis\s+en\s+ligne|post|paru|écrit|rédigé|veröffentlicht|erstellt",
                            re.IGNORECASE)


def _prose(doc):
    body = doc.find("body")
    if body is None:
        return
    text = " ".join(body.text_content().split())
    for trigger in _PROSE_TRIGGER.finditer(text):
        m = _PUBLISHED_PROSE.match(text, trigger.start())
        if m:
            yield next(g for g in m.groups() if g), "prose"
            return


def url_day(url: str) -> date | None:
    """The day a URL's path carries (`/2023/11/08/slug`, `…-2020-03-17.html`), if any."""
    for pattern in _URL_DATE:
        m = pattern.search(url or "")
        if m:
            try:
                return date(*(int(g) for g in m.groups()))
            except ValueError:
                return None
    return None


def _url_date(url: str):
    day = url_day(url)
    if day is not None:
        yield day.isoformat(), "url"


def _htmldate(doc, url: str, language: str | None, today: date | None):
    """Last resort: htmldate's own search, extensive, on the whole page as published (on
    pages nobody here wrote, pruning "comment" or "teaser" blocks first costs more dates than
    it saves: they often wrap the article itself)."""
    found = htmldate_search(doc, url, language, today)
    if found:
        yield found, "htmldate"


def page_language(doc, found_metas: dict) -> str | None:
    """The page's language as it declares it (`fr`, `en`…), None when it does not."""
    for value in (doc.get("lang"), doc.get("xml:lang"), found_metas.get("content-language"),
                  found_metas.get("og:locale"), found_metas.get("dc.language"),
                  found_metas.get("language")):
        m = re.match(r"^\s*([a-zA-Z]{2,3})(?:[-_]|$|\s)", value or "")
        if m:
            return m.group(1).lower()
    return None


# ------------------------------------------------------------------ the candidates in order


def date_candidates(doc, url: str, jsonld: list[dict], found_metas: dict | None = None,
                    today: date | None = None) -> Iterator[tuple[str, str]]:
    """(raw string, where it was found) for the page's publication date, best first; the
    costly sources are only searched when the explicit ones gave nothing readable
    (`found_metas`: the page's `metas`, if the caller has them)."""
    yield _jsonld_date(jsonld, "datePublished"), "jsonld"
    found = metas(doc) if found_metas is None else found_metas
    for key in _META_PUBLISHED:
        if key in found:
            yield found[key], "meta:" + key
    for el in doc.xpath("//*[@itemprop='datePublished']"):
        yield el.get("content") or el.get("datetime") or el.text_content(), "itemprop"
    yield _jsonld_date(jsonld, "dateCreated"), "jsonld:dateCreated"
    scope = _main_scope(doc)
    boilerplate = _Boilerplate(doc)
    yield from _time_elements(scope, boilerplate)
    yield from _near_headline(scope, boilerplate)
    yield from _date_blocks(scope, boilerplate)
    body = doc.find("body")
    if body is not None and scope is not body:
        yield from _date_blocks(body, boilerplate, labels_only=True)
    yield from _prose(doc)
    yield from _date_blocks(scope, boilerplate, labels_only=True, label=_BARE_LABEL)
    yield from _url_date(url)
    yield from _htmldate(doc, url, page_language(doc, found), today)


def modified_candidates(doc, jsonld: list[dict],
                        found_metas: dict | None = None) -> Iterator[tuple[str, str]]:
    """(raw string, where) for the last update the page declares, if any."""
    yield _jsonld_date(jsonld, "dateModified"), "jsonld"
    found = metas(doc) if found_metas is None else found_metas
    for key in _META_MODIFIED:
        if key in found:
            yield found[key], "meta:" + key
    for el in doc.xpath("//time[contains(concat(' ', @class, ' '), ' updated ')]"
                        "|//*[@itemprop='dateModified']"):
        yield el.get("datetime") or el.get("content") or el.text_content(), "markup"


def plausible(value: str, today: date | None = None) -> bool:
    """Web publication dates lie between the first CMSs and (almost) the harvest day."""
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return False
    return date(1995, 1, 1) <= day <= (today or date.today()) + timedelta(days=2)


def first_date(candidates: Iterable[tuple[str | None, str]], tz: str = "Europe/Paris",
               today: date | None = None) -> DateFinding | None:
    """The first candidate that reads as a plausible date, read in the centre's zone `tz`
    (a naive time is the centre's wall clock; an explicit offset is kept)."""
    for raw, source in candidates:
        if not raw or not str(raw).strip():
            continue
        raw = " ".join(str(raw).split())[:200]
        value = parse_published(raw, tz, reference=today)
        if value and plausible(value, today):
            return DateFinding(value, raw, source)
    return None


def publication_date(doc, url: str, jsonld: list[dict], tz: str = "Europe/Paris",
                     today: date | None = None,
                     found_metas: dict | None = None) -> DateFinding | None:
    """The page's publication date (see `date_candidates`, `first_date`).

    A CMS writes the publisher's *local* day into dated permalinks (`/2023/11/08/slug`). A
    UTC timestamp whose instant falls on that day in some inhabited zone (UTC-10 to UTC+14)
    while it falls on another in the centre's is the same instant seen from elsewhere (a New
    York evening stamped in UTC): the URL's day is the publisher's, the time unknown.
    """
    found = first_date(date_candidates(doc, url, jsonld, found_metas, today), tz, today)
    if found is None or "T" not in found.value:
        return found
    day = url_day(url)
    if day is None or day.isoformat() == found.value[:10]:
        return found
    instant = _utc_stamp(found.raw)
    if instant is not None and (instant - timedelta(hours=10)).date() <= day \
            <= (instant + timedelta(hours=14)).date():
        return DateFinding(day.isoformat(), found.raw, found.source + "+url-day")
    return found


def _utc_stamp(raw: str):
    """The instant of a string stamped in UTC ("…Z", "+0000", "GMT"), None for a naive time
    or one written with the publisher's own offset (that one already gives the local day)."""
    east = parse_published(raw, "Etc/GMT-14")  # a zone no centre uses: UTC+14
    west = parse_published(raw, "Etc/GMT+12")  # and UTC-12
    if not east or not west or "T" not in east:
        return None
    east_dt, west_dt = datetime.fromisoformat(east), datetime.fromisoformat(west)
    if east_dt != west_dt or east_dt.utcoffset() == west_dt.utcoffset():
        return None  # naive (read in each zone), or an explicit offset (kept as written)
    return east_dt.astimezone(timezone.utc).replace(tzinfo=None)


def find_publication_date(html: str, url: str, tz: str = "Europe/Paris",
                          today: date | None = None) -> str | None:
    """The page's original publication date (`YYYY-MM-DD` or ISO datetime), None if unknown."""
    doc = parse_document(html)
    found = publication_date(doc, url, load_jsonld(doc), tz, today)
    return found.value if found else None
