"""The new PQN-A site: `/fr/actualites/<slug>`, `/fr/actualites/agenda/<slug>` with an
"Informations pratiques" block, `/fr/ressources/analyses/<slug>` with "Temps de lecture",
`?page=N` listings, a sitemap, no feed."""

from __future__ import annotations

from mirror.cms import base
from mirror.cms.base import Item, Site, SiteContext, esc

PER_PAGE = 9
SECTIONS = {"news": ("/fr/actualites", "Actualités"), "event": ("/fr/actualites/agenda", "Agenda"),
            "document": ("/fr/ressources/analyses", "Analyses")}


def assign(ctx: SiteContext) -> None:
    """Slug paths under the language prefix."""
    for item in ctx.items:
        if item.path:
            continue
        item.path = f"{SECTIONS[item.kind][0]}/{item.slug}"
        if item.document:
            item.document.pdf_path = f"/uploads/ressources/{item.published.year}/{item.slug[:40]}.pdf"
        if item.kind == "event" and item.place and item.place.get("city"):
            # PQN-A shows only "Saintes (17)" as the place.
            item.place_label = f"{item.place['city']} ({item.place['postcode'][:2]})"
            item.place = {"location_name": None, "city": item.place["city"], "postcode": None}


def _pratique(item: Item) -> str:
    s = item.sessions[0]
    if s.all_day:
        single = len(item.sessions) == 1 and s.start == s.end
        when = base.fr_date(s.start) if single else esc(base.range_prose(item.sessions, year=True))
        hours = "Journée complète"
    else:
        when = base.fr_date(s.start)
        hours = f"{base.fr_time(s.t_start)} - {base.fr_time(s.t_end)}" if s.t_end else base.fr_time(s.t_start)
    place = item.place_label or "En ligne"
    return f"""<section class="informations-pratiques"><h2>Informations pratiques</h2>
<dl><dt>Organisateur</dt><dd>PQN-A</dd>
<dt>Calendrier</dt><dd><span class="date">{when}</span><br><span class="horaires">{hours}</span></dd>
<dt>Structure</dt><dd>{esc(place)}</dd>
<dt>Location</dt><dd>Gratuit</dd></dl>
<p><a class="btn" href="__ORIGIN__/fr/connexion">S’inscrire</a></p></section>"""


class Renderer:
    def __init__(self, ctx: SiteContext):
        self.ctx = ctx
        self.site = Site(ctx, ctx.today)

    def page(self, title: str, main: str, canonical: str | None = None) -> str:
        """The PQN-A page chrome (with its cookie window)."""
        ctx = self.ctx
        nav = "".join(f'<li><a href="__ORIGIN__{p}">{t}</a></li>' for p, t in SECTIONS.values())
        canon = f'<link rel="canonical" href="__ORIGIN__{esc(canonical)}">' if canonical else ""
        return f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} | PQN-A</title>
{canon}
<meta property="og:title" content="{esc(title)}">
</head>
<body>
<header class="header"><a class="logo" href="__ORIGIN__/fr">{esc(ctx.name)}</a>
<nav><ul>{nav}<li><a href="__ORIGIN__/fr/contact">Contact</a></li></ul></nav></header>
<main id="main">
{main}
</main>
<footer><p>{esc(ctx.name)} – Bordeaux</p></footer>
<div class="modal-cookies" id="cookies"><p>Nous utilisons des cookies pour améliorer votre expérience.</p>
<button type="button">Cliquez ici pour fermer la fenêtre</button></div>
</body>
</html>
"""

    def detail(self, item: Item) -> None:
        """A news, agenda or analysis page."""
        ctx = self.ctx
        tags = "".join(f'<span class="tag">{t}</span>' for t in ("Politique de la ville", "Région Nouvelle-Aquitaine"))
        parts = [f'<p class="date-publication">Publié le {item.published:%d/%m/%Y}</p>', f'<div class="tags">{tags}</div>']
        if item.kind == "event":
            parts.append(_pratique(item))
            s = item.sessions[0]
            if s.t_start and s.t_end and (s.t_end.hour - s.t_start.hour) >= 3:
                # The programme lists times without dates, as PQN-A's "Déroulé synthétique".
                parts.append(f'<h3>Déroulé synthétique</h3><ul><li>{base.fr_time(s.t_start)} : accueil café</li>'
                             f'<li>{base.fr_time(s.t_start.replace(hour=s.t_start.hour + 1))} : table ronde</li>'
                             f'<li>{base.fr_time(s.t_end)} : fin de la rencontre</li></ul>')
        if item.kind == "document":
            minutes = 5 * len(item.document.pages)
            parts.append(f'<p class="temps-lecture">Temps de lecture : {minutes} min</p>')
        parts.append(f'<div class="wysiwyg">{base.paras_html(item.paragraphs)}</div>')
        if item.nasty == "script":
            parts.append(base.INLINE_SCRIPT)
        if item.document:
            data = base.make_document_pdf(item, ctx)
            parts.append(f'<p><a class="download" href="__ORIGIN__{item.document.pdf_path}">Télécharger l’analyse (PDF, {base.size_label(len(data))})</a></p>')
            self.site.add(item.document.pdf_path, data, "application/pdf", modified=item.published)
        if item.relay_of:
            src_id, src = item.relay_of
            parts.append(f'<p>Source : <a href="__ORIGIN:{src_id}__{esc(src.path)}">article original</a></p>')
        main = f'<article class="{item.kind}"><h1>{esc(item.title)}</h1>\n' + "\n".join(parts) + "</article>"
        self.site.add(item.path, self.page(item.title, main, item.path), modified=item.published)

    def listing(self, kind: str, items: list[Item]) -> None:
        """A card listing with `?page=N` pagination."""
        prefix, title = SECTIONS[kind]
        pages = base.paginate(items, PER_PAGE)
        for n, chunk in enumerate(pages, start=1):
            target = prefix if n == 1 else f"{prefix}?page={n}"
            cards = "\n".join(
                f'<div class="card"><a href="__ORIGIN__{i.path}"><h3>{esc(i.title)}</h3></a>'
                f'<span class="date">{i.published:%d/%m/%Y}</span></div>' for i in chunk)
            pager = "".join(f'<a class="{"active" if k == n else ""}" href="__ORIGIN__{prefix if k == 1 else f"{prefix}?page={k}"}">{k}</a>'
                            for k in range(1, len(pages) + 1))
            main = f'<h1>{title}</h1><div class="cards">{cards}</div><nav class="pagination">{pager}</nav>'
            self.site.add(target, self.page(title, main, target), modified=base.latest(chunk))

    def render(self) -> Site:
        """Every page, the sitemap and robots.txt."""
        ctx, site = self.ctx, self.site
        for item in ctx.items:
            self.detail(item)
        for kind in SECTIONS:
            items = [i for i in ctx.items if i.kind == kind]
            items = (sorted(items, key=lambda i: i.sessions[0].start, reverse=True)
                     if kind == "event" else base.newest_first(items))
            self.listing(kind, items)
        news = base.newest_first([i for i in ctx.items if i.kind == "news"])[:6]
        home = "<h1>Pays et Quartiers de Nouvelle-Aquitaine</h1><div class=\"cards\">" + "".join(
            f'<div class="card"><a href="__ORIGIN__{i.path}">{esc(i.title)}</a></div>' for i in news) + "</div>"
        site.add("/fr", self.page("Accueil", home, "/fr"), modified=ctx.today)
        site.redirect("/", "/fr", 302)
        site.add("/fr/contact", self.page("Contact", "<h1>Contact</h1><p>PQN-A, Bordeaux</p>"))
        entries = [("/fr", ctx.today)] + [(p, None) for p, _ in SECTIONS.values()]
        entries += [(i.path, i.published) for i in base.newest_first(ctx.items)]
        site.add("/sitemap.xml", base.urlset(entries), "application/xml; charset=utf-8")
        site.add("/robots.txt", base.robots(["/admin", "/fr/recherche", "/fr/connexion", "/fr/mon-compte"],
                                            ["/sitemap.xml"]), "text/plain; charset=utf-8")
        site.sources = [{"path": "/fr/actualites/agenda", "content": "event"},
                        {"path": "/fr/ressources/analyses", "content": "document"}]
        return site


def render(ctx: SiteContext) -> Site:
    """Render the PQN-A site."""
    return Renderer(ctx).render()
