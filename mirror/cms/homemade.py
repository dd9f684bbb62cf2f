"""A home-made site from the 2000s (CRPV Guyane): table and div soup, `<font>` and `<br>`,
inline styles, and not one class or id attribute. The menu is plain links separated by
" | ", a left column lists the latest news, the footer gives the address; no `<article>`,
`<main>`, `<nav>`, no headings on detail pages, no Open Graph, no JSON-LD, no feed and no
sitemap. The title is printed twice above the text (breadcrumb, then in big bold type),
the publication date in prose ("Publié le 3 novembre 2026 à 21h30"). Listings are
`/actualites.html`, `/actualites-2.html`…; detail pages `/actualites/123-titre.html`."""

from __future__ import annotations

from mirror.cms import base
from mirror.cms.base import Item, Site, SiteContext, esc

PER_PAGE = 10
SECTIONS = {"news": ("actualites", "Actualités"), "event": ("agenda", "Agenda"),
            "document": ("ressources", "Ressources")}
FONT = 'face="Verdana, Arial, Helvetica, sans-serif"'
GREEN = "#006633"


def assign(ctx: SiteContext) -> None:
    """Database ids (one counter for the whole site) and `.html` paths."""
    number = max([i.number for i in ctx.items] + [180])
    for item in sorted((i for i in ctx.items if not i.path), key=lambda i: (i.published, i.published_time)):
        number += ctx.rng.randint(1, 4)
        item.number = number
        folder = SECTIONS[item.kind][0]
        item.path = f"/{folder}/{item.number}-{item.slug[:50].rstrip('-')}.html"
        if item.document:
            item.document.pdf_path = f"/fichiers/{item.published:%Y}/{item.slug}.pdf"


def _listing_target(folder: str, n: int) -> str:
    return f"/{folder}.html" if n == 1 else f"/{folder}-{n}.html"


def published_prose(item: Item) -> str:
    """'Publié le 3 novembre 2026 à 21h30' (local time, as the site's PHP prints it)."""
    return f"Publié le {base.fr_date(item.published)} à {base.fr_clock(item.published_time)}"


class Renderer:
    def __init__(self, ctx: SiteContext):
        self.ctx = ctx
        self.site = Site(ctx, ctx.today)
        self.latest_news = base.newest_first([i for i in ctx.items if i.kind == "news"])[:6]

    def page(self, title: str, main: str) -> str:
        """The table layout: banner, menu line, left column, content cell, footer."""
        ctx = self.ctx
        menu = " | ".join(f'<a href="{p}">{t}</a>' for p, t in [
            ("/", "Accueil"), ("/actualites.html", "Actualités"), ("/agenda.html", "Agenda"),
            ("/ressources.html", "Ressources"), ("/qui-sommes-nous.html", "Qui sommes-nous ?"),
            ("/contact.html", "Contact")])
        latest = "".join(f'&raquo; <a href="{esc(i.path)}">{esc(i.title)}</a><br><br>\n'
                         for i in self.latest_news)
        venue = (ctx.centre.get("city") or "")
        return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(title)} - {esc(ctx.short)}</title>
<meta name="keywords" content="politique de la ville, quartiers, contrat de ville, {esc(venue)}">
<meta name="description" content="{esc(ctx.name)}">
</head>
<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
<table width="980" border="0" cellspacing="0" cellpadding="0" align="center">
<tr><td colspan="2" bgcolor="{GREEN}" style="padding:14px 18px"><a href="/"><img src="/images/bandeau.jpg" width="944" height="110" border="0" alt="{esc(ctx.name)}"></a></td></tr>
<tr><td colspan="2" bgcolor="#E8F3EC" style="padding:6px 18px;border-bottom:2px solid {GREEN}">
<div style="font-family:Verdana,Arial,sans-serif;font-size:12px;font-weight:bold">{menu}</div>
</td></tr>
<tr>
<td width="230" valign="top" bgcolor="#F4F4F4" style="padding:12px;border-right:1px solid #DDDDDD">
<font {FONT} size="2" color="{GREEN}"><b>Dernières actualités</b></font><br><br>
<font {FONT} size="1">
{latest}</font>
<div style="border-top:1px dotted #999999;margin-top:10px;padding-top:8px"><font {FONT} size="1"><b>Lettre d'information</b><br>
Pour la recevoir, écrivez-nous : <a href="mailto:contact@crpv-guyane.invalid">contact@crpv-guyane.invalid</a></font></div>
</td>
<td width="750" valign="top" style="padding:16px 20px">
{main}
</td>
</tr>
<tr><td colspan="2" bgcolor="{GREEN}" align="center" style="padding:10px">
<font {FONT} size="1" color="#FFFFFF">{esc(ctx.name)}<br>
12 rue Lallouette - 97300 Cayenne - Tél. : 05 94 28 00 00 - Du lundi au vendredi de 8h à 16h<br>
<a href="/mentions-legales.html" style="color:#FFFFFF">Mentions légales</a> | <a href="/plan-du-site.html" style="color:#FFFFFF">Plan du site</a> | <a href="/contact.html" style="color:#FFFFFF">Contact</a></font>
</td></tr>
</table>
</body>
</html>
"""

    def detail(self, item: Item) -> None:
        """A detail page (and its PDF)."""
        ctx = self.ctx
        folder, section = SECTIONS[item.kind]
        text = []
        if item.kind == "event":
            text.append(f"<b>Date :</b> {esc(base.event_prose(item))}<br>")
            if item.place:
                text.append(f"<b>Lieu :</b> {esc(base.place_text(item))}<br>")
            if item.deadline:
                text.append(f"<font color=\"#CC0000\"><b>&gt;&gt; Inscription jusqu'au {base.fr_date(item.deadline)}"
                            " &lt;&lt;</b></font><br>")
            text.append("<br>")
        text.append("<br><br>\n".join(esc(p) for p in item.paragraphs))
        if item.nasty == "script":
            text.append(base.INLINE_SCRIPT)
        if item.document:
            data = base.make_document_pdf(item, ctx)
            text.append(f'<br><br><a href="{item.document.pdf_path}" target="_blank"><img src="/images/pdf.gif" '
                        f'width="16" height="16" border="0" alt=""> Télécharger le document</a> '
                        f'(PDF - {base.size_label(len(data))})')
            self.site.add(item.document.pdf_path, data, "application/pdf", modified=item.published)
        if item.relay_of:
            src_id, src = item.relay_of
            text.append(f'<br><br>Source : <a href="__ORIGIN:{src_id}__{esc(src.path)}" target="_blank">'
                        f'__ORIGIN:{src_id}__{esc(src.path)}</a>')
        main = f"""<font {FONT} size="1"><a href="/">Accueil</a> &gt; <a href="/{folder}.html">{section}</a> &gt; {esc(item.title)}</font><br><br>
<font face="Georgia, Times New Roman, serif" size="5" color="{GREEN}"><b>{esc(item.title)}</b></font><br>
<font {FONT} size="1" color="#666666"><i>{published_prose(item)}</i></font><br><br>
<div style="font-family:Verdana,Arial,sans-serif;font-size:13px;line-height:1.5;text-align:justify">
{chr(10).join(text)}
</div>
<br><div style="font-family:Verdana,Arial,sans-serif;font-size:11px;color:#666666">{base.share_words(item.path, item.title)}</div>
<br><font {FONT} size="2"><a href="/{folder}.html">&lt;&lt; Retour</a></font>"""
        self.site.add(item.path, self.page(item.title, main), modified=item.published)

    def listing(self, kind: str, items: list[Item]) -> None:
        """A listing table with numbered pages."""
        folder, title = SECTIONS[kind]
        pages = base.paginate(items, PER_PAGE)
        for n, chunk in enumerate(pages, start=1):
            rows = []
            for i in chunk:
                when = esc(base.event_prose(i)) if kind == "event" else f"{i.published:%d/%m/%Y}"
                rows.append(f'<tr><td width="110" valign="top"><font {FONT} size="1">{when}</font></td>'
                            f'<td valign="top"><font {FONT} size="2"><a href="{esc(i.path)}"><b>{esc(i.title)}</b></a><br>'
                            f'{esc(i.summary[:180])}...</font></td></tr>')
            links = []
            for k in range(1, len(pages) + 1):
                links.append(f"<b>{k}</b>" if k == n else f'<a href="{_listing_target(folder, k)}">{k}</a>')
            if n < len(pages):
                links.append(f'<a href="{_listing_target(folder, n + 1)}">Suivante &gt;&gt;</a>')
            if n > 1:
                links.insert(0, f'<a href="{_listing_target(folder, n - 1)}">&lt;&lt; Précédente</a>')
            main = (f'<font face="Georgia, Times New Roman, serif" size="5" color="{GREEN}"><b>{title}</b></font><br><br>\n'
                    f'<table width="100%" border="0" cellpadding="5" cellspacing="0">\n' + "\n".join(rows)
                    + f'\n</table>\n<br><div style="text-align:center"><font {FONT} size="2">Pages : '
                    + " | ".join(links) + "</font></div>")
            label = title if n == 1 else f"{title} - page {n}"
            self.site.add(_listing_target(folder, n), self.page(label, main), modified=base.latest(chunk))

    def render(self) -> Site:
        """Every page of the site (no feed, no sitemap)."""
        ctx, site = self.ctx, self.site
        for item in ctx.items:
            self.detail(item)
        for kind in SECTIONS:
            items = [i for i in ctx.items if i.kind == kind]
            if kind == "event":
                items = sorted(items, key=lambda i: i.sessions[0].start, reverse=True)
            else:
                items = base.newest_first(items)
            self.listing(kind, items)
        news = self.latest_news[:4]
        upcoming = sorted((i for i in ctx.items if i.kind == "event" and i.sessions[-1].end >= ctx.today),
                          key=lambda i: i.sessions[0].start)[:4]
        une = "".join(f'<a href="{esc(i.path)}"><b>{esc(i.title)}</b></a><br>{esc(i.summary[:200])}...<br><br>\n'
                      for i in news)
        rdv = "".join(f'&bull; {esc(base.event_prose(i))} : <a href="{esc(i.path)}">{esc(i.title)}</a><br>\n'
                      for i in upcoming)
        home = (f'<font {FONT} size="2">Bienvenue sur le site du {esc(ctx.name)}.</font><br><br>\n'
                f'<font face="Georgia, Times New Roman, serif" size="4" color="{GREEN}"><b>À la une</b></font><br><br>\n'
                f'<font {FONT} size="2">{une}</font>'
                f'<font face="Georgia, Times New Roman, serif" size="4" color="{GREEN}"><b>Prochains rendez-vous</b></font><br><br>\n'
                f'<font {FONT} size="2">{rdv}<br><a href="/agenda.html">Tout l\'agenda</a></font>')
        site.add("/", self.page("Accueil", home), modified=ctx.today)
        site.alias("/index.html", "/")
        about = (f'<font {FONT} size="2"><b>Qui sommes-nous ?</b><br><br>Le {esc(ctx.name)} accompagne les '
                 "professionnels et les élus de la politique de la ville : formations, rencontres, "
                 "publications et appui aux projets.</font>")
        site.add("/qui-sommes-nous.html", self.page("Qui sommes-nous ?", about))
        site.add("/contact.html", self.page("Contact", f'<font {FONT} size="2"><b>Contact</b><br><br>'
                                                         "12 rue Lallouette, 97300 Cayenne</font>"))
        site.add("/mentions-legales.html", self.page("Mentions légales", f'<font {FONT} size="2">'
                                                     "Directeur de la publication : le président.</font>"))
        plan = "<br>".join(f'<a href="/{f}.html">{t}</a>' for f, t in SECTIONS.values())
        site.add("/plan-du-site.html", self.page("Plan du site", f'<font {FONT} size="2">{plan}</font>'))
        site.add("/robots.txt", base.robots(["/admin/", "/stats/", "/cgi-bin/"]), "text/plain; charset=utf-8")
        return site


def render(ctx: SiteContext) -> Site:
    """Render the home-made site."""
    return Renderer(ctx).render()
