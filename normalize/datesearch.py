"""htmldate's extensive search: the last resort of `pagedate` for a page's publication date.

htmldate hands the odd strings it meets ("12 mars", "Tue Jan 28 15:28:56 CET 2020") to
dateparser, set up to try every one of its ~200 locales. dateparser compiles a locale's
patterns the first time it tries it, so the first odd string of a process costs seconds of
CPU and about 40 MB that stay for the whole harvest, for pages written in one language.
Here dateparser tries the page's own language, French and English: the same settings as
htmldate's, fewer locales.
"""

from __future__ import annotations

import copy
from contextlib import contextmanager
from datetime import date, timedelta
from functools import lru_cache

__all__ = ["htmldate_search"]

_ALWAYS = ("fr", "en")  # the centres' language, and the web's


def htmldate_search(doc, url: str, language: str | None = None,
                    today: date | None = None) -> str | None:
    """htmldate's date for the page (original date, extensive search), None when it finds
    none or fails. `today` bounds the dates it may return (two days ahead, like
    `pagedate.plausible`): passing it also keeps htmldate's memo of the strings it read
    apart from that of a caller with htmldate's own bound, whose dateparser tries every
    locale."""
    try:
        import htmldate
    except ImportError:  # pragma: no cover - installed with trafilatura
        return None
    latest = ((today or date.today()) + timedelta(days=2)).isoformat()
    try:
        with _dateparser_for(language):
            # htmldate prunes the tree it is given: it gets a copy.
            return htmldate.find_date(copy.deepcopy(doc), url=url or None, original_date=True,
                                      extensive_search=True, max_date=latest)
    except Exception:  # noqa: BLE001 - a third-party failure must not lose the page
        return None


@contextmanager
def _dateparser_for(language: str | None):
    """htmldate's dateparser, for the time of one search, limited to the page's languages
    (htmldate looks its parser up at each use; harvests read pages one at a time)."""
    from htmldate import extractors

    parser = _parser(language or None)
    original = extractors.get_external_parser
    extractors.get_external_parser = lambda: parser
    try:
        yield
    finally:
        extractors.get_external_parser = original


@lru_cache(maxsize=32)
def _parser(language: str | None):
    from dateparser import DateDataParser

    languages = [language] if language else []
    languages += [known for known in _ALWAYS if known != language]
    settings = {  # htmldate's own (htmldate.extractors.get_external_parser)
        "NORMALIZE": True,
        "PARSERS": ["custom-formats", "absolute-time"],
        "PREFER_DATES_FROM": "past",
        "PREFER_LOCALE_DATE_ORDER": True,
        "RETURN_AS_TIMEZONE_AWARE": False,
        "STRICT_PARSING": True,
    }
    try:
        return DateDataParser(languages=languages, settings=settings)
    except ValueError:  # a language dateparser does not know
        return DateDataParser(languages=list(_ALWAYS), settings=settings)
