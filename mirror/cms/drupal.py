"""Drupal imitation: pathauto aliases (`/actualites-0/<slug>`) also reachable at `/node/N`,
`?page=N` listings, `/rss.xml`, `/sitemap.xml`, `<time datetime>` in UTC, and
publications with "Poids : 363.96 Ko" + "Téléchargement"."""

from __future__ import annotations

from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from mirror import content
from mirror.cms import base
from mirror.cms.base import Item, Site, SiteContext, esc

PER_PAGE = 12
SECTIONS = {"news": ("/actualites-0", "Actualités"), "event": ("/agenda", "Agenda"),
            "document": ("/publications", "Publications")}


def assign(ctx: SiteContext) -> None:
    """Node ids, pathauto aliases and `/node/N` aliases for items without a path."""
    next_nid = max([i.number for i in ctx.items] + [230000 + len(ctx.id) * 911])
    for item in sorted((i for i in ctx.items if not i.path), key=lambda i: i.published):
        next_nid += ctx.rng.randint(1, 25)
        item.number = next_nid
        item.path = f"{SECTIONS[item.kind][0]}/{item.slug}"
        item.aliases = [f"/node/{item.number}"]
        if ctx.id == "irev" and item.kind == "news":
            item.aliases.append(f"/print{item.path}")  # the print module's copy
        if item.document:
            d = item.published
            item.document.pdf_path = f"/sites/default/files/{d.year}-{d.month:02d}/{item.slug[:40]}.pdf"


def _utc(d, t, tz) -> str:
    """Drupal prints datetimes in UTC with a Z."""
    local = datetime.combine(d, t, ZoneInfo(tz))
    return local.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Renderer:
    def __init__(self, ctx: SiteContext):
        self.ctx = ctx
        self.site = Site(ctx, ctx.today)

    def page(self, title: str, main: str, canonical: str | None = None, node: int | None = None,
             head: str = "") -> str:
        """The Drupal page chrome."""
        ctx = self.ctx
        links = "".join(f'<li class="menu-item"><a href="__ORIGIN__{p}">{t}</a></li>'
                        for p, t in [("/", "Accueil"), *SECTIONS.values(), ("/contact", "Contact")])
        canon = f'<link rel="canonical" href="__ORIGIN__{esc(canonical)}" />' if canonical else ""
        short = f'<link rel="shortlink" href="__ORIGIN__/node/{node}" />' if node else ""
        return f"""<!DOCTYPE html>
<html lang="fr" dir="ltr" prefix="og: https://ogp.me/ns#">
<head>
<meta charset="utf-8" />
<meta name="Generator" content="Drupal 10 (https://www.drupal.org)" />
<meta name="MobileOptimized" content="width" />
<meta name="viewport" content="width=device-width, initial-scale=1.0" />
{canon}
{short}
<link rel="alternate" type="application/rss+xml" title="{esc(ctx.short)}" href="__ORIGIN__/rss.xml" />
{head}
<title>{esc(title)} | {esc(ctx.short)}</title>
</head>
<body class="path-node page-node-type-article">
<a href="#main-content" class="visually-hidden focusable skip-link">Aller au contenu principal</a>
<div class="dialog-off-canvas-main-canvas">
<header role="banner"><div class="site-branding"><a href="__ORIGIN__/" rel="home">{esc(ctx.name)}</a></div>
<nav role="navigation" aria-label="Navigation principale"><ul class="menu">{links}</ul></nav>
<form action="__ORIGIN__/recherche" method="get"><input type="search" name="keys" /></form></header>
<main role="main"><a id="main-content" tabindex="-1"></a>
{main}
</main>
<footer role="contentinfo"><p>{esc(ctx.name)} – {esc(ctx.centre.get("city", ""))}</p></footer>
</div>
</body>
</html>
"""

    def event_block(self, item: Item) -> str:
        """The date and place fields of an event node."""
        ctx = self.ctx
        s = item.sessions[0]
        if s.all_day or len(item.sessions) > 1:
            times = "".join(f'<time datetime="{x.start.isoformat()}"></time>' for x in item.sessions)
            prose = esc(base.event_prose(item))
            block = f'<div class="field field--name-field-date">{times}{prose}</div>'
        else:
            start = (f'<time datetime="{_utc(s.start, s.t_start, ctx.tz)}">'
                     f'{base.fr_date(s.start, weekday=True)} - {s.t_start:%H:%M}</time>')
            end = (f' - <time datetime="{_utc(s.end, s.t_end, ctx.tz)}">{s.t_end:%H:%M}</time>'
                   if s.t_end else "")
            block = (f'<div class="field field--name-field-date"><div class="field__label">Date</div>'
                     f'<div class="field__item">{start}{end}</div></div>'
                     f'<p class="date-texte">{esc(base.event_prose(item))}</p>')
        if item.place:
            where = base.place_text(item)
            block += (f'<div class="field field--name-field-lieu"><div class="field__label">Lieu</div>'
                      f'<div class="field__item">{esc(where)}</div></div>')
        return block

    def node(self, item: Item) -> None:
        """A node at its alias, also served at `/node/N`."""
        ctx = self.ctx
        published = datetime.combine(item.published, time(9, 30), ZoneInfo(ctx.tz))
        body = []
        if item.kind == "event":
            body.append(self.event_block(item))
        body.append(f'<div class="field field--name-body field--type-text-with-summary">{base.paras_html(item.paragraphs)}</div>')
        if item.nasty == "script":
            body.append(base.INLINE_SCRIPT)
        if item.document:
            data = base.make_document_pdf(item, ctx)
            body.append(
                f'<div class="field field--name-field-fichier"><span class="file file--mime-application-pdf file--application-pdf">'
                f'<a href="__ORIGIN__{item.document.pdf_path}" type="application/pdf">Téléchargement</a></span>'
                f'<span class="file-size">Poids : {base.size_label(len(data), "drupal")}</span></div>')
            self.site.add(item.document.pdf_path, data, "application/pdf", modified=item.published)
        if item.relay_of:
            src_id, src = item.relay_of
            body.append(f'<p>Source : <a href="__ORIGIN:{src_id}__{esc(src.path)}">article original</a></p>')
        if ctx.id == "irev" and item.kind == "news":
            body.append(f'<p class="print-link"><a href="__ORIGIN__/print{esc(item.path)}" rel="nofollow">Version imprimable</a></p>')
        main = f"""<article role="article" about="{esc(item.path)}" class="node node--type-{item.kind} node--promoted node--view-mode-full">
<h1 class="page-title"><span class="field field--name-title">{esc(item.title)}</span></h1>
<div class="node__meta">Publié le <time datetime="{published.astimezone(timezone.utc):%Y-%m-%dT%H:%M:%SZ}">{base.fr_date(item.published)}</time></div>
<div class="field field--name-field-thematique"><div class="field__label">Thématique</div><div class="field__items">{"".join(f'<div class="field__item"><a href="__ORIGIN__/thematiques/{base.slugify(content.THEME_LABELS[t])}" hreflang="fr">{esc(content.THEME_LABELS[t])}</a></div>' for t in item.themes)}</div></div>
<div class="node__content">
{chr(10).join(body)}
</div>
</article>"""
        html = self.page(item.title, main, item.path, item.number)
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
        """A view listing with `?page=N` pagination (0-based)."""
        prefix, title = SECTIONS[kind]
        pages = base.paginate(items, PER_PAGE)
        for n, chunk in enumerate(pages):
            target = prefix if n == 0 else f"{prefix}?page={n}"
            rows = "\n".join(
                f'<div class="views-row"><h2><a href="__ORIGIN__{i.path}" hreflang="fr">{esc(i.title)}</a></h2>'
                f'<time datetime="{i.published.isoformat()}T08:00:00Z">{i.published:%d/%m/%Y}</time>'
                f'<p>{esc(i.summary[:200])}…</p></div>' for i in chunk)
            pager = []
            if n > 0:
                prev = prefix if n == 1 else f"{prefix}?page={n - 1}"
                pager.append(f'<li class="pager__item pager__item--previous"><a href="__ORIGIN__{prev}" rel="prev">‹ Précédent</a></li>')
            if n + 1 < len(pages):
                pager.append(f'<li class="pager__item pager__item--next"><a href="__ORIGIN__{prefix}?page={n + 1}" rel="next">Suivant ›</a></li>')
            main = (f'<h1 class="page-title">{title}</h1><div class="view-content">{rows}</div>'
                    f'<nav class="pager" role="navigation"><ul class="pager__items">{"".join(pager)}</ul></nav>')
            self.site.add(target, self.page(title, main, target), modified=base.latest(chunk))

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
            rows = "".join(f'<li><a href="__ORIGIN__{i.path}">{esc(i.title)}</a></li>' for i in tagged)
            target = f"/thematiques/{base.slugify(label)}"
            site.add(target, self.page(label, f'<h1 class="page-title">{esc(label)}</h1><ul>{rows}</ul>', target),
                     modified=base.latest(tagged))
        latest = base.newest_first([i for i in ctx.items if i.kind != "event"])[:10]
        rows = "\n".join(f"""<item>
<title>{esc(i.title)}</title>
<link>__ORIGIN__{esc(i.path)}</link>
<description>{esc(base.paras_html(i.paragraphs[:2]))}</description>
<pubDate>{base.rfc822(i.published, ctx.tz, hour=9)}</pubDate>
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
        main = ("<h1 class=\"visually-hidden\">Accueil</h1><section><h2>Actualités</h2><ul>"
                + "".join(f'<li><a href="__ORIGIN__{i.path}">{esc(i.title)}</a></li>' for i in news)
                + "</ul></section><section><h2>Agenda</h2><ul>"
                + "".join(f'<li><a href="__ORIGIN__{i.path}">{esc(i.title)}</a></li>' for i in upcoming)
                + "</ul></section>")
        site.add("/", self.page("Accueil", main), modified=ctx.today)
        site.add("/contact", self.page("Contact", f"<h1>Contact</h1><p>{esc(ctx.name)}</p>", "/contact"))
        site.add("/robots.txt", base.robots(
            ["/core/", "/profiles/", "/admin/", "/recherche", "/search/", "/user/login", "/node/add/"],
            ["/sitemap.xml"]), "text/plain; charset=utf-8")
        if ctx.id == "irev":
            site.sources = [{"path": "/actualites-0", "content": "news"}]
        return site


def render(ctx: SiteContext) -> Site:
    """Render a Drupal centre site."""
    return Renderer(ctx).render()
