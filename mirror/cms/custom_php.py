"""Home-made PHP site (Ressources & Territoires): no feed, no sitemap, `.php` listings
with `?page=N`, detail pages `…/fiche.php?id=N`, event dates only in prose."""

from __future__ import annotations

from mirror.cms import base
from mirror.cms.base import Item, Site, SiteContext, esc

PER_PAGE = 8
SECTIONS = {"news": ("actualites", "Actualités"), "event": ("agenda", "Agenda"),
            "document": ("ressources", "Ressources")}


def assign(ctx: SiteContext) -> None:
    """Database ids and `fiche.php?id=N` paths; direct PDFs live under /docs/."""
    counters = {k: 10 + len(ctx.id) for k in SECTIONS}
    for item in ctx.items:
        if item.number:
            counters[item.kind] = max(counters[item.kind], item.number)
    for item in sorted((i for i in ctx.items if not i.path), key=lambda i: i.published):
        counters[item.kind] += 1
        item.number = counters[item.kind]
        folder = SECTIONS[item.kind][0]
        if item.document:
            item.document.pdf_path = f"/docs/{folder}/{item.slug[:40]}.pdf"
        item.path = item.document.pdf_path if item.direct_pdf else f"/{folder}/fiche.php?id={item.number}"


class Renderer:
    def __init__(self, ctx: SiteContext):
        self.ctx = ctx
        self.site = Site(ctx, ctx.today)

    def page(self, title: str, main: str) -> str:
        """The table-based page chrome."""
        ctx = self.ctx
        nav = " | ".join(f'<a href="/{f}.php">{t}</a>' for f, t in SECTIONS.values())
        return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(ctx.short)} - {esc(title)}</title>
<link href="/css/style.css" rel="stylesheet" type="text/css">
</head>
<body>
<table width="960" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td class="bandeau"><a href="/index.php"><img src="/images/logo.gif" alt="{esc(ctx.name)}" border="0"></a></td></tr>
<tr><td class="menu"><a href="/index.php">Accueil</a> | {nav} | <a href="/mieux-nous-connaitre/presentation.php">Mieux nous connaître</a></td></tr>
<tr><td class="contenu">
{main}
</td></tr>
<tr><td class="pied">{esc(ctx.name)} - {esc(ctx.centre.get("city", ""))} - <a href="/contact.php">Contact</a></td></tr>
</table>
</body>
</html>
"""

    def detail(self, item: Item) -> None:
        """A `fiche.php?id=N` detail page (and its PDF)."""
        ctx = self.ctx
        rows = [f'<span class="date">Mis en ligne le {item.published:%d/%m/%Y}</span>']
        if item.kind == "event":
            rows.append(f'<p class="infos"><b>Date :</b> {esc(base.event_prose(item))}<br>')
            if item.place:
                where = base.place_text(item)
                rows.append(f'<b>Lieu :</b> {esc(where)}</p>')
            rows.append(base.deadline_html(item))
        rows.append("<br>".join(esc(p) for p in item.paragraphs))
        if item.nasty == "script":
            rows.append(base.INLINE_SCRIPT)
        if item.document:
            data = base.make_document_pdf(item, ctx)
            rows.append(f'<p><a href="{item.document.pdf_path}" target="_blank">&gt; Télécharger le document</a> '
                        f'(pdf - {base.size_label(len(data))})</p>')
            self.site.add(item.document.pdf_path, data, "application/pdf", modified=item.published)
        if item.relay_of:
            src_id, src = item.relay_of
            rows.append(f'<p>Source : <a href="__ORIGIN:{src_id}__{esc(src.path)}">__ORIGIN:{src_id}__{esc(src.path)}</a></p>')
        main = f'<h1 class="titre">{esc(item.title)}</h1>\n' + "\n".join(rows) + \
            f'\n<p><a href="/{SECTIONS[item.kind][0]}.php">&lt; Retour</a></p>'
        self.site.add(item.path, self.page(item.title, main), modified=item.published)

    def listing(self, kind: str, items: list[Item]) -> None:
        """A `.php` listing with `?page=N` pagination."""
        folder, title = SECTIONS[kind]
        pages = base.paginate(items, PER_PAGE)
        for n, chunk in enumerate(pages, start=1):
            target = f"/{folder}.php" if n == 1 else f"/{folder}.php?page={n}"
            rows = []
            for i in chunk:
                if i.direct_pdf:
                    rows.append(f'<tr><td>{i.published:%d/%m/%Y}</td><td><a href="{i.path}" target="_blank">{esc(i.title)}</a> (pdf)</td></tr>')
                else:
                    extra = f" – {esc(base.event_prose(i))}" if i.kind == "event" else ""
                    rows.append(f'<tr><td>{i.published:%d/%m/%Y}</td><td><a href="{i.path}">{esc(i.title)}</a>{extra}</td></tr>')
            pager = " ".join(f"<b>{k}</b>" if k == n else f'<a href="/{folder}.php?page={k}">{k}</a>'
                             for k in range(1, len(pages) + 1))
            main = f'<h1 class="titre">{title}</h1><table class="liste">{"".join(rows)}</table><p class="pages">Pages : {pager}</p>'
            self.site.add(target, self.page(title, main), modified=base.latest(chunk))

    def render(self) -> Site:
        """Every page of the site."""
        ctx, site = self.ctx, self.site
        for item in ctx.items:
            if item.direct_pdf:
                site.add(item.path, base.make_document_pdf(item, ctx), "application/pdf", modified=item.published)
            else:
                self.detail(item)
        for kind in SECTIONS:
            items = [i for i in ctx.items if i.kind == kind]
            if kind == "event":
                items = sorted(items, key=lambda i: i.sessions[0].start, reverse=True)
            else:
                items = base.newest_first(items)
            self.listing(kind, items)
        news = base.newest_first([i for i in ctx.items if i.kind == "news"])[:5]
        home = "<h1 class=\"titre\">Bienvenue</h1><ul>" + "".join(
            f'<li><a href="{i.path}">{esc(i.title)}</a></li>' for i in news) + "</ul>"
        site.add("/", self.page("Accueil", home), modified=ctx.today)
        site.alias("/index.php", "/")
        site.add("/mieux-nous-connaitre/presentation.php", self.page(
            "Présentation", f"<h1 class=\"titre\">Mieux nous connaître</h1><p>{esc(ctx.name)} accompagne les acteurs de la politique de la ville.</p>"))
        site.add("/contact.php", self.page("Contact", "<h1 class=\"titre\">Contact</h1>"))
        site.add("/robots.txt", base.robots(["/admin/", "/recherche.php", "/includes/"]),
                 "text/plain; charset=utf-8")
        return site


def render(ctx: SiteContext) -> Site:
    """Render the home-made PHP site."""
    return Renderer(ctx).render()
