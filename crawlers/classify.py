"""The one decision of what an HTML page is: 'news', 'event', 'document', or None for a page
that is no item (home, listing, section, taxonomy, search, login, password-protected,
contact…). Structure first, then the hints of the crawl, then URL words.

A page that is no item can still be a source of links: the crawl follows them either way.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawlers.discovery import SECTION_WORDS
from normalize.folding import fold, fold_key
from normalize.prose import event_sentence

# Path segments of archives and taxonomies, whatever the CMS: never an item's own address.
_ARCHIVE_SEGMENTS = {"tag", "tags", "category", "categorie", "categories", "author", "auteur",
                     "etiquette", "etiquettes", "mot", "mots", "mots-cles", "search",
                     "recherche", "page", "taxonomy", "term", "feed", "wp-login.php",
                     "login", "connexion", "user", "compte", "mon-compte"}
_SEARCH_KEYS = re.compile(r"(?:^|&)(?:s|q|search|recherche|keys|query)=", re.IGNORECASE)
# Titles that name a section rather than a story ("Publications", "Nos ressources").
_SECTION_TITLE = re.compile(
    r"^(?:(?:nos|les|toutes\s+les|tous\s+les|la|le|l)\s+)?"
    r"(?:actualites?|actus?|agenda|evenements?|publications?|ressources?|documents?|"
    r"documentation|centre\s+de\s+ressources|mediatheque|bibliotheque|telechargements?|"
    r"rapports?|etudes?|fiches?(?:\s+experiences?)?|breves?|news|blog|archives?|"
    r"a\s+la\s+une|rendez\s+vous|manifestations?|formations?|webinaires?)"
    r"(?:\s+(?:du\s+centre|du\s+reseau|recentes?|a\s+venir|passes?))?$")
_PROTECTED_TITLE = re.compile(r"^(?:protégé|privé|protected|private)\s*:", re.IGNORECASE)


def category_kind(categories) -> str | None:
    """The kind a page's categories or breadcrumb point to ("Publications" → document)."""
    for label in categories or []:
        words = re.split(r"[^a-z0-9_-]+", fold(label))
        for kind in ("document", "event", "news"):
            if any(word in SECTION_WORDS[kind] for word in words):
                return kind
    return None


def is_archive_url(url: str) -> bool:
    """Tag, category, author, search and login addresses, on any CMS."""
    parts = urlsplit(url)
    segments = {s.lower() for s in parts.path.split("/") if s}
    return bool(segments & _ARCHIVE_SEGMENTS) or bool(_SEARCH_KEYS.search(parts.query))


def is_section_page(facts, url: str) -> bool:
    """A page named like a section ("Publications", "Agenda") and dated nowhere: the entry of
    a part of the site, even when it lists a file or two."""
    if _dated(facts):
        return False
    title = " ".join(fold_key(w) for w in (facts.title or "").split())
    last = [s for s in urlsplit(url).path.split("/") if s]
    last_words = " ".join(re.split(r"[-_.]+", fold(last[-1]))) if last else ""
    last_words = re.sub(r"\b(?:php|html?|aspx?)$", "", last_words).strip()
    return bool(_SECTION_TITLE.match(title)) or bool(last_words and _SECTION_TITLE.match(last_words)
                                                     and not re.search(r"\d", last[-1]))


def has_event_date(facts) -> bool:
    """An event date block, or a sentence of the body that says when an event takes place."""
    return bool(facts.date_text or event_sentence(facts.body_text or ""))


def page_type(facts) -> str | None:
    """What the markup alone says: 'event', 'listing', 'document', 'article' or None."""
    s = facts.structure
    if s.event_markup:
        return "event"
    if s.listing_markup:
        return "listing"
    if s.event_block:
        return "event"  # an explicit event date block ("Quand ?", TEC schedule…)
    if s.body_documents and (len(facts.body_text or "") < 600 or s.document_markup):
        return "document"  # the text is a few lines around a file: the file is the item
    if s.article_markup:
        return "article"
    return None


def classify(facts, url: str, hint: str | None, role: str | None) -> str | None:
    """What the page at `url` is, given the hint and role of the link that led to it."""
    parts = urlsplit(url)
    if role == "home" or (parts.path in ("", "/") and not parts.query):
        return None
    s = facts.structure
    if s.protected or s.login or s.search or _PROTECTED_TITLE.match(facts.title or ""):
        return None  # the content is not there to read (or not content at all)
    if s.attachment:
        return None  # a page about one uploaded file: the file belongs to the post linking it
    if is_archive_url(url):
        return None
    kind = page_type(facts)
    if len(facts.document_links) >= 3 and (s.pager or s.paginated) and kind != "event":
        return None  # a paginated list of files: each file is an item of its own
    if not facts.date_text and (
            kind is None and (s.teasers >= 3 or len(facts.document_links) >= 3)
            or kind in (None, "article", "document") and s.paginated
            and (s.teasers or len(facts.document_links) > 1)):
        # A list of teasers or of files without the markers of an item, or any page of a
        # paginated list (the last one may hold a single teaser).
        return None
    if kind == "listing":
        return None
    if kind == "event" or any(t.endswith("event") for t in s.types):
        return "event"
    if is_section_page(facts, url):
        return None
    if kind == "document":
        return "document"
    hint = category_kind(facts.categories) or hint
    event_dated = bool(facts.date_text) or (hint == "event" and has_event_date(facts))
    dated = bool(_dated(facts) or facts.date_text or event_dated)
    if kind == "article":
        if hint == "event" and event_dated:
            return "event"
        if hint == "document" and facts.document_links:
            return "document"
        # A dated article is news; an undated one is a standing page (contact, about…).
        return "news" if dated else None
    if role in ("page", "revisit") and facts.title and (dated or len(facts.body_text or "") > 400):
        if hint == "event" and event_dated:
            return "event"
        if hint == "document" and facts.document_links:
            return "document"
        if hint in ("news", None) and _dated(facts):
            return "news"
    return None


def _dated(facts) -> bool:
    """A publication date the page states. htmldate's last-resort guess dates a contact page
    too (a copyright year, a footer): it dates an item, it does not make one."""
    return bool(facts.published) and facts.published_source != "htmldate"
