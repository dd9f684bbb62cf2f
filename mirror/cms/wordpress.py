"""WordPress imitation: pretty permalinks, `?p=N`, /feed/, wp-sitemap, category archives,
The Events Calendar (list, single events with JSON-LD, ?ical=1, endless month view) and
the custom post types of reseau-crpv.fr (`/evenement/`, `/publication/`)."""

from __future__ import annotations

from mirror import content
from mirror.cms import base, ical
from mirror.cms.base import Item, Site, SiteContext, esc, wp_esc

PER_PAGE = 10
# Per-site options: TEC = The Events Calendar; cpt = custom post types (reseau-crpv).
# share: the sharing plugin of the site — "jetpack" (sharedaddy after the text),
# "addtoany" (AddToAny above and below it), "wrap" (the theme's sharingContainer wraps the
# text and its buttons, in an `article.enable-pin-share`).
CONF = {
    "oriv": {"tec": True, "cookie": True, "pub_tax": "/type_de_doc/autres-publications/",
             "agenda_cat": "/category/agenda/"},
    "ville_caraibe": {"tec": True, "share": "jetpack"},
    "crpv_guadeloupe": {"tec": True, "cookie": True},
    "reseau_crpv": {"cpt": True, "cookie": True, "share": "addtoany"},
    "normanvilles": {"dated": True, "share": "jetpack"},
    "villes_et_territoires": {"dated": True, "share": "wrap"},
    "maore_ouvoimoja": {"crawl_delay": 1, "share": "addtoany"},
    "resovilles": {"cookie": True, "share": "addtoany"},
}
CATEGORY_LABELS = {"actualites": "Actualités", "agenda": "Agenda", "publications": "Publications"}


def _conf(ctx: SiteContext) -> dict:
    return CONF.get(ctx.id, {})


def assign(ctx: SiteContext) -> None:
    """Give WordPress ids, permalinks and `?p=N` aliases to items without a path."""
    conf = _conf(ctx)
    next_id = max([i.number for i in ctx.items] + [1000 + len(ctx.id) * 37])
    for item in sorted((i for i in ctx.items if not i.path), key=lambda i: i.published):
        next_id += ctx.rng.randint(3, 40)
        item.number = next_id
        if item.kind == "event" and conf.get("tec"):
            if len(item.sessions) > 1 and not item.recurring:
                item.sessions = item.sessions[:1]  # TEC has one start and one end
                item.date_style = "range"
            item.path = f"/agenda/{item.slug}/"
            item.yearless = False
            continue
        if conf.get("cpt") and item.kind in ("event", "document"):
            base_path = "/evenement/" if item.kind == "event" else "/publication/"
            item.path = f"{base_path}{item.slug}/"
        elif conf.get("dated"):
            d = item.published
            item.path = f"/{d.year}/{d.month:02d}/{d.day:02d}/{item.slug}/"
        else:
            item.path = f"/{item.slug}/"
        item.aliases = [f"/?p={item.number}"]
        if item.document:
            d = item.published
            item.document.pdf_path = f"/wp-content/uploads/{d.year}/{d.month:02d}/{item.slug[:48]}.pdf"


def tag_base(ctx: SiteContext) -> str:
    """ORIV files posts under /thematique/<term>/; the others use plain WordPress tags."""
    return "/thematique/" if ctx.id == "oriv" else "/tag/"


def _tags_html(item: Item, ctx: SiteContext) -> str:
    links = ", ".join(
        f'<a href="__ORIGIN__{tag_base(ctx)}{base.slugify(content.THEME_LABELS[t])}/" rel="tag">'
        f'{esc(content.THEME_LABELS[t])}</a>' for t in item.themes)
    return f'<span class="tags-links">Thématiques : {links}</span>'


def _wp_paras(paragraphs: list[str]) -> str:
    """Paragraphs as WordPress prints them (wptexturize: curly apostrophes as &#8217;)."""
    return "\n".join(f"<p>{wp_esc(p.replace(chr(39), '’'))}</p>" for p in paragraphs)


def _published_iso(item: Item, ctx: SiteContext) -> str:
    """get_the_date('c'): the local time with the site's UTC offset."""
    return base.published_dt(item, ctx.tz).isoformat()


def _wrap_share(body: str, item: Item, share: str) -> str:
    """The body inside `.entry-content` with the site's share bar, where its plugin puts it."""
    if share == "jetpack":
        return f"{body}\n{base.sharedaddy(item.path, item.number)}"
    if share == "addtoany":
        return (f"{base.addtoany(item.path, item.title, 'top')}\n{body}\n"
                f"{base.addtoany(item.path, item.title, 'bottom')}")
    if share == "wrap":
        buttons = base.share_words(item.path, item.title, sep=" ", tag='class="share-btn" rel="nofollow"')
        return (f'<div class="sharingContainer"><div class="sharing-buttons"><span class="sharing-label">'
                f'Partager :</span> {buttons}</div>\n{body}\n</div>')
    return body


class Renderer:
    def __init__(self, ctx: SiteContext):
        self.ctx = ctx
        self.conf = _conf(ctx)
        self.site = Site(ctx, ctx.today)
        self.tec = bool(self.conf.get("tec"))
        self.share = self.conf.get("share", "")
        self.cpt = bool(self.conf.get("cpt"))
        items = ctx.items
        self.events = [i for i in items if i.kind == "event"]
        self.posts = [i for i in items if not (i.kind == "event" and self.tec)
                      and not (self.cpt and i.kind in ("event", "document"))]
        self.recent = base.newest_first(self.posts)[:5]

    # -- chrome ---------------------------------------------------------------------
    def nav(self) -> str:
        """The primary menu items."""
        links = [("/", "Accueil"), ("/category/actualites/", "Actualités")]
        if self.tec:
            links.append(("/agenda/", "Agenda"))
        elif self.cpt:
            links += [("/evenement/", "Évènements"), ("/publication/", "Publications")]
        else:
            links.append(("/category/agenda/", "Agenda"))
        if not self.cpt:
            links.append(("/category/publications/", "Publications"))
        if self.conf.get("pub_tax"):
            links.append((self.conf["pub_tax"], "Autres publications"))
        links += [("/qui-sommes-nous/", "Qui sommes-nous ?"), ("/contact/", "Contact")]
        return "".join(f'<li class="menu-item"><a href="__ORIGIN__{p}">{esc(t)}</a></li>'
                       for p, t in links)

    def page(self, title: str, main: str, body_class: str, canonical: str | None = None,
             head: str = "") -> str:
        """The theme chrome around `main`."""
        ctx = self.ctx
        head_links = [
            f'<link rel="alternate" type="application/rss+xml" title="{esc(ctx.short)} &raquo; Flux" '
            'href="__ORIGIN__/feed/" />',
        ]
        if self.tec:
            head_links.append(
                f'<link rel="alternate" type="text/calendar" title="{esc(ctx.short)} &raquo; Flux iCal" '
                'href="__ORIGIN__/agenda/?ical=1" />')
        if canonical:
            head_links.append(f'<link rel="canonical" href="__ORIGIN__{esc(canonical)}" />')
        recent = "".join(f'<li><a href="__ORIGIN__{esc(i.path)}">{wp_esc(i.title)}</a></li>'
                         for i in self.recent)
        cookie = base.COOKIE_BANNER if self.conf.get("cookie") else ""
        return f"""<!DOCTYPE html>
<html lang="fr-FR">
<head>
<meta charset="UTF-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{wp_esc(title)} &#8211; {esc(ctx.short)}</title>
<meta name="generator" content="WordPress 6.6.2" />
{chr(10).join(head_links)}
{head}
<link rel="stylesheet" id="theme-css" href="__ORIGIN__/wp-content/themes/crpv/style.css?ver=2.1" media="all" />
</head>
<body class="{body_class} wp-theme-crpv">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#primary">Aller au contenu</a>
<header id="masthead" class="site-header">
<p class="site-title"><a href="__ORIGIN__/" rel="home">{esc(ctx.name)}</a></p>
<p class="site-description">Centre de ressources politique de la ville – {esc(ctx.centre.get("territory", ""))}</p>
<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{self.nav()}</ul></nav>
<form role="search" method="get" class="search-form" action="__ORIGIN__/"><input type="search" name="s" placeholder="Rechercher…" /></form>
</header>
<div id="content" class="site-content"><div id="primary" class="content-area">
<main id="main" class="site-main">
{main}
</main></div>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">Articles récents</h2><ul>{recent}</ul></section></aside>
</div>
<footer id="colophon" class="site-footer"><p>{esc(ctx.name)} – {esc(ctx.centre.get("city", ""))}</p>
<p><a href="__ORIGIN__/mentions-legales/">Mentions légales</a></p></footer>
</div>
{cookie}
</body>
</html>
"""

    # -- single posts -----------------------------------------------------------------
    def post_body(self, item: Item) -> str:
        """The entry content of a post (date and place lines for events)."""
        parts = []
        if item.kind == "event":
            label = "Quand ?" if self.cpt else "Date :"
            parts.append(f'<p class="event-date"><strong>{label}</strong> {esc(base.event_prose(item))}</p>')
            if item.place:
                where = base.place_text(item)
                label = "Où ?" if self.cpt else "Lieu :"
                parts.append(f'<p class="event-place"><strong>{label}</strong> {esc(where)}</p>')
            parts.append(base.deadline_html(item))
        parts.append(_wp_paras(item.paragraphs))
        if item.kind == "event":
            parts.append('<p><a href="https://forms.gle/inscription">S’inscrire</a></p>')
        if item.document:
            size = base.size_label(len(base.make_document_pdf(item, self.ctx)))
            parts.append(f'<p class="download"><a href="__ORIGIN__{item.document.pdf_path}">'
                         f'Télécharger le document (PDF, {size})</a></p>')
        if item.relay_of:
            src_id, src = item.relay_of
            parts.append(f'<p class="source">Source : <a href="__ORIGIN:{src_id}__{esc(src.path)}">'
                         'lire l’article original</a></p>')
        if item.nasty == "script":
            parts.insert(1, base.INLINE_SCRIPT)
        return "\n".join(parts)

    def single(self, item: Item) -> None:
        """A single post page, its `?p=N` redirect and its PDF."""
        ctx = self.ctx
        ptype = "post"
        if self.cpt and item.kind == "event":
            ptype = "evenement"
        elif self.cpt and item.kind == "document":
            ptype = "publication"
        cat = item.category
        head = (f'<link rel="shortlink" href="__ORIGIN__/?p={item.number}" />\n'
                f'<meta property="og:type" content="article" />\n'
                f'<meta property="og:title" content="{wp_esc(item.title)}" />\n'
                f'<meta property="article:published_time" content="{_published_iso(item, ctx)}" />\n'
                f'<meta property="article:section" content="{CATEGORY_LABELS[cat]}" />\n'
                + "\n".join(f'<meta property="article:tag" content="{esc(content.THEME_LABELS[t])}" />'
                            for t in item.themes))
        pin = " enable-pin-share" if self.share == "wrap" else ""
        main = f"""<article id="post-{item.number}" class="post-{item.number} {ptype} type-{ptype} status-publish format-standard hentry category-{cat}{pin}">
<header class="entry-header"><h1 class="entry-title">{wp_esc(item.title)}</h1>
<div class="entry-meta"><span class="posted-on">Publié le <time class="entry-date published" datetime="{_published_iso(item, ctx)}">{base.fr_date(item.published)}</time></span>
<span class="cat-links">Catégorie : <a href="__ORIGIN__/category/{cat}/" rel="category tag">{CATEGORY_LABELS[cat]}</a></span>
{_tags_html(item, ctx)}</div></header>
<div class="entry-content">
{_wrap_share(self.post_body(item), item, self.share)}
</div>
</article>"""
        body_class = f"{ptype}-template-default single single-{ptype} postid-{item.number}"
        self.site.add(item.path, self.page(item.title, main, body_class, item.path, head),
                      modified=item.published)
        if self.share == "jetpack":
            base.share_redirects(self.site, item.path)
        for alias in item.aliases:
            self.site.redirect(alias, item.path)
        if item.document:
            self.site.add(item.document.pdf_path, base.make_document_pdf(item, ctx),
                          "application/pdf", modified=item.published)

    # -- TEC ------------------------------------------------------------------------
    def tec_schedule(self, item: Item) -> str:
        """The `.tribe-events-schedule` prose of an event."""
        s = item.sessions[0]
        if item.recurring:
            return esc(base.event_prose(item))
        if s.all_day:
            if s.start == s.end:
                return f'<span class="tribe-event-date-start">{base.fr_date(s.start)}</span>'
            return (f'<span class="tribe-event-date-start">{base.fr_date(s.start, year=s.start.year != s.end.year)}</span>'
                    f' - <span class="tribe-event-date-end">{base.fr_date(s.end)}</span>')
        start = f'{base.fr_date(s.start, weekday=True)} @ {base.fr_time(s.t_start, zero=True)}'
        end = f' - <span class="tribe-event-time">{base.fr_time(s.t_end, zero=True)}</span>' if s.t_end else ""
        return f'<span class="tribe-event-date-start">{start}</span>{end}'

    def tec_jsonld(self, item: Item) -> str:
        """The JSON-LD Event The Events Calendar prints."""
        ctx = self.ctx
        s = item.sessions[0]
        if s.all_day:
            start, end = s.start.isoformat(), s.end.isoformat()
        else:
            start = base.iso_local(s.start, s.t_start, ctx.tz)
            end = base.iso_local(s.end, s.t_end, ctx.tz) if s.t_end else None
        data = {"@context": "http://schema.org", "@type": "Event", "name": item.title,
                "description": item.summary, "url": f"__ORIGIN__{item.path}",
                "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
                "eventStatus": "https://schema.org/EventScheduled", "startDate": start}
        if end:
            data["endDate"] = end
        if item.place and item.place.get("city"):
            data["location"] = {"@type": "Place", "name": item.place["location_name"],
                                "address": {"@type": "PostalAddress",
                                            **({"streetAddress": item.address} if item.address else {}),
                                            "addressLocality": item.place["city"],
                                            "postalCode": item.place["postcode"],
                                            "addressCountry": "France"}}
        elif item.place:
            data["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
            data["location"] = {"@type": "VirtualLocation", "url": f"__ORIGIN__{item.path}"}
        data["organizer"] = {"@type": "Organization", "name": ctx.short, "url": "__ORIGIN__/"}
        return base.jsonld([data])

    def tec_single(self, item: Item) -> None:
        """A single event page of The Events Calendar and its `?ical=1`."""
        ctx = self.ctx
        over = item.sessions[-1].end < ctx.today and not item.recurring
        notice = ('<div class="tribe-events-notices"><ul><li>Cet événement est terminé.</li></ul></div>'
                  if over else "")
        venue = ""
        if item.place:
            city = ", ".join(x for x in (item.address, f"{item.place['postcode'] or ''} {item.place['city'] or ''}".strip()) if x)
            venue = (f'<div class="tribe-events-meta-group tribe-events-meta-group-venue"><h2 class="tribe-events-single-section-title">Lieu</h2>'
                     f'<dl><dd class="tribe-venue">{esc(item.place["location_name"])}</dd>'
                     f'<dd class="tribe-venue-location"><address class="tribe-events-address">{esc(city)}</address></dd></dl></div>')
        main = f"""<div id="tribe-events-content" class="tribe-events-single">
<p class="tribe-events-back"><a href="__ORIGIN__/agenda/">&laquo; Tous les évènements</a></p>
{notice}
<h1 class="tribe-events-single-event-title">{wp_esc(item.title)}</h1>
<div class="tribe-events-schedule tribe-clearfix"><h2>{self.tec_schedule(item)}</h2></div>
<div id="post-{item.number}" class="post-{item.number} tribe_events type-tribe_events status-publish">
<div class="tribe-events-single-event-description tribe-events-content">
{_wrap_share(_wp_paras(item.paragraphs), item, self.share)}
</div>
<div class="tribe-events-meta-group tribe-events-meta-group-details">{_tags_html(item, ctx)}</div>
<div class="tribe-events-cal-links"><a class="tribe-events-ical tribe-events-button" href="__ORIGIN__{item.path}?ical=1">+ Exporter vers iCal</a></div>
{venue}
</div>
</div>"""
        # Yoast prints the publication time on events too.
        head = f'<meta property="article:published_time" content="{_published_iso(item, ctx)}" />'
        if not item.recurring:
            head += "\n" + self.tec_jsonld(item)
        body_class = f"tribe_events-template-default single single-tribe_events postid-{item.number} tribe-events-page-template"
        self.site.add(item.path, self.page(item.title, main, body_class, item.path, head),
                      modified=item.published)
        self.site.add(f"{item.path}?ical=1", ical.calendar(ctx, [item], item.path),
                      "text/calendar; charset=utf-8", modified=item.published)
        if self.share == "jetpack":
            base.share_redirects(self.site, item.path)

    def tec_lists(self) -> None:
        """The agenda list, past events, iCal export and the month-view trap."""
        ctx, today = self.ctx, self.ctx.today
        upcoming = sorted((i for i in self.events if i.sessions[-1].end >= today or i.recurring),
                          key=lambda i: i.sessions[0].start)
        past = sorted((i for i in self.events if i not in upcoming),
                      key=lambda i: i.sessions[0].start, reverse=True)

        def rows(items):
            out = []
            for i in items:
                s = i.sessions[0]
                out.append(f'<article class="tribe-events-calendar-list__event">'
                           f'<time class="tribe-events-calendar-list__event-date-tag-datetime" datetime="{s.start.isoformat()}">'
                           f'{base.fr_date(s.start)}</time> <h3 class="tribe-events-calendar-list__event-title">'
                           f'<a href="__ORIGIN__{i.path}">{wp_esc(i.title)}</a></h3>'
                           f'<div class="tribe-events-calendar-list__event-datetime">{self.tec_schedule(i)}</div></article>')
            return "\n".join(out)

        month = f"/agenda/mois/{today:%Y-%m}/"
        tools = (f'<nav class="tribe-events-c-top-bar"><a href="__ORIGIN__/agenda/liste/">Liste</a> '
                 f'<a href="__ORIGIN__{month}">Mois</a> '
                 f'<a href="__ORIGIN__/agenda/liste/?eventDisplay=past">Évènements passés</a></nav>')
        export = '<p><a class="tribe-events-c-ical__link" href="__ORIGIN__/agenda/?ical=1">Exporter les évènements</a></p>'
        main = f'<h1 class="tribe-events-header__title">Agenda</h1>{tools}\n{rows(upcoming)}\n{export}'
        body = self.page("Agenda", main, "post-type-archive post-type-archive-tribe_events", "/agenda/")
        self.site.add("/agenda/", body, modified=today)
        self.site.alias("/agenda/liste/", "/agenda/")
        main = f'<h1 class="tribe-events-header__title">Évènements passés</h1>{tools}\n{rows(past)}'
        self.site.add("/agenda/liste/?eventDisplay=past",
                      self.page("Évènements passés", main, "post-type-archive-tribe_events"),
                      modified=today)
        self.site.add("/agenda/?ical=1", ical.calendar(ctx, upcoming, "/agenda/"),
                      "text/calendar; charset=utf-8", modified=today)
        self.site.traps.append({"kind": "month_calendar", "prefix": "/agenda/mois/",
                                "title": "Évènements pour {month}", "start": f"{today:%Y-%m}"})
        if self.conf.get("agenda_cat"):
            self.archive(self.conf["agenda_cat"], "Agenda", base.newest_first(self.events))

    # -- archives ---------------------------------------------------------------------
    def archive(self, prefix: str, title: str, items: list[Item], body_class: str = "archive category") -> None:
        """An archive with `/page/N/` pagination."""
        pages = base.paginate(items, PER_PAGE)
        for n, chunk in enumerate(pages, start=1):
            target = prefix if n == 1 else f"{prefix}page/{n}/"
            rows = "\n".join(
                f'<article class="post-{i.number} type-post hentry"><h2 class="entry-title">'
                f'<a href="__ORIGIN__{i.path}" rel="bookmark">{wp_esc(i.title)}</a></h2>'
                f'<div class="entry-meta"><time datetime="{_published_iso(i, self.ctx)}">{base.fr_date(i.published)}</time></div>'
                f'<div class="entry-summary"><p>{esc(i.summary[:220])} [&hellip;]</p>'
                f'<p><a href="__ORIGIN__{i.path}#more-{i.number}" class="more-link">Lire la suite</a></p></div></article>'
                for i in chunk)
            nav = []
            if n > 1:
                prev = prefix if n == 2 else f"{prefix}page/{n - 1}/"
                nav.append(f'<a class="prev page-numbers" href="__ORIGIN__{prev}">&laquo; Précédent</a>')
            for k in range(1, len(pages) + 1):
                href = prefix if k == 1 else f"{prefix}page/{k}/"
                nav.append(f'<span aria-current="page" class="page-numbers current">{k}</span>' if k == n
                           else f'<a class="page-numbers" href="__ORIGIN__{href}">{k}</a>')
            if n < len(pages):
                nav.append(f'<a class="next page-numbers" href="__ORIGIN__{prefix}page/{n + 1}/">Suivant &raquo;</a>')
            main = (f'<header class="page-header"><h1 class="page-title">{esc(title)}</h1></header>\n{rows}\n'
                    f'<nav class="navigation pagination"><div class="nav-links">{"".join(nav)}</div></nav>')
            label = title if n == 1 else f"{title} – Page {n}"
            self.site.add(target, self.page(label, main, f"{body_class} paged-{n}", target),
                          modified=base.latest(chunk))

    # -- feed, sitemap, static --------------------------------------------------------
    def feed(self) -> None:
        """The RSS 2.0 `/feed/` of the last 10 posts."""
        ctx = self.ctx
        latest = base.newest_first(self.posts)[:10]
        rows = []
        for i in latest:
            title = wp_esc(i.title).replace("&amp;", "&#038;")
            content = _wp_paras(i.paragraphs)
            rows.append(f"""<item>
<title>{title}</title>
<link>__ORIGIN__{esc(i.path)}</link>
<dc:creator><![CDATA[{ctx.short}]]></dc:creator>
<pubDate>{base.rfc822_gmt(base.published_dt(i, ctx.tz))}</pubDate>
<category><![CDATA[{CATEGORY_LABELS[i.category]}]]></category>
<guid isPermaLink="false">__ORIGIN__/?p={i.number}</guid>
<description><![CDATA[{i.summary[:200]} [&#8230;]]]></description>
<content:encoded><![CDATA[{content}]]></content:encoded>
</item>""")
        build = base.rfc822_gmt(max(base.published_dt(i, ctx.tz) for i in latest))
        body = f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
xmlns:content="http://purl.org/rss/1.0/modules/content/"
xmlns:dc="http://purl.org/dc/elements/1.1/"
xmlns:atom="http://www.w3.org/2005/Atom"
xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel>
<title>{esc(ctx.short)}</title>
<atom:link href="__ORIGIN__/feed/" rel="self" type="application/rss+xml" />
<link>__ORIGIN__</link>
<description>Centre de ressources politique de la ville</description>
<lastBuildDate>{build}</lastBuildDate>
<language>fr-FR</language>
<sy:updatePeriod>hourly</sy:updatePeriod>
<sy:updateFrequency>1</sy:updateFrequency>
<generator>https://wordpress.org/?v=6.6.2</generator>
{chr(10).join(rows)}
</channel>
</rss>
"""
        if ctx.id == "villes_et_territoires":
            # The classic WordPress breakage: a theme file prints a blank line before the
            # XML declaration, so strict parsers reject the feed.
            body = "\n" + body
        self.site.add("/feed/", body, "application/rss+xml; charset=UTF-8", modified=base.latest(latest))

    def sitemaps(self, archives: list[str]) -> None:
        """The `/wp-sitemap.xml` index and its sub-sitemaps."""
        groups = {"post": [i for i in self.posts]}
        if self.tec:
            groups["tribe_events"] = self.events
        if self.cpt:
            groups["evenement"] = [i for i in self.ctx.items if i.kind == "event"]
            groups["publication"] = [i for i in self.ctx.items if i.kind == "document"]
        index = []
        for name, items in groups.items():
            path = f"/wp-sitemap-posts-{name}-1.xml"
            index.append(path)
            self.site.add(path, base.urlset([(i.path, i.published) for i in base.newest_first(items)]),
                          "application/xml; charset=UTF-8", modified=base.latest(items))
        if self.ctx.id == "villes_et_territoires":
            gone = "/2024/01/15/journee-regionale-annulee/"
            post_map = "/wp-sitemap-posts-post-1.xml"
            self.site.files[self.site.routes[post_map]["file"]] = self.site.files[
                self.site.routes[post_map]["file"]].replace(
                b"</urlset>", f"<url><loc>__ORIGIN__{gone}</loc></url>\n</urlset>".encode())
        path = "/wp-sitemap-posts-page-1.xml"
        index.append(path)
        self.site.add(path, base.urlset([("/", None), ("/qui-sommes-nous/", None), ("/contact/", None)]),
                      "application/xml; charset=UTF-8")
        path = "/wp-sitemap-taxonomies-category-1.xml"
        index.append(path)
        self.site.add(path, base.urlset([(a, None) for a in archives]), "application/xml; charset=UTF-8")
        self.site.add("/wp-sitemap.xml", base.sitemap_index(index), "application/xml; charset=UTF-8")

    def statics(self) -> None:
        """The static pages (about, contact, legal notice)."""
        ctx = self.ctx
        about = (f"<h1 class=\"entry-title\">Qui sommes-nous ?</h1><div class=\"entry-content\"><p>{esc(ctx.name)} "
                 "est un centre de ressources politique de la ville labellisé par l’Agence nationale "
                 "de la cohésion des territoires. Il qualifie les acteurs, capitalise les expériences "
                 "et anime des réseaux de professionnels.</p></div>")
        self.site.add("/qui-sommes-nous/", self.page("Qui sommes-nous ?", about, "page-template-default page", "/qui-sommes-nous/"))
        contact = f"<h1 class=\"entry-title\">Contact</h1><p>{esc(ctx.name)}, {esc(ctx.centre.get('city', ''))}</p>"
        self.site.add("/contact/", self.page("Contact", contact, "page-template-default page", "/contact/"))
        self.site.add("/mentions-legales/", self.page("Mentions légales", "<h1>Mentions légales</h1><p>Directeur de publication : le président.</p>", "page"))

    def home(self) -> None:
        """The home page, linking to every section."""
        ctx = self.ctx
        news = base.newest_first([i for i in self.posts if i.kind == "news"])[:6]
        upcoming = sorted((i for i in self.events if i.sessions[-1].end >= ctx.today),
                          key=lambda i: i.sessions[0].start)[:4]
        # RésO Villes tags its home-page links for its statistics (a crawler must strip them).
        track = "?utm_source=accueil&amp;utm_medium=bloc-une" if ctx.id == "resovilles" else ""
        blocks = "\n".join(f'<article><h3><a href="__ORIGIN__{i.path}{track}">{wp_esc(i.title)}</a></h3>'
                           f'<p>{esc(i.summary[:160])}…</p></article>' for i in news)
        agenda = "\n".join(f'<li><a href="__ORIGIN__{i.path}">{wp_esc(i.title)}</a> – {base.fr_date(i.sessions[0].start)}</li>'
                           for i in upcoming)
        dead = (' – <a href="__ORIGIN__/evenements-2019/">Archives 2019</a>'
                if ctx.id == "villes_au_carre" else "")
        main = (f'<h1 class="screen-reader-text">{esc(ctx.name)}</h1><section class="home-news"><h2>À la une</h2>{blocks}'
                f'<p><a href="__ORIGIN__/category/actualites/">Toutes les actualités</a>{dead}</p></section>'
                f'<section class="home-agenda"><h2>Prochains rendez-vous</h2><ul>{agenda}</ul></section>')
        self.site.add("/", self.page(ctx.short, main, "home blog"), modified=ctx.today)

    def render(self) -> Site:
        """Every page, feed, sitemap and robots.txt of the site."""
        ctx, site = self.ctx, self.site
        for item in self.posts:
            self.single(item)
        archives = []
        for cat in ("actualites", "agenda", "publications"):
            items = base.newest_first([i for i in self.posts if i.category == cat])
            if items:
                self.archive(f"/category/{cat}/", CATEGORY_LABELS[cat], items)
                archives.append(f"/category/{cat}/")
        if self.tec:
            for item in self.events:
                self.tec_single(item)
            self.tec_lists()
        if self.cpt:
            for item in ctx.items:
                if item.kind in ("event", "document"):
                    self.single(item)
            evts = sorted(self.events, key=lambda i: i.sessions[0].start, reverse=True)
            self.archive("/evenement/", "Évènements", evts, "archive post-type-archive")
            docs = base.newest_first([i for i in ctx.items if i.kind == "document"])
            self.archive("/publication/", "Publications", docs, "archive post-type-archive")
            for etype in sorted({i.event_type for i in self.events}):
                chosen = [i for i in evts if i.event_type == etype]
                self.archive(f"/type-evenement/{etype}/", f"Type d’évènement : {etype.capitalize()}",
                             chosen, "archive tax-type-evenement")
                archives.append(f"/type-evenement/{etype}/")
        for theme in sorted({t for i in ctx.items for t in i.themes}):
            label = content.THEME_LABELS[theme]
            tagged = base.newest_first([i for i in ctx.items if theme in i.themes])
            prefix = f"{tag_base(ctx)}{base.slugify(label)}/"
            self.archive(prefix, label, tagged, "archive tag")
        if self.conf.get("pub_tax"):
            docs = base.newest_first([i for i in ctx.items if i.kind == "document"])
            self.archive(self.conf["pub_tax"], "Autres publications", docs, "archive tax-type_de_doc")
        self.feed()
        self.sitemaps(archives)
        self.statics()
        self.home()
        site.add("/robots.txt", base.robots(
            ["/wp-admin/", "/?s=", "/recherche", "/wp-login.php"], ["/wp-sitemap.xml"],
            self.conf.get("crawl_delay"), "\nAllow: /wp-admin/admin-ajax.php" if False else ""),
            "text/plain; charset=utf-8")
        site.status("/wp-admin/", 403)
        if ctx.id == "villes_et_territoires":
            # A deleted post that the sitemap still lists, and a dead link on the home page.
            site.status("/2024/01/15/journee-regionale-annulee/", 410)
        if ctx.id == "villes_au_carre":
            site.status("/evenements-2019/", 404)
        if self.tec:
            site.sources = [{"path": "/agenda/", "content": "event"}]
        if ctx.id == "oriv":
            site.sources = [{"path": "/category/agenda/", "content": "event"},
                            {"path": "/type_de_doc/autres-publications/", "content": "document"}]
        if self.cpt:
            site.sources = [{"path": "/evenement/", "content": "event"},
                            {"path": "/publication/", "content": "document"}]
        return site


def render(ctx: SiteContext) -> Site:
    """Render a WordPress centre site."""
    return Renderer(ctx).render()
