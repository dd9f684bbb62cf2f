"""A site's template, learned from its own pages: the text blocks repeated across them.

Menus, headers, footers, share bars, sidebars and "retour" links are the same blocks on most
pages of a centre, whatever markup they wear; a site with no semantic markup at all (table
layouts, no `nav`, no classes) still repeats them. Each page the crawl reads is observed;
a block of a page is boilerplate when enough *other* pages of the site carry the same text.

Two guards keep content in:
- a page's own teaser: the home page shows the first lines of an article, inside a card that
  links to that article; those lines are never boilerplate *for that article*;
- frequency: a block must be on a good share of the pages seen, so a venue line shared by a
  few events of a series is not a template (unless the crawl has seen only one or two pages,
  where any block shared with them is).

The template is plain data (`to_json`/`from_json`) so it outlives a run: an incremental
harvest, where unchanged pages answer 304 and are not read again, still knows the site.
"""

from __future__ import annotations

import hashlib
import math
from functools import lru_cache
from dataclasses import dataclass, field
from urllib.parse import urljoin

from lxml import etree

from normalize.folding import fold_words
from normalize.html import glued
from normalize.urls import canonicalize_url

__all__ = ["Block", "block_key", "page_blocks", "SiteTemplate", "drop_boilerplate_blocks"]

# Elements that end a line of text; a block is the inline text between them.
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "center", "br",
})
_SKIP = frozenset({"script", "style", "noscript", "template", "head", "title", "svg",
                   "iframe", "object", "select", "textarea", "option", "button"})
_MAX_CARD_LINKS = 3  # a teaser card links to one page (title, image, "lire la suite")
_MAX_KEYS = 60_000  # memory bound: one-page blocks are forgotten past this


@dataclass
class Block:
    """One line of text of a page, as a reader sees it between two block boundaries."""

    key: str  # folded text digest: the same words on two pages give the same key
    text: str
    element: object = field(repr=False, default=None)  # the element holding the text
    # The pages a small card around the block links to (left empty by `cards=False`).
    card_links: frozenset = frozenset()
    link_chars: int = 0  # characters of the block inside links
    slots: tuple = field(default=(), repr=False)  # (element, "text" | "tail") of its text
    inlines: tuple = field(default=(), repr=False)  # inline elements wholly inside it


# A site repeats its menus and footers on every page, and a page's own lines are read
# several times (learning, body, summary): the keys of short lines and the addresses of
# links are worked out once, within a bound (at most a few MB).
_CACHED = 8_192
_CACHED_LINE = 400  # characters


def block_key(text: str) -> str:
    """The key of a line of text: its folded words, digested."""
    return _short_key(text) if len(text) <= _CACHED_LINE else _key(text)


def _key(text: str) -> str:
    words = fold_words(text)
    return hashlib.blake2b(words.encode(), digest_size=8).hexdigest() if words else ""


_short_key = lru_cache(maxsize=_CACHED)(_key)


@lru_cache(maxsize=_CACHED)
def _join(base: str, href: str) -> str | None:
    try:
        return canonicalize_url(urljoin(base, href.strip()))
    except ValueError:  # a malformed link
        return None


def _page(url: str) -> str:
    """Pages are known by their canonical spelling, whoever names them."""
    try:
        return canonicalize_url(url)
    except ValueError:
        return url


def _targets(base: str, hrefs) -> frozenset | None:
    """The distinct pages `hrefs` link to; None past `_MAX_CARD_LINKS` of them (a menu, not
    a card: its other links need no resolving)."""
    found = set()
    for href in hrefs:
        url = _join(base, href)
        if url is not None:
            found.add(url)
            if len(found) > _MAX_CARD_LINKS:
                return None
    return frozenset(found)


def _card_links(el, text: str, hrefs: list, base: str, sizes: dict) -> frozenset:
    """The pages a teaser stands for: those the line links to (`hrefs`), else those of the
    small card around it (its element `el`, then up to three ancestors). Empty when the
    line or the nearest linked container is a menu, or that container holds much more than
    the line (the page's layout, not a card). `sizes` remembers text lengths already
    measured in this page."""
    own = _targets(base, hrefs)
    if own is None:  # a line of many links
        return frozenset()
    if own:
        return own
    node = el
    limit = 4 * len(text) + 300
    for _ in range(4):
        if node is None or not isinstance(node.tag, str) or node.tag in ("body", "html"):
            return frozenset()
        size = sizes.get(node)
        if size is None:
            # The serializer's text walk runs in C: much cheaper than joining itertext().
            size = sizes[node] = len(" ".join(etree.tostring(
                node, method="text", encoding="unicode", with_tail=False).split()))
        if size > limit:
            return frozenset()
        targets = _targets(base, (
            href for href in (a.get("href") for a in node.iter("a")) if href and href.strip()))
        if targets is None:
            return frozenset()
        if targets:
            return targets
        node = node.getparent()
    return frozenset()


def page_blocks(root, base_url: str = "", cards: bool = True) -> list[Block]:
    """The lines of text of `root` in document order: each with the element that holds it,
    the text slots it is made of and the inline elements wholly inside it (so that the line
    alone can be taken out, whatever else its element holds).

    Only learning a template reads `card_links`, and resolving every link of the page is
    most of the work: a reader that judges lines passes `cards=False` (they stay empty)."""
    blocks: list[Block] = []
    pieces: list[str] = []
    slots: list[tuple] = []  # (element, "text" | "tail") holding the line's text
    inlines: list = []  # inline elements entered and left within the line
    hrefs: list[str] = []  # links inside the line
    linked = 0  # characters of the line inside links
    owner = root
    lines_done = 0
    sizes: dict = {}  # node → text length, for `_card_links`

    def add(text: str, el, attr: str, in_link: bool) -> None:
        nonlocal linked
        if pieces and glued(pieces[-1], text):
            pieces.append(" ")
        pieces.append(text)
        slots.append((el, attr))
        if in_link:
            linked += len(text.strip())

    def flush(next_owner) -> None:
        nonlocal linked, owner, lines_done
        # Most boundaries close an empty line (markup between two blocks): nothing to join.
        # (`slots` and `linked` only grow with `pieces`.)
        if pieces:
            text = " ".join("".join(pieces).split())
            key = block_key(text) if text else ""
            if key:
                card = _card_links(owner, text, hrefs, base_url, sizes) \
                    if cards else frozenset()
                blocks.append(Block(key, text, owner, card, linked, tuple(slots), tuple(inlines)))
            pieces.clear()
            slots.clear()
            linked = 0
        inlines.clear()
        hrefs.clear()
        owner = next_owner
        lines_done += 1

    def walk(el, in_link: bool) -> None:
        # lxml builds a new str at each `.text`/`.tail` read: each is read once.
        tag = el.tag.lower() if isinstance(el.tag, str) else None
        if tag is None or tag in _SKIP:
            tail = el.tail
            if tail:
                add(tail, el, "tail", in_link)
            return
        is_block = tag in _BLOCK_TAGS
        if is_block:
            flush(el)
        started = lines_done
        here_link = in_link
        if tag == "a":
            here_link = True
            href = el.get("href")
            if href and href.strip():
                hrefs.append(href)
        text = el.text
        if text:
            add(text, el, "text", here_link)
        for child in el:
            walk(child, here_link)
        if is_block:
            parent = el.getparent()
            flush(parent if parent is not None else root)
        elif lines_done == started and el is not root:
            inlines.append(el)  # wholly inside the current line
        tail = el.tail
        if tail:
            if is_block:
                pieces.append(" ")
            add(tail, el, "tail", in_link)

    walk(root, False)
    flush(root)
    return blocks


class SiteTemplate:
    """What a centre's pages repeat: block keys counted over distinct pages."""

    def __init__(self) -> None:
        self.pages: set[str] = set()  # pages observed, by canonical URL
        self.counts: dict[str, int] = {}  # block key → number of pages carrying it
        self.teasers: dict[str, set[str]] = {}  # block key → pages it is a teaser of
        self.home_keys: set[str] = set()
        self._keys_by_page: dict[str, frozenset] = {}

    # -- learning ---------------------------------------------------------------------
    def observe(self, url: str, blocks: list[Block], home: bool = False) -> None:
        """Count the blocks of one page (a page observed twice counts once: the last time)."""
        url = _page(url)
        keys = frozenset(b.key for b in blocks)
        previous = self._keys_by_page.get(url)
        if previous is not None:
            for key in previous:
                self.counts[key] = self.counts.get(key, 1) - 1
        self.pages.add(url)
        self._keys_by_page[url] = keys
        for key in keys:
            self.counts[key] = self.counts.get(key, 0) + 1
        for block in blocks:
            if block.card_links:
                self.teasers.setdefault(block.key, set()).update(block.card_links)
        if home:
            self.home_keys = set(keys)
        if len(self.counts) > _MAX_KEYS:
            self._forget_singletons()

    def _forget_singletons(self) -> None:
        self.counts = {k: n for k, n in self.counts.items() if n > 1}
        self.teasers = {k: v for k, v in self.teasers.items() if k in self.counts}
        self._keys_by_page = {u: frozenset(k for k in keys if k in self.counts)
                              for u, keys in self._keys_by_page.items()}

    # -- judging ----------------------------------------------------------------------
    def elsewhere(self, key: str, url: str) -> int:
        """On how many pages other than `url` the block was seen."""
        url = _page(url)
        count = self.counts.get(key, 0)
        own = self._keys_by_page.get(url)
        return count - 1 if own is not None and key in own else count

    def required(self, url: str) -> int:
        """How many other pages must carry a block for it to be the site's template."""
        url = _page(url)
        others = len(self.pages) - (1 if url in self.pages else 0)
        if others < 3:
            return 1  # the home page and a listing are all the crawl knows yet
        return max(2, math.ceil(0.3 * others))

    def is_boilerplate(self, block: Block, url: str) -> bool:
        """A block repeated on enough other pages, unless it is `url`'s own teaser there."""
        url = _page(url)
        if url in self.teasers.get(block.key, ()):
            return False
        seen = self.elsewhere(block.key, url)
        return seen > 0 and seen >= self.required(url)

    def __len__(self) -> int:
        return len(self.pages)

    # -- persistence ------------------------------------------------------------------
    def to_json(self) -> dict:
        """The repeated blocks only (a key seen once says nothing about the site)."""
        repeated = {k: n for k, n in self.counts.items() if n > 1}
        return {"pages": len(self.pages), "counts": repeated,
                "teasers": {k: sorted(v)[:20] for k, v in self.teasers.items() if k in repeated},
                "home": sorted(self.home_keys & set(repeated))}

    @classmethod
    def from_json(cls, data: dict | None) -> "SiteTemplate":
        template = cls()
        if not data:
            return template
        # Earlier pages are known by number only: placeholders keep the share right.
        template.pages = {f"#earlier-{i}" for i in range(int(data.get("pages") or 0))}
        template.counts = {str(k): int(n) for k, n in (data.get("counts") or {}).items()}
        template.teasers = {str(k): set(v) for k, v in (data.get("teasers") or {}).items()}
        template.home_keys = set(data.get("home") or ())
        return template


def drop_boilerplate_blocks(root, template: SiteTemplate, url: str, base_url: str = "") -> int:
    """Take out of `root` (in place) the lines of text that are the site's template, and
    nothing else; returns how many lines went."""
    removed = 0
    for block in page_blocks(root, base_url, cards=False):
        if not template.is_boilerplate(block, url):
            continue
        for el, attr in block.slots:
            setattr(el, attr, None)
        for el in block.inlines:
            parent = el.getparent()
            if parent is not None:
                el.tail = None
                parent.remove(el)
        removed += 1
    return removed
