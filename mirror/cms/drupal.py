"""Drupal 9/10 imitation, marked up as the core themes print it (Bartik/Classy or Olivero):
pathauto aliases (`/actualites-0/<slug>`) also reachable at `/node/N`, the page title
block, `article.node.node--type-article.node--view-mode-full`, the body field wrapper
(`clearfix text-formatted field field--name-body … field--label-hidden field__item`),
`<time datetime>` in UTC with a Z (date-only fields at 12:00:00Z, as Drupal stores them),
views listings with query-only `?page=N` pager links, `/rss.xml` with GMT pubDates,
`/sitemap.xml`, publications with "Poids : 363.96 Ko" + "Téléchargement", and the AddToAny
module's share bar inside `node__content` on some sites."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

from mirror import content
from mirror.cms import base
from mirror.cms.base import Item, Site, SiteContext, esc

PER_PAGE = 12
SECTIONS = {"news": ("/actualites-0", "Actualités"), "event": ("/agenda", "Agenda"),
            "document": ("/publications", "Publications")}
NODE_TYPES = {"news": "article", "event": "evenement", "document": "publication"}
# Per-site theme and share bar (the AddToAny module's pseudo-field).
THEMES = {"irev": "bartik", "trajectoire_ressources": "bartik",
          "cite_ressources": "olivero", "cr_csur": "olivero"}
ADDTOANY = {"irev", "cite_ressources"}
BODY_CLASSES = {
    "bartik": "clearfix text-formatted field field--name-body field--type-text-with-summary "
              "field--label-hidden field__item",
    "olivero": "text-content clearfix field field--name-body field--type-text-with-summary "
               "field--label-hidden field__item",
}
SHORT_DAYS = ["lun", "mar", "mer", "jeu", "ven", "sam", "dim"]


def assign(ctx: SiteContext) -> None:
    """Node ids, pathauto aliases and `/node/N` aliases for items without a path."""
    next_nid = max([i.number for i in ctx.items] + [230000 + len(ctx.id) * 911])
    for item in sorted((i for i in ctx.items if not i.path), key=lambda i: (i.published, i.published_time)):
        next_nid += ctx.rng.randint(1, 25)
        item.number = next_nid
        item.path = f"{SECTIONS[item.kind][0]}/{item.slug}"
        item.aliases = [f"/node/{item.number}"]
        if ctx.id == "irev" and item.kind == "news":
            item.aliases.append(f"/print{item.path}")  # the print module's copy
        if item.document:
            d = item.published
            item.document.pdf_path = f"/sites/default/files/{d.year}-{d.month:02d}/{item.slug[:40]}.pdf"


def _medium(moment: datetime) -> str:
    """Drupal's French 'medium' format: 'mar 03/11/2026 - 21:30' (local time)."""
    return f"{SHORT_DAYS[moment.weekday()]} {moment:%d/%m/%Y - %H:%M}"


def _long_title(moment: datetime) -> str:
    """The `title` attribute of a timestamp: 'mardi 3 novembre 2026 - 21:30'."""
    return f"{base.fr_date(moment.date(), weekday=True)} - {moment:%H:%M}"


def _time_el(moment: datetime, text: str, title: bool = False) -> str:
    """A `<time>` as Drupal prints it: the datetime attribute in UTC with a Z."""
    extra = f' title="{_long_title(moment)}"' if title else ""
    return f'<time datetime="{base.utc_z(moment)}"{extra} class="datetime">{text}</time>'


def _date_only(d: date) -> str:
    """A date-only field value: Drupal stores it at noon UTC and prints it so."""
    return (f'<time datetime="{d.isoformat()}T12:00:00Z" class="datetime">'
            f'{SHORT_DAYS[d.weekday()]} {d:%d/%m/%Y}</time>')


def _field(name: str, ftype: str, label: str | None, items: list[str], extra: str = "") -> str:
    """A Classy field wrapper (label above, or hidden with the single item merged in)."""
    if label is None and len(items) == 1:
        return (f'<div class="{extra}field field--name-{name} field--type-{ftype} '
                f'field--label-hidden field__item">{items[0]}</div>')
    values = "".join(f'<div class="field__item">{v}</div>' for v in items)
    wrapper = f'<div class="field__items">{values}</div>' if len(items) > 1 else values
    head = f'<div class="field__label">{esc(label)}</div>' if label else ""
    state = "above" if label else "hidden"
    return (f'<div class="{extra}field field--name-{name} field--type-{ftype} field--label-{state}">'
            f'{head}{wrapper}</div>')


class Renderer:
    def __init__(self, ctx: SiteContext):
        self.ctx = ctx
        self.site = Site(ctx, ctx.today)
        self.theme = THEMES.get(ctx.id, "bartik")

    def when(self, item: Item) -> datetime:
        return base.published_dt(item, self.ctx.tz)

    def menu(self) -> str:
        links = [("/", "Accueil"), *SECTIONS.values(), ("/contact", "Contact")]
        if self.theme == "olivero":
            return "".join(
                f'<li class="primary-nav__menu-item primary-nav__menu-item--level-1">'
                f'<a href="{p}" class="primary-nav__menu-link primary-nav__menu-link--link '
                f'primary-nav__menu-link--level-1" data-drupal-link-system-path="{p.strip("/") or "<front>"}">'
                f'<span class="primary-nav__menu-link-inner primary-nav__menu-link-inner--level-1">{t}</span></a></li>'
                for p, t in links)
        return "".join(f'<li class="menu-item"><a href="{p}" data-drupal-link-system-path="{p.strip("/") or "<front>"}">{t}</a></li>'
                       for p, t in links)

    def page(self, title: str, content_html: str, canonical: str | None = None, node: int | None = None,
             head: str = "", body_class: str = "path-frontpage", crumbs: list[tuple[str, str]] = (),
             title_html: str | None = None) -> str:
        """The Drupal page: header, breadcrumb, page title block, main content block, footer."""
        ctx = self.ctx
        canon = f'<link rel="canonical" href="__ORIGIN__{esc(canonical)}" />' if canonical else ""
        short = f'<link rel="shortlink" href="__ORIGIN__/node/{node}" />' if node else ""
        theme = self.theme
        trail = "".join(f'<li class="breadcrumb__item"><a href="{p}" class="breadcrumb__link">{esc(t)}</a></li>'
                        if theme == "olivero" else f'<li><a href="{p}">{esc(t)}</a></li>'
                        for p, t in [("/", "Accueil"), *crumbs])
        ol_class = ' class="breadcrumb__list"' if theme == "olivero" else ""
        breadcrumb = (f'<div id="block-{theme}-breadcrumbs" class="block block-system block-system-breadcrumb-block">'
                      f'<nav class="breadcrumb" role="navigation" aria-labelledby="system-breadcrumb">'
                      f'<h2 id="system-breadcrumb" class="visually-hidden">Fil d&#039;Ariane</h2>'
                      f'<ol{ol_class}>{trail}</ol></nav></div>')
        title_block = (f'<div id="block-{theme}-page-title" class="block block-core block-page-title-block">'
                       f'<h1 class="{"js-quickedit-page-title " if theme == "bartik" else ""}title page-title">'
                       f'{title_html or esc(title)}</h1></div>')
        main_block = (f'<div id="block-{theme}-content" class="block block-system block-system-main-block">'
                      f'<div class="{"content" if theme == "bartik" else "block__content"}">{content_html}</div></div>')
        footer = (f'<footer class="site-footer"><div class="region region-footer-first">'
                  f'<div id="block-{theme}-pieddepage" class="block block-block-content">'
                  f'<div class="clearfix text-formatted field field--name-body field--type-text-with-summary '
                  f'field--label-hidden field__item"><p>{esc(ctx.name)} – {esc(ctx.centre.get("city", ""))}</p>'
                  f'<p><a href="/contact">Nous contacter</a> | <a href="/mentions-legales">Mentions légales</a></p></div>'
                  f'</div></div></footer>')
        if theme == "olivero":
            layout = f"""<div id="page-wrapper" class="page-wrapper"><div id="page">
<header id="header" class="site-header" data-drupal-selector="site-header" role="banner">
<div class="site-header__fixable" data-drupal-selector="site-header-fixable"><div class="site-header__initial"></div>
<div class="site-header__inner"><div class="container site-header__inner__container">
<div id="block-olivero-site-branding" class="site-branding block block-system block-system-branding-block"><div class="site-branding__inner">
<div class="site-branding__text"><div class="site-branding__name"><a href="/" title="Accueil" rel="home">{esc(ctx.name)}</a></div></div></div></div>
<div class="header-nav-overlay" data-drupal-selector="header-nav-overlay"></div>
<div class="mobile-buttons" data-drupal-selector="mobile-buttons"><button class="mobile-nav-button" data-drupal-selector="mobile-nav-button" aria-label="Menu principal" aria-controls="header-nav" aria-expanded="false"><span class="mobile-nav-button__label">Menu</span></button></div>
<div id="header-nav" class="header-nav" data-drupal-selector="header-nav">
<div class="search-block-form block block-search-narrow" data-drupal-selector="search-block-form" id="block-olivero-search-form-narrow" role="search"><form action="/recherche" method="get"><input type="search" name="keys" /></form></div>
<nav role="navigation" aria-labelledby="block-olivero-main-menu-menu" id="block-olivero-main-menu" class="primary-nav block block-menu navigation menu--main">
<h2 class="visually-hidden block__title" id="block-olivero-main-menu-menu">Navigation principale</h2>
<ul class="menu primary-nav__menu primary-nav__menu--level-1" data-drupal-selector="primary-nav-menu--level-1">{self.menu()}</ul></nav>
</div></div></div></div></header>
<div id="main-wrapper" class="layout-main-wrapper layout-container">
<div id="main" class="layout-main"><div class="main-content">
<a id="main-content" tabindex="-1"></a>
<div class="main-content__container container">
<div class="region region--breadcrumb grid-full layout--pass--content-medium">{breadcrumb}</div>
<main role="main">
<div class="region region--content-above grid-full layout--pass--content-medium">{title_block}</div>
<div class="region region--content grid-full layout--pass--content-medium" id="content">
<div data-drupal-messages-fallback class="hidden messages-list"></div>
{main_block}
</div>
</main>
</div></div></div></div>
{footer}
</div></div>"""
        else:
            layout = f"""<div id="page-wrapper"><div id="page">
<header id="header" class="header" role="banner" aria-label="En-tête du site"><div class="section layout-container clearfix">
<div class="clearfix region region-header"><div id="block-bartik-branding" class="clearfix site-branding block block-system block-system-branding-block">
<div class="site-branding__text"><div class="site-branding__name"><a href="/" title="Accueil" rel="home">{esc(ctx.name)}</a></div></div></div></div>
<div class="region region-primary-menu"><nav role="navigation" aria-labelledby="block-bartik-main-menu-menu" id="block-bartik-main-menu" class="block block-menu navigation menu--main">
<h2 class="visually-hidden" id="block-bartik-main-menu-menu">Navigation principale</h2>
<div class="content"><ul class="clearfix menu">{self.menu()}</ul></div></nav></div>
<div class="search-block-form block block-search container-inline" data-drupal-selector="search-block-form" id="block-bartik-search" role="search"><form action="/recherche" method="get"><input type="search" name="keys" /></form></div>
</div></header>
<div id="main-wrapper" class="layout-main-wrapper layout-container clearfix">
<div id="main" class="layout-main clearfix">
{breadcrumb}
<main id="content" class="column main-content" role="main"><section class="section">
<a id="main-content" tabindex="-1"></a>
<div class="region region-content">
<div data-drupal-messages-fallback class="hidden"></div>
{title_block}
{main_block}
</div>
</section></main>
</div></div>
{footer}
</div></div>"""
        return f"""<!DOCTYPE html>
<html lang="fr" dir="ltr" prefix="og: https://ogp.me/ns#">
<head>
<meta charset="utf-8" />
<meta name="Generator" content="Drupal 10 (https://www.drupal.org)" />
<meta name="MobileOptimized" content="width" />
<meta name="HandheldFriendly" content="true" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
{canon}
{short}
<link rel="alternate" type="application/rss+xml" title="{esc(ctx.short)}" href="__ORIGIN__/rss.xml" />
{head}
<title>{esc(title)} | {esc(ctx.short)}</title>
<link rel="stylesheet" media="all" href="/core/themes/{theme}/css/base/elements.css?t4gnsx" />
</head>
<body class="{body_class}">
<a href="#main-content" class="visually-hidden focusable skip-link">Aller au contenu principal</a>
<div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>
{layout}
</div>
</body>
</html>
"""

    def date_field(self, item: Item) -> str:
        """The event's date field: a date range (or a single datetime) in UTC."""
        tz = ZoneInfo(self.ctx.tz)
        values = []
        for s in item.sessions:
            if s.all_day:
                value = _date_only(s.start)
                if s.end != s.start:
                    value += f" - {_date_only(s.end)}"
            else:
                start = datetime.combine(s.start, s.t_start, tz)
                value = _time_el(start, _medium(start))
                if s.t_end:
                    end = datetime.combine(s.end, s.t_end, tz)
                    value += f" - {_time_el(end, _medium(end))}"
            values.append(value)
        ranged = any(s.all_day or s.t_end for s in item.sessions)
        return _field("field-date", "daterange" if ranged else "datetime", "Date", values)

    def node(self, item: Item) -> None:
        """A node at its alias, also served at `/node/N`."""
        ctx = self.ctx
        published = self.when(item)
        body = []
        if item.kind == "event" and self.theme == "bartik":
            # The editors also write the date in the text, as they announce it.
            body.append(f"<p><strong>{esc(base.event_prose(item))}</strong></p>")
        body.append(base.paras_html(item.paragraphs))
        if item.relay_of:
            src_id, src = item.relay_of
            body.append(f'<p>Source : <a href="__ORIGIN:{src_id}__{esc(src.path)}">article original</a></p>')
        fields = [f'<div class="{BODY_CLASSES[self.theme]}">{chr(10).join(body)}</div>']
        if item.nasty == "script":
            fields.append(base.INLINE_SCRIPT)
        if item.kind == "event":
            fields.insert(0, self.date_field(item))
            if item.place:
                fields.insert(1, _field("field-lieu", "string", "Lieu", [esc(base.place_text(item))]))
        if item.document:
            data = base.make_document_pdf(item, ctx)
            link = (f'<span class="file file--mime-application-pdf file--application-pdf">'
                    f'<a href="/{item.document.pdf_path.lstrip("/")}" type="application/pdf">Téléchargement</a></span>'
                    f' <span class="file-size">Poids : {base.size_label(len(data), "drupal")}</span>')
            fields.append(_field("field-fichier", "file", "Document", [link]))
            self.site.add(item.document.pdf_path, data, "application/pdf", modified=item.published)
        tags = [f'<a href="/thematiques/{base.slugify(content.THEME_LABELS[t])}" hreflang="fr">'
                f'{esc(content.THEME_LABELS[t])}</a>' for t in item.themes]
        fields.append(_field("field-thematique", "entity-reference", "Thématique", tags))
        if ctx.id in ADDTOANY:
            fields.append(base.drupal_addtoany(item.path, item.title))
        if ctx.id == "irev" and item.kind == "news":
            fields.append(f'<ul class="links inline"><li class="print-link"><a href="/print{esc(item.path)}" rel="nofollow">Version imprimable</a></li></ul>')
        author = (f'<span class="field field--name-uid field--type-entity-reference field--label-hidden">'
                  f'<span>{esc(ctx.short)}</span></span>')
        created = (f'<span class="field field--name-created field--type-created field--label-hidden">'
                   f'{_time_el(published, _medium(published), title=True)}</span>')
        ntype = NODE_TYPES[item.kind]
        if self.theme == "olivero":
            meta = f'<header class=""><div class="node__meta"><span>Par {author}</span> {created}</div></header>'
            inner = f'<div class="node__content">\n{chr(10).join(fields)}\n</div>'
        else:
            meta = f'<footer class="node__meta"><div class="node__submitted">Soumis par {author} le {created}</div></footer>'
            inner = f'<div class="node__content clearfix">\n{chr(10).join(fields)}\n</div>'
        article = (f'<article data-history-node-id="{item.number}" role="article" about="{esc(item.path)}" '
                   f'class="node node--type-{ntype} node--promoted node--view-mode-full">\n{meta}\n{inner}\n</article>')
        title = (f'<span class="field field--name-title field--type-string field--label-hidden">'
                 f'{esc(item.title)}</span>')
        head = (f'<meta property="og:title" content="{esc(item.title)}" />\n'
                f'<meta property="og:type" content="article" />')
        html = self.page(item.title, article, item.path, item.number, head,
                         f"path-node page-node-type-{ntype}", [SECTIONS[item.kind]], title_html=title)
        self.site.add(item.path, html, modified=item.published)
        if ctx.id == "irev" and item.kind == "news":
            self.print_version(item)
        for alias in item.aliases:
            if alias.startswith("/node/"):
                self.site.alias(alias, item.path)

    def print_version(self, item: Item) -> None:
        """The print module's copy of a node: same text, no chrome, no canonical, noindex."""
        target = f"/print{item.path}"
        body = f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8" /><title>{esc(item.title)} | {esc(self.ctx.short)}</title>
<meta name="robots" content="noindex, nofollow" /></head>
<body class="print-page"><div class="print-logo">{esc(self.ctx.name)}</div>
<h1 class="print-title">{esc(item.title)}</h1>
<div class="print-content">{base.paras_html(item.paragraphs)}</div>
<div class="print-source_url">URL source : __ORIGIN__{esc(item.path)}</div></body></html>
"""
        self.site.add(target, body, modified=item.published)

    def listing(self, kind: str, items: list[Item]) -> None:
        """A view page with the full pager (query-only `?page=N` links, 0-based)."""
        prefix, title = SECTIONS[kind]
        view = prefix.strip("/").replace("-", "_")
        pages = base.paginate(items, PER_PAGE)
        for n, chunk in enumerate(pages):
            target = prefix if n == 0 else f"{prefix}?page={n}"
            rows = "\n".join(
                f'<div class="views-row"><div class="views-field views-field-title"><span class="field-content">'
                f'<a href="{esc(i.path)}" hreflang="fr">{esc(i.title)}</a></span></div>'
                f'<div class="views-field views-field-created"><span class="field-content">'
                f'{_time_el(self.when(i), f"{i.published:%d/%m/%Y}")}</span></div>'
                f'<div class="views-field views-field-body"><div class="field-content">{esc(i.summary[:200])}…</div></div></div>'
                for i in chunk)
            pager = []
            if n > 0:
                pager.append('<li class="pager__item pager__item--first"><a href="?page=0" title="Aller à la première page">'
                             '<span class="visually-hidden">Première page</span><span aria-hidden="true">« Premier</span></a></li>')
                pager.append(f'<li class="pager__item pager__item--previous"><a href="?page={n - 1}" title="Aller à la page précédente" rel="prev">'
                             '<span class="visually-hidden">Page précédente</span><span aria-hidden="true">‹ Précédent</span></a></li>')
            for k in range(len(pages)):
                if k == n:
                    pager.append(f'<li class="pager__item is-active"><a href="?page={k}" title="Page courante" aria-current="page">'
                                 f'<span class="visually-hidden">Page courante</span>{k + 1}</a></li>')
                else:
                    pager.append(f'<li class="pager__item"><a href="?page={k}" title="Aller à la page {k + 1}">'
                                 f'<span class="visually-hidden">Page </span>{k + 1}</a></li>')
            if n + 1 < len(pages):
                pager.append(f'<li class="pager__item pager__item--next"><a href="?page={n + 1}" title="Aller à la page suivante" rel="next">'
                             '<span class="visually-hidden">Page suivante</span><span aria-hidden="true">Suivant ›</span></a></li>')
                pager.append(f'<li class="pager__item pager__item--last"><a href="?page={len(pages) - 1}" title="Aller à la dernière page">'
                             '<span class="visually-hidden">Dernière page</span><span aria-hidden="true">Dernier »</span></a></li>')
            view_html = (f'<div class="views-element-container"><div class="view view-{view} view-id-{view} '
                         f'view-display-id-page_1 js-view-dom-id-{hashlib.sha1(target.encode()).hexdigest()[:16]}">'
                         f'<div class="view-content">{rows}</div>'
                         f'<nav class="pager" role="navigation" aria-labelledby="pagination-heading">'
                         f'<h4 id="pagination-heading" class="visually-hidden">Pagination</h4>'
                         f'<ul class="pager__items js-pager__items">{"".join(pager)}</ul></nav></div></div>')
            self.site.add(target, self.page(title, view_html, target, body_class=f"path-{view.replace('_', '-')}",
                                            crumbs=[]), modified=base.latest(chunk))

    def render(self) -> Site:
        """Every page, the RSS feed, the sitemap and robots.txt."""
        ctx, site = self.ctx, self.site
        for item in ctx.items:
            self.node(item)
        for kind in ("news", "event", "document"):
            items = [i for i in ctx.items if i.kind == kind]
            if kind == "event":
                items = sorted(items, key=lambda i: i.sessions[0].start, reverse=True)
            else:
                items = base.newest_first(items)
            self.listing(kind, items)
        for theme in sorted({t for i in ctx.items for t in i.themes}):
            label = content.THEME_LABELS[theme]
            tagged = base.newest_first([i for i in ctx.items if theme in i.themes])
            rows = "".join(f'<li><a href="{esc(i.path)}" hreflang="fr">{esc(i.title)}</a></li>' for i in tagged)
            target = f"/thematiques/{base.slugify(label)}"
            site.add(target, self.page(label, f'<div class="item-list"><ul>{rows}</ul></div>', target,
                                       body_class="path-taxonomy"),
                     modified=base.latest(tagged))
        latest = base.newest_first([i for i in ctx.items if i.kind != "event"])[:10]
        rows = "\n".join(f"""<item>
<title>{esc(i.title)}</title>
<link>__ORIGIN__{esc(i.path)}</link>
<description>{esc(base.paras_html(i.paragraphs[:2]))}</description>
<pubDate>{base.rfc822_gmt(self.when(i))}</pubDate>
<dc:creator>{esc(ctx.short)}</dc:creator>
<guid isPermaLink="false">{i.number} at __ORIGIN__</guid>
</item>""" for i in latest)
        rss = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xml:base="__ORIGIN__/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{esc(ctx.short)}</title>
<link>__ORIGIN__/</link>
<description>{esc(ctx.name)}</description>
<language>fr</language>
<atom:link href="__ORIGIN__/rss.xml" rel="self" type="application/rss+xml" />
{rows}
</channel>
</rss>
"""
        site.add("/rss.xml", rss, "application/rss+xml; charset=utf-8", modified=base.latest(latest))
        entries = [("/", ctx.today)] + [(SECTIONS[k][0], None) for k in SECTIONS]
        entries += [(i.path, i.published) for i in base.newest_first(ctx.items)]
        site.add("/sitemap.xml", base.urlset(entries), "application/xml; charset=utf-8")
        news = base.newest_first([i for i in ctx.items if i.kind == "news"])[:5]
        upcoming = sorted((i for i in ctx.items if i.kind == "event" and i.sessions[-1].end >= ctx.today),
                          key=lambda i: i.sessions[0].start)[:4]
        main = ("<section><h2>Actualités</h2><ul>"
                + "".join(f'<li><a href="{esc(i.path)}" hreflang="fr">{esc(i.title)}</a></li>' for i in news)
                + "</ul></section><section><h2>Agenda</h2><ul>"
                + "".join(f'<li><a href="{esc(i.path)}" hreflang="fr">{esc(i.title)}</a></li>' for i in upcoming)
                + "</ul></section>")
        site.add("/", self.page("Accueil", main), modified=ctx.today)
        site.add("/contact", self.page("Contact", f"<p>{esc(ctx.name)}</p>", "/contact", body_class="path-contact"))
        site.add("/mentions-legales", self.page("Mentions légales", "<p>Directeur de la publication : le président.</p>",
                                                "/mentions-legales", body_class="path-node page-node-type-page"))
        site.add("/robots.txt", base.robots(
            ["/core/", "/profiles/", "/admin/", "/recherche", "/search/", "/user/login", "/node/add/"],
            ["/sitemap.xml"]), "text/plain; charset=utf-8")
        if ctx.id == "irev":
            site.sources = [{"path": "/actualites-0", "content": "news"}]
        return site


def render(ctx: SiteContext) -> Site:
    """Render a Drupal centre site."""
    return Renderer(ctx).render()
