"""SPIP imitation, served in ISO-8859-1: `spip.php?articleN`, rubriques paginated with
`debut_articles`, the `spip.php?page=backend` RSS, dates in prose ("Publié le 26 juin
2025"), PDFs under `IMG/pdf/`, one page with windows-1252 smart quotes."""

from __future__ import annotations

from mirror.cms import base
from mirror.cms.base import Item, Site, SiteContext, esc

PER_PAGE = 10
CHARSET = "iso-8859-1"
HTML_TYPE = "text/html; charset=iso-8859-1"
# Rubriques: number, title, what they hold.
# Sites whose squelettes print "Partager sur Facebook / Twitter / LinkedIn / Imprimer".
SHARE = {"profession_banlieue", "crpve"}
RUBRIQUES = [(1, "Actualités", "news"), (2, "Agenda", "event"), (3, "Publications", "document"),
             (4, "La Lettre", "direct")]


def assign(ctx: SiteContext) -> None:
    """Article numbers and `spip.php?articleN` paths; direct PDFs are their own path."""
    next_id = max([i.number for i in ctx.items] + [100 + len(ctx.id) * 7])
    for item in sorted((i for i in ctx.items if not i.path), key=lambda i: i.published):
        next_id += ctx.rng.randint(1, 6)
        item.number = next_id
        if item.direct_pdf:
            item.document.pdf_path = f"/IMG/pdf/{item.slug[:40].replace('-', '_')}.pdf"
            item.path = item.document.pdf_path
            continue
        item.path = f"/spip.php?article{item.number}"
        item.aliases = [f"/spip.php?page=article&id_article={item.number}"]
        if item.document:
            item.document.pdf_path = f"/IMG/pdf/{item.slug[:40].replace('-', '_')}.pdf"


def _rubrique_of(item: Item) -> int:
    if item.direct_pdf:
        return 4
    return {"news": 1, "event": 2, "document": 3}[item.kind]


class Renderer:
    def __init__(self, ctx: SiteContext):
        self.ctx = ctx
        self.site = Site(ctx, ctx.today, encoding=CHARSET)

    def page(self, title: str, main: str, canonical: str | None = None) -> str:
        """The SPIP page chrome (declared ISO-8859-1)."""
        ctx = self.ctx
        nav = "".join(f'<li><a href="__ORIGIN__/spip.php?rubrique{n}">{t}</a></li>' for n, t, _ in RUBRIQUES)
        canon = f'<link rel="canonical" href="__ORIGIN__{esc(canonical)}" />' if canonical else ""
        return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="fr" lang="fr" dir="ltr">
<head>
<title>{esc(title)} - {esc(ctx.short)}</title>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1" />
<meta name="generator" content="SPIP 3.2.19" />
{canon}
<link rel="alternate" type="application/rss+xml" title="Syndiquer tout le site" href="__ORIGIN__/spip.php?page=backend" />
</head>
<body class="page_article">
<div class="page">
<div class="header"><a rel="start home" href="__ORIGIN__/" title="Accueil" class="accueil"><strong class="nom_site_spip">{esc(ctx.name)}</strong></a></div>
<div class="nav"><ul>{nav}</ul>
<form action="__ORIGIN__/spip.php?page=recherche" method="get"><input type="hidden" name="page" value="recherche" /><input type="text" name="recherche" /></form></div>
<div class="main"><div class="wrapper"><div class="content" id="content">
{main}
</div></div></div>
<div class="footer">{esc(ctx.name)} – {esc(ctx.centre.get("city", ""))} | <a href="__ORIGIN__/spip.php?page=plan">Plan du site</a></div>
</div>
</body>
</html>
"""

    def article(self, item: Item) -> None:
        """A `spip.php?articleN` page (and its PDF)."""
        ctx = self.ctx
        rub = _rubrique_of(item)
        rub_title = RUBRIQUES[rub - 1][1]
        parts = []
        if item.kind == "event":
            parts.append(f'<p class="date-evenement"><strong>{esc(base.event_prose(item))}</strong></p>')
            if item.place:
                where = base.place_text(item)
                parts.append(f"<p>Lieu : {esc(where)}</p>")
            parts.append(base.deadline_html(item))
        parts.append(base.paras_html(item.paragraphs))
        if item.nasty == "script":
            parts.append(base.INLINE_SCRIPT)
        if item.document:
            data = base.make_document_pdf(item, ctx)
            size = f"{len(data) / 1024:.1f} ko".replace(".", ",")
            parts.append(f'<div class="spip_documents"><a href="__ORIGIN__{item.document.pdf_path}" type="application/pdf" '
                         f'class="spip_doc_lien">{esc(item.title)}</a> <span class="spip_doc_infos">PDF - {size}</span></div>')
            self.site.add(item.document.pdf_path, data, "application/pdf", modified=item.published)
        if item.relay_of:
            src_id, src = item.relay_of
            parts.append(f'<p>Source : <a href="__ORIGIN:{src_id}__{esc(src.path)}" class="spip_out">article original</a></p>')
        share = ""
        if ctx.id in SHARE:
            share = f'\n<div class="partage">{base.share_words(item.path, item.title, sep=" / ")}</div>'
        main = f"""<p class="arbo"><a href="__ORIGIN__/">Accueil</a> &gt; <a href="__ORIGIN__/spip.php?rubrique{rub}">{rub_title}</a></p>
<div class="cartouche">
<h1 class="surlignable">{esc(item.title)}</h1>
<p class="info-publi"><abbr class="published" title="{base.utc_z(base.published_dt(item, ctx.tz))}">Publié le {base.fr_date(item.published)}</abbr></p>
</div>
<div class="texte surlignable clearfix">
{chr(10).join(parts)}
</div>{share}"""
        html = self.page(item.title, main, item.path)
        if item.nasty == "smart_quotes":
            # An editor pasted from Word: the bytes are windows-1252 though the page says latin-1.
            data = html.encode("cp1252", errors="xmlcharrefreplace")
            self.site.add(item.path, data, HTML_TYPE, modified=item.published)
        else:
            self.site.add(item.path, html, HTML_TYPE, modified=item.published)
        for alias in item.aliases:
            self.site.alias(alias, item.path)

    def rubrique(self, number: int, title: str, items: list[Item]) -> None:
        """A rubrique paginated with `debut_articles`."""
        pages = base.paginate(items, PER_PAGE)
        target0 = f"/spip.php?rubrique{number}"
        for n, chunk in enumerate(pages):
            target = target0 if n == 0 else f"{target0}&debut_articles={n * PER_PAGE}"
            if number == 4:
                rows = "\n".join(
                    f'<li><a href="__ORIGIN__{i.path}" type="application/pdf">{esc(i.title)}</a> '
                    f'<small>(PDF, mis en ligne le {i.published:%d/%m/%Y})</small></li>' for i in chunk)
            else:
                rows = "\n".join(
                    f'<li class="item"><a href="__ORIGIN__{i.path}">{esc(i.title)}</a>'
                    f'<small class="info-publi"> – {base.fr_date(i.published)}</small></li>' for i in chunk)
            pagination = " | ".join(
                (f"<strong class=\"on\">{k + 1}</strong>" if k == n else
                 f'<a href="__ORIGIN__{target0 if k == 0 else f"{target0}&amp;debut_articles={k * PER_PAGE}"}#pagination_articles" class="lien_pagination">{k + 1}</a>')
                for k in range(len(pages)))
            main = (f'<h1 class="surlignable">{title}</h1><div class="menu menu_articles"><ul>{rows}</ul>'
                    f'<p class="pagination" id="pagination_articles">{pagination}</p></div>')
            self.site.add(target, self.page(title, main, target), HTML_TYPE, modified=base.latest(chunk))

    def render(self) -> Site:
        """Every page, the backend feed, the sitemap and robots.txt."""
        ctx, site = self.ctx, self.site
        for item in ctx.items:
            if item.direct_pdf:
                site.add(item.path, base.make_document_pdf(item, ctx), "application/pdf",
                         modified=item.published)
            else:
                self.article(item)
        for number, title, _ in RUBRIQUES:
            items = [i for i in ctx.items if _rubrique_of(i) == number]
            if number == 2:
                items = sorted(items, key=lambda i: i.sessions[0].start, reverse=True)
            else:
                items = base.newest_first(items)
            self.rubrique(number, title, items)
        latest = base.newest_first([i for i in ctx.items if not i.direct_pdf])[:10]
        rows = "\n".join(f"""<item xml:lang="fr">
<title>{esc(i.title)}</title>
<link>__ORIGIN__{esc(i.path)}</link>
<guid isPermaLink="true">__ORIGIN__{esc(i.path)}</guid>
<dc:date>{base.utc_z(base.published_dt(i, ctx.tz))}</dc:date>
<dc:format>text/html</dc:format>
<dc:language>fr</dc:language>
<description>{esc(i.summary)}</description>
</item>""" for i in latest)
        rss = f"""<?xml version="1.0" encoding="iso-8859-1"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel xml:lang="fr">
<title>{esc(ctx.short)}</title>
<link>__ORIGIN__/</link>
<description>{esc(ctx.name)}</description>
<language>fr</language>
<generator>SPIP - www.spip.net</generator>
{rows}
</channel>
</rss>
"""
        site.add("/spip.php?page=backend", rss, "application/rss+xml; charset=iso-8859-1",
                 modified=base.latest(latest))
        entries = [("/", ctx.today)] + [(f"/spip.php?rubrique{n}", None) for n, _, _ in RUBRIQUES]
        entries += [(i.path, i.published) for i in base.newest_first(ctx.items) if not i.direct_pdf]
        site.add("/sitemap.xml", base.urlset(entries), "application/xml; charset=utf-8")
        news = base.newest_first([i for i in ctx.items if i.kind == "news"])[:6]
        main = ("<h1>Bienvenue</h1><div class=\"menu\"><h2>Derniers articles</h2><ul>"
                + "".join(f'<li><a href="__ORIGIN__{i.path}">{esc(i.title)}</a></li>' for i in news)
                + "</ul></div>")
        site.add("/", self.page(ctx.short, main), HTML_TYPE, modified=ctx.today)
        plan = "".join(f'<li><a href="__ORIGIN__/spip.php?rubrique{n}">{t}</a></li>' for n, t, _ in RUBRIQUES)
        site.add("/spip.php?page=plan", self.page("Plan du site", f"<h1>Plan du site</h1><ul>{plan}</ul>"), HTML_TYPE)
        site.add("/robots.txt", base.robots(
            ["/local/", "/ecrire/", "/plugins-dist/", "/prive/", "/squelettes-dist/",
             "/spip.php?page=recherche"], ["/sitemap.xml"]), "text/plain; charset=utf-8")
        return site


def render(ctx: SiteContext) -> Site:
    """Render a SPIP centre site (ISO-8859-1)."""
    return Renderer(ctx).render()
