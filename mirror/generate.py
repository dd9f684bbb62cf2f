"""Generate the demo mirror: every centre of the registry as a static served site.

`generate(out_dir, today)` plans each centre's items (news, events, publications)
with its own seeded `random.Random`, at local publication times that include evenings and
nights, lets the centre's CMS imitation give them paths and render the pages, adds
cross-centre relays (edited as real relays are, each story's members named by a
`relay_group` in the truth, with same-subject sibling stories left out of the groups), and
writes one directory per centre plus `ground_truth.json`. The same `today` and the same
generator sources (`fingerprint()`) always give byte-identical output.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from mirror import content as C
from mirror.cms import base
from mirror.cms import custom_php, drupal, homemade, pqna, spip, wordpress
from mirror.cms.base import Document, Item, Session, SiteContext

SEED = 20261125
MIRROR_DIR = Path(__file__).resolve().parent
REGISTRY = MIRROR_DIR.parent / "data" / "centres.yaml"

# Which imitation serves each centre (research notes §1–2; unknown ones get a likely CMS).
CMS_OF = {
    "irev": "drupal", "cite_ressources": "drupal", "trajectoire_ressources": "drupal",
    "cr_csur": "drupal",
    "profession_banlieue": "spip", "labo_cites": "spip", "crpve": "spip",
    "ressources_territoires": "custom_php", "pqn_a": "pqna",
    # Nobody could check its address (registry: verified: false): a home-made site.
    "crpv_guyane": "homemade",
}
MODULES = {"wordpress": wordpress, "drupal": drupal, "spip": spip,
           "custom_php": custom_php, "pqna": pqna, "homemade": homemade}
# Sites whose titles get typographic apostrophes, as their CMS prints them.
TEXTURIZED = {"wordpress", "spip", "pqna"}

TIME_SLOTS = [(time(9, 0), time(12, 0)), (time(9, 30), time(12, 30)), (time(9, 30), time(16, 0)),
              (time(10, 0), time(12, 0)), (time(13, 0), time(14, 0)), (time(14, 0), time(16, 0)),
              (time(14, 0), time(17, 0)), (time(12, 0), time(13, 30)), (time(18, 0), time(20, 0)),
              (time(14, 0), time(16, 30))]


def fingerprint(registry: Path = REGISTRY) -> str:
    """A hash of the generator's sources (mirror/**/*.py) and of the registry: a mirror
    written by another version of the generator is stale even for the same day."""
    digest = hashlib.sha256()
    for path in sorted(MIRROR_DIR.rglob("*.py"), key=lambda p: p.relative_to(MIRROR_DIR).as_posix()):
        digest.update(path.relative_to(MIRROR_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(b"registry\0" + Path(registry).read_bytes())
    return digest.hexdigest()[:20]


def publication_time(rng: random.Random, overseas: bool) -> time:
    """A local publication time as editors really post: mostly office hours, also evenings
    and after midnight, more often overseas (where the evening is already the next day
    in Paris and in UTC west of Greenwich, and midnight the previous day east of it)."""
    roll = rng.random()
    evening, night = (0.30, 0.45) if overseas else (0.14, 0.19)
    if roll < evening:
        hour, minute = rng.randint(19, 23), rng.randint(0, 59)
    elif roll < night:
        hour, minute = rng.randint(0, 1), rng.randint(0, 59)
    else:
        hour, minute = rng.randint(7, 18), rng.randint(0, 59)
    if rng.random() < 0.4:  # a scheduled post: a round time
        minute -= minute % 15
    return time(hour, minute)


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

    def __init__(self, centre: dict, today: date, rng: random.Random, cms: str,
                 taken: set[str] | None = None):
        self.centre, self.today, self.rng, self.cms = centre, today, rng, cms
        # Titles already used by the centres planned before: two different stories of two
        # centres never carry the very same title (only relays do).
        self.taken = taken if taken is not None else set()
        # A centre added to the registry later still gets a site (with national places).
        self.places = C.PLACES.get(centre["id"], C.PLACES["reseau_crpv"])
        self.titles: set[str] = set()
        self.slugs: set[str] = set()
        self.overseas = is_overseas(centre)

    def _values(self, theme: str, ref: date | None = None) -> dict:
        """Place, subject and figures of one item; `day` (a circular's date) falls before
        `ref`, the item's publication day."""
        rng = self.rng
        city, postcode, qpvs, venues = rng.choice(self.places)
        subject = rng.choice(C.THEMES[theme])
        if self.overseas and rng.random() < 0.2:
            subject = rng.choice(sorted(C.OUTRE_MER_SUBJECTS))
        return {"subj": subject, "city": city, "qpv": rng.choice(qpvs),
                "postcode": postcode, "venue": rng.choice(venues),
                "centre": self.centre.get("short_name") or self.centre["name"],
                "year": str((ref or self.today).year), "n": str(rng.randint(4, 40)),
                "day": base.fr_date((ref or self.today) - timedelta(days=rng.randint(5, 90)))}

    def _themes(self, theme: str) -> list[str]:
        return [theme, "outre_mer"] if self.overseas else [theme]

    def _also(self) -> str | None:
        """Half the overseas items say something of their territory's own situation."""
        return "outre_mer" if self.overseas and self.rng.random() < 0.5 else None

    def _time(self) -> time:
        return publication_time(self.rng, self.overseas)

    def _unique(self, make, ref: date | None = None) -> tuple[str, dict, str]:
        for _ in range(40):
            theme = C.weighted_theme(self.rng)
            values = self._values(theme, ref)
            theme = C.OUTRE_MER_SUBJECTS.get(values["subj"], theme)
            title = display_title(make(values), self.cms)
            slug = base.slugify(title)
            plain = title.replace("’", "'")
            if title not in self.titles and slug not in self.slugs and plain not in self.taken:
                self.titles.add(title)
                self.slugs.add(slug)
                self.taken.add(plain)
                return title, values, theme
        raise RuntimeError("content banks too small for unique titles")

    def news(self) -> Item:
        """A news post."""
        rng = self.rng
        published = self.today - timedelta(days=rng.randint(0, 540))
        title, v, theme = self._unique(lambda v: C.fill(rng.choice(C.NEWS_TITLES), **v), published)
        paras = C.paragraphs(rng, rng.randint(3, 5), theme, also=self._also(), **v)
        return Item("news", title, base.slugify(title), published, self._themes(theme), paras,
                    paras[0], city=v["city"], qpv=v["qpv"], category="actualites",
                    published_time=self._time(), subject=v["subj"])

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
                                 [C.ONLINE_CLOSING] if etype == "webinaire" else C.EVENT_CLOSINGS,
                                 also=self._also(), **v),
                    "", city=v["city"], qpv=v["qpv"],
                    category="agenda", sessions=sessions, date_style=style, event_type=etype,
                    published_time=self._time(), subject=v["subj"])
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
        chosen = []

        def make(v):  # the template drawn is remembered (the draws stay the same)
            chosen.append(rng.choice(C.DOC_TITLES))
            return C.fill(chosen[-1], **v)

        title, v, theme = self._unique(make)
        published = self.today - timedelta(days=rng.randint(0, 540))
        paras = C.paragraphs(rng, rng.randint(2, 3), theme, also=self._also(), **v)
        pages = [C.paragraphs(rng, 3, theme, **v) for _ in range(rng.randint(2, 6))]
        doc = Document(title=title, pages=pages)
        return Item("document", title, base.slugify(title), published, self._themes(theme),
                    paras, paras[0], city=v["city"], qpv=v["qpv"], category="publications",
                    document=doc, direct_pdf=direct, published_time=self._time(), subject=v["subj"],
                    action=chosen[-1] in C.ACTION_TITLES)


def _working_day(d: date, last: int = 4, same_month_pair: bool = False) -> date:
    """The first day from `d` whose weekday is at most `last` (0 = Monday); with
    `same_month_pair`, the next day must also fall in the same month."""
    while d.weekday() > last or (same_month_pair and (d + timedelta(days=1)).month != d.month):
        d += timedelta(days=1)
    return d


def plan_centre(centre: dict, today: date, cms: str, taken: set[str] | None = None) -> SiteContext:
    """The items of one centre, before paths are assigned (`taken`: the titles of the
    centres planned before, which this one must not reuse)."""
    rng = random.Random(f"{SEED}:{centre['id']}")
    planner = Planner(centre, today, rng, cms, taken)
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
        item.subject = values["subj"]

    rewrite(news[2], amp, theme)
    news[2].action = template in C.ACTION_TITLES
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
        item.published_time = publication_time(rng, is_overseas(centre))
        number += 1
        item.title = series.format(short=centre.get("short_name") or centre["name"], n=number,
                                   month=base.MONTHS[item.published.month - 1],
                                   year=item.published.year)
        item.slug = base.slugify(item.title)
        item.document.title = item.title
        item.action = False  # a newsletter now, whatever title it was drawn with


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
                recurring={"first": first, "until": until, "weekday": 1}, published_time=time(16, 40))
    item.address = "1 rue de la Course"
    item.place = {"location_name": "ORIV", "city": "Strasbourg",
                  "postcode": "67000"}
    ctx.items.append(item)


# Relays: the centres that get relayed, and how the relaying centres edit what they take.
NEWS_RELAY_SOURCES = ("reseau_crpv", "irev", "resovilles", "oriv", "cite_ressources", "pqn_a",
                      "villes_au_carre", "cr_csur")
DOC_RELAY_SOURCES = ("oriv", "irev", "labo_cites", "pqn_a")
# Only mainland centres: an overseas time printed on a Paris-based site would be ambiguous.
EVENT_RELAY_SOURCES = ("irev", "profession_banlieue", "trajectoire_ressources", "villes_au_carre")
# Edits of a relayed article, drawn per copy: an exact copy stays possible.
NEWS_EDITS = [[], ["intro"], ["short"], ["title"], ["intro", "short"], ["title", "intro"],
              ["title", "short"], ["intro"], ["title"], []]
DOC_EDITS = [[], ["intro"], ["title"], ["title", "intro"]]
RELAY_INTROS = [
    "Nous relayons cet article {de} :",
    "Article initialement publié sur le site {de}, que nous reprenons avec son accord.",
    "{Short} publie ce retour d'expérience, que nous partageons ici.",
    "À lire également sur le site {de} :",
]
DOC_INTROS = [
    "{Short} vient de publier ce document, que nous vous signalons.",
    "Nous relayons cette publication {de}.",
    "Une publication {de}, à télécharger ci-dessous.",
]
EVENT_INTROS = [
    "À noter dans vos agendas : un rendez-vous proposé par {short}.",
    "Le réseau relaie cette initiative {de} ; les inscriptions se font auprès de l'organisateur.",
    "{Short} organise ce temps d'échange, ouvert aux professionnels de tout le réseau.",
]
EVENT_RELAY_CLOSINGS = [
    "Renseignements et inscriptions sur le site {de}.",
    "Le programme complet est disponible auprès {de_aupres}.",
]
# Timed-event date styles that print the end time too, so a relay may reword its date line.
TIMED_STYLES_WITH_END = ("dash", "le_de", "de_a", "comma", "spaced")


def de_centre(short: str) -> str:
    """"de l'IREV", "du RNCRPV", "de PQN-A": the centre's name after "de"."""
    if short[:1] in "AEIOUÉÈÀaeiouéè":
        return f"de l'{short}"
    if short.startswith(("CR-", "RN")):
        return f"du {short}"
    return f"de {short}"


def _relay_words(template: str, short: str) -> str:
    de = de_centre(short)
    aupres = "de l'" + short if de.startswith("de l'") else ("du " + short if de.startswith("du ") else "de " + short)
    return template.format(de=de, short=short, Short=short, de_aupres=aupres)


def _relay_title(title: str, short: str, subject: str, rng: random.Random) -> str:
    """A relay's own title: prefixed, credited, or reworded to the part after the colon
    when that part still names the subject."""
    options = [f"[Relais] {title}", f"{title} (via {short})", f"À lire : {title}"]
    head, sep, rest = title.partition(" : ")
    if sep and subject and subject.replace("’", "'").lower() in rest.replace("’", "'").lower():
        options += [C.cap(rest)] * 2
    return rng.choice(options)


def _relayed_moment(original: Item, src: SiteContext, target: SiteContext,
                    rng: random.Random) -> tuple[date, time]:
    """A relay goes out a few hours to three days after the original, on the target's clock."""
    moment = base.published_dt(original, src.tz) + timedelta(minutes=rng.randint(90, 72 * 60))
    local = moment.astimezone(ZoneInfo(target.tz))
    if local.date() > target.today:
        local = datetime.combine(target.today, time(23, 0), ZoneInfo(target.tz))
    return local.date(), time(local.hour, local.minute)


class RelayGroups:
    """Names the relay groups of the ground truth: relay-01, relay-02…"""

    def __init__(self) -> None:
        self.count = 0

    def name(self, original: Item, copies: list[Item]) -> None:
        if not copies:
            return
        self.count += 1
        group = f"relay-{self.count:02d}"
        for member in [original] + copies:
            member.relay_group = group


def _copy_item(original: Item, src: SiteContext, target: SiteContext, edits: list[str],
               rng: random.Random) -> Item | None:
    """A relayed copy of a news item or publication on `target`, edited as `edits` say."""
    short = src.short
    title = original.title.replace("’", "'")
    paras = list(original.paragraphs)
    if "title" in edits:
        title = _relay_title(title, short, original.subject, rng)
    if "short" in edits:
        paras = paras[:2 if len(paras) > 3 else 1] + [_relay_words("Lire la suite sur le site {de}.", short)]
    if "intro" in edits:
        bank = DOC_INTROS if original.kind == "document" else RELAY_INTROS
        paras = [_relay_words(rng.choice(bank), short)] + paras
    title = display_title(title, target.cms)
    slug = base.slugify(title)
    if any(i.title == title or i.slug in (slug, original.slug) for i in target.items):
        return None
    day, clock = _relayed_moment(original, src, target, rng)
    document = None
    if original.document:
        # The relaying centre uploads the same file again: same bytes, its own address.
        data = base.make_document_pdf(original, src)
        document = Document(title=original.document.title, pages=original.document.pages, data=data)
    return Item(original.kind, title, slug, day, list(original.themes), paras, paras[0],
                city=original.city, qpv=original.qpv, category=original.category,
                relay_of=(src.id, original), published_time=clock, subject=original.subject,
                document=document, relay_edits=list(edits), action=original.action)


def _same_subject(original: Item, src: SiteContext, rng: random.Random, taken: set[str]) -> Item | None:
    """Another story of the same centre on the same subject in the same city: it shares
    the subject's words with a relay group but must never join it."""
    shift = rng.choice([-1, 1]) * rng.randint(20, 120)
    published = min(original.published + timedelta(days=shift), src.today)
    places = [p for p in C.PLACES.get(src.id, C.PLACES["reseau_crpv"]) if p[0] == original.city]
    city, postcode, qpvs, venues = places[0] if places else (original.city, "", [original.qpv], [""])
    values = {"subj": original.subject, "city": city, "qpv": rng.choice(qpvs), "postcode": postcode,
              "venue": venues[0], "centre": src.short, "year": str(published.year),
              "n": str(rng.randint(4, 40)),
              "day": base.fr_date(published - timedelta(days=rng.randint(5, 90)))}
    theme = original.themes[0]
    titles = {i.title for i in src.items}
    slugs = {i.slug for i in src.items}
    for template in rng.sample(C.NEWS_TITLES, len(C.NEWS_TITLES)):
        title = display_title(C.fill(template, **values), src.cms)
        if title not in titles and base.slugify(title) not in slugs and title.replace("’", "'") not in taken:
            taken.add(title.replace("’", "'"))
            break
    else:
        return None
    overseas = is_overseas(src.centre)
    paras = C.paragraphs(rng, rng.randint(3, 5), theme, also="outre_mer" if overseas else None, **values)

    return Item("news", title, base.slugify(title), published, list(original.themes), paras, paras[0],
                city=city, qpv=values["qpv"], category="actualites",
                published_time=publication_time(rng, overseas), subject=original.subject)


def add_relays(contexts: dict[str, SiteContext]) -> None:
    """Relay some news and publications of one centre on 1–2 others, and some events on
    reseau-crpv.fr, edited as real relays are; every relay group is named in the truth.
    Each relayed news item also gets a sibling story on the same subject at its source."""
    rng = random.Random(f"{SEED}:relays")
    groups = RelayGroups()
    ids = list(contexts)
    for kind, sources, edit_plans in (("news", NEWS_RELAY_SOURCES, NEWS_EDITS),
                                      ("document", DOC_RELAY_SOURCES, DOC_EDITS)):
        for src_id in [c for c in sources if c in contexts]:
            src = contexts[src_id]
            candidates = [i for i in src.items if i.kind == kind and not i.nasty and not i.direct_pdf
                          and not i.relay_of and not i.relay_group
                          and i.published < src.today - timedelta(days=5)]
            if not candidates:
                continue
            original = rng.choice(candidates)
            others = [i for i in ids if i != src_id]
            targets = rng.sample(others, min(rng.randint(1, 2), len(others)))
            copies = []
            for target_id in targets:
                target = contexts[target_id]
                copy = _copy_item(original, src, target, rng.choice(edit_plans), rng)
                if copy:
                    target.items.append(copy)
                    copies.append(copy)
            groups.name(original, copies)
            if kind == "news" and copies and original.subject:
                taken = {i.title.replace("’", "'") for ctx in contexts.values() for i in ctx.items}
                sibling = _same_subject(original, src, rng, taken)
                if sibling:
                    src.items.append(sibling)
    _relay_events(contexts, rng, groups)


def _relay_events(contexts: dict[str, SiteContext], rng: random.Random, groups: RelayGroups) -> None:
    """reseau-crpv.fr carries some events of the centres in its own agenda: same title and
    same sessions, its own words around them and its own way of writing the date."""
    if "reseau_crpv" not in contexts:
        return
    target = contexts["reseau_crpv"]
    for src_id in EVENT_RELAY_SOURCES:
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
        style = original.date_style
        if style in TIMED_STYLES_WITH_END:
            style = rng.choice([s for s in TIMED_STYLES_WITH_END if s != style])
        elif style in ("start_only", "a_start"):
            style = "a_start" if style == "start_only" else "start_only"
        paras = ([_relay_words(rng.choice(EVENT_INTROS), src.short)] + original.paragraphs[1:3]
                 + [_relay_words(rng.choice(EVENT_RELAY_CLOSINGS), src.short)])
        day, clock = _relayed_moment(original, src, target, rng)
        copy = Item("event", title, original.slug, day, list(original.themes), paras, paras[0],
                    city=original.city, qpv=original.qpv, category="agenda",
                    sessions=list(original.sessions), date_style=style,
                    place=dict(original.place) if original.place else None, address=original.address,
                    event_type=original.event_type, relay_of=(src_id, original),
                    published_time=clock, subject=original.subject,
                    relay_edits=["wording"] + (["date_line"] if style != original.date_style else []))
        target.items.append(copy)
        groups.name(original, [copy])


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
    taken: set[str] = set()
    for centre in load_centres(registry):
        cms = cms_of(centre["id"])
        contexts[centre["id"]] = plan_centre(centre, today, cms, taken)
    if "oriv" in contexts:
        add_recurring(contexts["oriv"])
    for ctx in contexts.values():
        MODULES[ctx.cms].assign(ctx)
    add_relays(contexts)
    for ctx in contexts.values():
        MODULES[ctx.cms].assign(ctx)  # paths for the relayed copies
    truth: dict = {"generated_for": today.isoformat(), "generator": fingerprint(registry),
                   "centres": {}}
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
