"""Generate the demo mirror: every centre of the registry as a static served site.

`generate(out_dir, today)` plans each centre's items (news, events, publications)
with its own seeded `random.Random`, lets the centre's CMS imitation give them paths
and render the pages, adds cross-centre relays, and writes one directory per centre
plus `ground_truth.json`. The same `today` always gives byte-identical output.
"""

from __future__ import annotations

import json
import random
import shutil
from datetime import date, time, timedelta
from pathlib import Path

import yaml

from mirror import content as C
from mirror.cms import base
from mirror.cms import custom_php, drupal, pqna, spip, wordpress
from mirror.cms.base import Document, Item, Session, SiteContext

SEED = 20261125
REGISTRY = Path(__file__).resolve().parent.parent / "data" / "centres.yaml"

# Which imitation serves each centre (research notes §1–2; unknown ones get a likely CMS).
CMS_OF = {
    "irev": "drupal", "cite_ressources": "drupal", "trajectoire_ressources": "drupal",
    "cr_csur": "drupal",
    "profession_banlieue": "spip", "labo_cites": "spip", "crpve": "spip",
    "ressources_territoires": "custom_php", "pqn_a": "pqna",
}
MODULES = {"wordpress": wordpress, "drupal": drupal, "spip": spip,
           "custom_php": custom_php, "pqna": pqna}
# Sites whose titles get typographic apostrophes, as their CMS prints them.
TEXTURIZED = {"wordpress", "spip", "pqna"}

TIME_SLOTS = [(time(9, 0), time(12, 0)), (time(9, 30), time(12, 30)), (time(9, 30), time(16, 0)),
              (time(10, 0), time(12, 0)), (time(13, 0), time(14, 0)), (time(14, 0), time(16, 0)),
              (time(14, 0), time(17, 0)), (time(12, 0), time(13, 30)), (time(18, 0), time(20, 0)),
              (time(14, 0), time(16, 30))]


def load_centres(registry: Path = REGISTRY) -> list[dict]:
    """The registry entries, as plain mappings, in registry order."""
    return yaml.safe_load(registry.read_text(encoding="utf-8"))["centres"]


def cms_of(centre_id: str) -> str:
    """The CMS imitation serving a centre."""
    return CMS_OF.get(centre_id, "wordpress")


def is_overseas(centre: dict) -> bool:
    """Overseas centres (their items also get the outre_mer theme)."""
    return centre["id"] in C.OVERSEAS or not (centre.get("timezone") or "Europe/Paris").startswith("Europe/")


def display_title(title: str, cms: str) -> str:
    """The title as the CMS prints it (WordPress and SPIP curl apostrophes)."""
    return title.replace("'", "’") if cms in TEXTURIZED else title


class Planner:
    """Draws one centre's items from the content banks."""

    def __init__(self, centre: dict, today: date, rng: random.Random, cms: str):
        self.centre, self.today, self.rng, self.cms = centre, today, rng, cms
        # A centre added to the registry later still gets a site (with national places).
        self.places = C.PLACES.get(centre["id"], C.PLACES["reseau_crpv"])
        self.titles: set[str] = set()
        self.slugs: set[str] = set()
        self.overseas = is_overseas(centre)

    def _values(self, theme: str) -> dict:
        rng = self.rng
        city, postcode, qpvs, venues = rng.choice(self.places)
        subject = rng.choice(C.THEMES[theme])
        if self.overseas and rng.random() < 0.2:
            subject = rng.choice(sorted(C.OUTRE_MER_SUBJECTS))
        return {"subj": subject, "city": city, "qpv": rng.choice(qpvs),
                "postcode": postcode, "venue": rng.choice(venues),
                "centre": self.centre.get("short_name") or self.centre["name"],
                "year": str(self.today.year), "n": str(rng.randint(4, 40)),
                "day": base.fr_date(self.today - timedelta(days=rng.randint(20, 200)))}

    def _themes(self, theme: str) -> list[str]:
        return [theme, "outre_mer"] if self.overseas else [theme]

    def _unique(self, make) -> tuple[str, dict, str]:
        for _ in range(40):
            theme = C.weighted_theme(self.rng)
            values = self._values(theme)
            theme = C.OUTRE_MER_SUBJECTS.get(values["subj"], theme)
            title = display_title(make(values), self.cms)
            slug = base.slugify(title)
            if title not in self.titles and slug not in self.slugs:
                self.titles.add(title)
                self.slugs.add(slug)
                return title, values, theme
        raise RuntimeError("content banks too small for unique titles")

    def news(self) -> Item:
        """A news post."""
        rng = self.rng
        title, v, theme = self._unique(lambda v: C.fill(rng.choice(C.NEWS_TITLES), **v))
        paras = C.paragraphs(rng, rng.randint(3, 5), theme, **v)
        published = self.today - timedelta(days=rng.randint(0, 540))
        return Item("news", title, base.slugify(title), published, self._themes(theme), paras,
                    paras[0], city=v["city"], qpv=v["qpv"], category="actualites")

    def event(self, future: bool | None = None) -> Item:
        """An event (past or future)."""
        rng = self.rng
        label, etype = rng.choice(C.EVENT_TYPES)
        # A webinar has no city in its title: it happens online.
        templates = C.EVENT_TITLES[:2] if etype == "webinaire" else C.EVENT_TITLES
        title, v, theme = self._unique(lambda v: C.fill(rng.choice(templates), Type=label, **v))
        if future:
            offset = rng.randint(2, 170)
        elif future is False:
            offset = rng.randint(-175, -4)
        else:
            offset = rng.randint(-175, 170)
        sessions, style = self._sessions(self.today + timedelta(days=offset), etype)
        start = sessions[0].start
        published = min(start - timedelta(days=rng.randint(14, 60)),
                        self.today - timedelta(days=rng.randint(0, 12)))
        item = Item("event", title, base.slugify(title), published, self._themes(theme),
                    C.paragraphs(rng, rng.randint(2, 4), theme,
                                 [C.ONLINE_CLOSING] if etype == "webinaire" else C.EVENT_CLOSINGS, **v),
                    "", city=v["city"], qpv=v["qpv"],
                    category="agenda", sessions=sessions, date_style=style, event_type=etype)
        item.summary = item.paragraphs[0]
        deadline = start - timedelta(days=rng.choice([3, 5, 7, 10]))
        if deadline > published and rng.random() < 0.35:
            item.deadline = deadline
        if etype == "webinaire":
            item.place = {"location_name": "En ligne", "city": None, "postcode": None}
        else:
            # "ORIV, 1 rue de la Course": the venue's name, then its street address.
            name, _, item.address = v["venue"].partition(", ")
            item.place = {"location_name": name, "city": v["city"], "postcode": v["postcode"]}
        return item

    def _sessions(self, start: date, etype: str) -> tuple[list[Session], str]:
        """Sessions on working days, in the shapes centres announce."""
        rng = self.rng
        roll = rng.random()
        if etype in ("webinaire", "atelier", "soiree", "formation") or roll < 0.55:
            start = _working_day(start, last=4)
            t1, t2 = rng.choice(TIME_SLOTS)
            if etype == "soiree":
                t1, t2 = time(18, 30), time(20, 30)
            style = rng.choice(["dash", "le_de", "de_a", "comma", "start_only", "spaced",
                                "numeric", "a_start", "dash", "de_a"])
            no_end = style in ("start_only", "a_start")
            return [Session(start, start, t1, None if no_end else t2)], style
        if roll < 0.7:
            start = _working_day(start, last=4)
            return [Session(start, start)], "allday"
        if roll < 0.88:
            start = _working_day(start, last=2)
            days = rng.randint(1, 2)
            style = "et" if days == 1 and rng.random() < 0.5 else "range"
            return [Session(start, start + timedelta(days=days))], style
        # Two-day sessions a few weeks apart ("les 28-29 janvier et 22-23 février").
        first = _working_day(start, last=3, same_month_pair=True)
        second = _working_day(first + timedelta(days=rng.randint(21, 35)), last=3, same_month_pair=True)
        if second.year != first.year:
            return [Session(first, first + timedelta(days=1))], "range"
        return [Session(first, first + timedelta(days=1)),
                Session(second, second + timedelta(days=1))], "sessions"

    def document(self, direct: bool = False) -> Item:
        """A publication with its PDF."""
        rng = self.rng
        title, v, theme = self._unique(lambda v: C.fill(rng.choice(C.DOC_TITLES), **v))
        published = self.today - timedelta(days=rng.randint(0, 540))
        paras = C.paragraphs(rng, rng.randint(2, 3), theme, **v)
        pages = [C.paragraphs(rng, 3, theme, **v) for _ in range(rng.randint(2, 6))]
        doc = Document(title=title, pages=pages)
        return Item("document", title, base.slugify(title), published, self._themes(theme),
                    paras, paras[0], city=v["city"], qpv=v["qpv"], category="publications",
                    document=doc, direct_pdf=direct)


def _working_day(d: date, last: int = 4, same_month_pair: bool = False) -> date:
    """The first day from `d` whose weekday is at most `last` (0 = Monday); with
    `same_month_pair`, the next day must also fall in the same month."""
    while d.weekday() > last or (same_month_pair and (d + timedelta(days=1)).month != d.month):
        d += timedelta(days=1)
    return d


def plan_centre(centre: dict, today: date, cms: str) -> SiteContext:
    """The items of one centre, before paths are assigned."""
    rng = random.Random(f"{SEED}:{centre['id']}")
    planner = Planner(centre, today, rng, cms)
    total = rng.randint(45, 72)
    n_events = total // 4
    n_docs = total // 5
    items: list[Item] = []
    items += [planner.news() for _ in range(total - n_events - n_docs)]
    items += [planner.event(future=True) for _ in range(3)]
    items += [planner.event(future=False) for _ in range(2)]
    items += [planner.event() for _ in range(n_events - 5)]
    n_direct = 4 if cms in ("spip", "custom_php") else 0
    items += [planner.document(direct=i < n_direct) for i in range(n_docs)]
    _year_less(items, today, rng, cms)
    _nasties(items, centre, cms, today)
    return SiteContext(centre, items, today, rng, cms)


def _year_less(items: list[Item], today: date, rng: random.Random, cms: str) -> None:
    """Drop the year from some event dates where the year-inference rule recovers it."""
    for item in items:
        if item.kind != "event" or item.date_style == "range" or rng.random() > 0.35:
            continue
        if all(base.yearless_resolves(item.published, s.start)
               and base.yearless_resolves(item.published, s.end) for s in item.sessions):
            item.yearless = True


def _nasties(items: list[Item], centre: dict, cms: str, today: date) -> None:
    """Real-world oddities: an inline script in a body, a title with & and ’,
    windows-1252 quotes on a SPIP page, numbered series of bare PDFs."""
    rng = random.Random(f"{SEED}:{centre['id']}:nasties")
    news = [i for i in items if i.kind == "news"]
    news[1].nasty = "script"
    template, theme = rng.choice(C.AMP_TITLES)
    city, _, qpvs, _ = rng.choice(C.PLACES.get(centre["id"], C.PLACES["reseau_crpv"]))
    amp = display_title(template.format(city=city, qpv=qpvs[0], year=today.year), cms)
    overseas = ["outre_mer"] if is_overseas(centre) else []

    def rewrite(item: Item, title: str, theme: str) -> None:
        item.title, item.slug, item.themes = title, base.slugify(title), [theme] + overseas
        values = {"subj": C.THEMES[theme][0], "city": city, "qpv": qpvs[0],
                  "centre": centre.get("short_name") or centre["name"], "year": str(today.year)}
        item.paragraphs = C.paragraphs(rng, 4, theme, **values)
        item.summary = item.paragraphs[0]

    rewrite(news[2], amp, theme)
    if cms == "spip":
        news[3].nasty = "smart_quotes"
        rewrite(news[3], "L’accès aux droits : “aller-vers” les habitants des quartiers",
                "acces_aux_droits")
        news[3].paragraphs.insert(1, "« On ne peut plus attendre que les gens viennent à nous », "
                                     "résume une travailleuse sociale : l’“aller-vers” s’impose.")
    series = C.SERIES.get(cms)
    direct = [i for i in items if i.direct_pdf]
    number = 120 + rng.randint(0, 40)
    for k, item in enumerate(direct):
        # A newsletter comes out every six weeks or so, the newest a few weeks ago.
        item.published = today - timedelta(days=12 + 45 * (len(direct) - 1 - k) + rng.randint(0, 6))
        number += 1
        item.title = series.format(short=centre.get("short_name") or centre["name"], n=number,
                                   month=base.MONTHS[item.published.month - 1],
                                   year=item.published.year)
        item.slug = base.slugify(item.title)
        item.document.title = item.title


def add_recurring(ctx: SiteContext) -> None:
    """The weekly permanence exported with an RRULE in the centre's iCalendar."""
    today = ctx.today
    first = today - timedelta(days=60)
    first += timedelta(days=(1 - first.weekday()) % 7)  # a Tuesday
    until = first + timedelta(weeks=(today + timedelta(days=120) - first).days // 7)  # a Tuesday
    lo, hi = today - timedelta(days=30), today + timedelta(days=180)
    occurrences = base.window_occurrences(first, until, lo, hi)
    title = "Permanence d’accueil des porteurs de projets"
    item = Item("event", title, base.slugify(title), first - timedelta(days=10),
                ["pilotage_contrat_de_ville"],
                ["Chaque mardi après-midi, l’équipe accueille sans rendez-vous les porteurs de "
                 "projets associatifs du contrat de ville : appel à projets, bilans, "
                 "demandes de subvention.", "Accueil dans nos locaux, entrée libre."],
                "Chaque mardi, accueil sans rendez-vous des porteurs de projets.",
                category="agenda", event_type="permanence",
                sessions=[Session(d, d, time(14, 0), time(17, 0)) for d in occurrences],
                recurring={"first": first, "until": until, "weekday": 1})
    item.address = "1 rue de la Course"
    item.place = {"location_name": "ORIV", "city": "Strasbourg",
                  "postcode": "67000"}
    ctx.items.append(item)


def add_relays(contexts: dict[str, SiteContext]) -> None:
    """Relay some news of one centre on 1–2 others (same text, their own chrome)."""
    rng = random.Random(f"{SEED}:relays")
    ids = list(contexts)
    sources = [c for c in ("reseau_crpv", "irev", "resovilles", "oriv", "cite_ressources",
                           "pqn_a", "villes_au_carre", "cr_csur") if c in contexts]
    for src_id in sources:
        src = contexts[src_id]
        candidates = [i for i in src.items if i.kind == "news" and not i.nasty
                      and not i.relay_of and i.published < src.today - timedelta(days=5)]
        if not candidates:
            continue
        original = rng.choice(candidates)
        others = [i for i in ids if i != src_id]
        targets = rng.sample(others, min(rng.randint(1, 2), len(others)))
        for target_id in targets:
            target = contexts[target_id]
            title = display_title(original.title.replace("’", "'"), target.cms)
            if any(i.title == title or i.slug == original.slug for i in target.items):
                continue
            copy = Item("news", title, original.slug,
                        min(original.published + timedelta(days=rng.randint(0, 3)), target.today),
                        list(original.themes), list(original.paragraphs), original.summary,
                        city=original.city, qpv=original.qpv, category="actualites",
                        relay_of=(src_id, original))
            target.items.append(copy)
    _relay_events(contexts, rng)


def _relay_events(contexts: dict[str, SiteContext], rng: random.Random) -> None:
    """reseau-crpv.fr carries some events of the centres in its own agenda.

    Only mainland centres: an overseas time printed on a Paris-based site would be ambiguous."""
    if "reseau_crpv" not in contexts:
        return
    target = contexts["reseau_crpv"]
    for src_id in ("irev", "profession_banlieue", "trajectoire_ressources", "villes_au_carre"):
        if src_id not in contexts:
            continue
        src = contexts[src_id]
        candidates = [i for i in src.items if i.kind == "event" and not i.relay_of
                      and i.sessions[0].start > src.today + timedelta(days=10)]
        if not candidates:
            continue
        original = rng.choice(candidates)
        title = display_title(original.title.replace("’", "'"), target.cms)
        if any(i.title == title or i.slug == original.slug for i in target.items):
            continue
        short = src.centre.get("short_name") or src.centre["name"]
        published = min(original.published + timedelta(days=rng.randint(1, 5)), target.today)
        copy = Item("event", title, original.slug, published, list(original.themes),
                    [f"Un rendez-vous proposé par {short}."] + list(original.paragraphs),
                    original.summary, city=original.city, qpv=original.qpv, category="agenda",
                    sessions=list(original.sessions), date_style=original.date_style,
                    place=dict(original.place) if original.place else None, address=original.address,
                    event_type=original.event_type, relay_of=(src_id, original))
        target.items.append(copy)


def generate(out_dir: Path, today: date, registry: Path = REGISTRY) -> dict:
    """Write the whole mirror under `out_dir`; returns the ground truth written."""
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        # Only ever replace a previous mirror, never an arbitrary folder given by mistake.
        if not (out_dir / "ground_truth.json").exists():
            raise FileExistsError(f"{out_dir} is not empty and holds no mirror; not overwriting it")
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    contexts: dict[str, SiteContext] = {}
    for centre in load_centres(registry):
        cms = cms_of(centre["id"])
        contexts[centre["id"]] = plan_centre(centre, today, cms)
    if "oriv" in contexts:
        add_recurring(contexts["oriv"])
    for ctx in contexts.values():
        MODULES[ctx.cms].assign(ctx)
    add_relays(contexts)
    for ctx in contexts.values():
        MODULES[ctx.cms].assign(ctx)  # paths for the relayed copies
    truth: dict = {"generated_for": today.isoformat(), "centres": {}}
    pages = 0
    for centre_id, ctx in contexts.items():
        site = MODULES[ctx.cms].render(ctx)
        site.write(out_dir)
        pages += site.page_count()
        truth["centres"][centre_id] = {
            "items": [base.truth_entry(i, ctx) for i in ctx.items]}
    (out_dir / "ground_truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return truth
