"""What the test WordPress publishes: a centre de ressources in Martinique with French
posts in categories (Actualités, Agenda, Publications), tags, attached PDFs, and the posts
a visitor must never see as items (draft, private, scheduled, password-protected).

Dates are site-local (America/Martinique, UTC-4 all year) and counted back from the real
day the tests run, so every post is in the past (WordPress would otherwise schedule it)
and the site looks alive. Three times are chosen for the zone: 21:30 and 22:15 (the next
day in UTC and in Paris), 19:30 (the next day in Paris only) and 00:45 (the previous day if
a local time were read as UTC)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from mirror.pdf import make_pdf

TIMEZONE = "America/Martinique"
ZONE = ZoneInfo(TIMEZONE)
SITE_TITLE = "Ressources Ville Martinique"
SITE_DESCRIPTION = "Centre de ressources politique de la ville de la Martinique"
PERMALINKS = "/%year%/%monthnum%/%postname%/"
POSTS_PER_PAGE = 5
USER = "redaction"
DISPLAY_NAME = "Équipe du centre de ressources"

CATEGORIES = [("Actualités", "actualites"), ("Agenda", "agenda"), ("Publications", "publications")]

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]
DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def french_day(day: date) -> str:
    number = "1er" if day.day == 1 else str(day.day)
    return f"{DAYS[day.weekday()]} {number} {MONTHS[day.month - 1]} {day.year}"


@dataclass
class Pdf:
    key: str
    name: str  # file name in the uploads folder
    title: str
    pages: int
    attachment_page: bool = False  # the File block's text links the attachment page


@dataclass
class Post:
    key: str
    title: str
    slug: str
    days_ago: int  # counted back from the local day of the run (negative: the future)
    at: time  # local time of publication
    category: str
    tags: list[str]
    paragraphs: list[str]
    status: str = "publish"
    password: str = ""
    pdfs: list[Pdf] = field(default_factory=list)
    local: datetime | None = None  # set by `dated`

    @property
    def public(self) -> bool:
        return self.status == "publish" and not self.password

    @property
    def path(self) -> str:
        return f"/{self.local:%Y}/{self.local:%m}/{self.slug}/"

    def pdf_path(self, pdf: Pdf) -> str:
        return f"/wp-content/uploads/{self.local:%Y}/{self.local:%m}/{pdf.name}"


def _posts() -> list[Post]:
    return [
        Post("rentree", "Rentrée : le centre de ressources ouvre ses portes aux nouveaux acteurs",
             "rentree-le-centre-ouvre-ses-portes", 93, time(9, 15), "actualites", ["Fort-de-France"],
             ["Chefs de projet, adultes-relais, délégués du préfet nouvellement arrivés : le centre de "
              "ressources vous accueille le mardi matin pour présenter ses services, son fonds "
              "documentaire et son réseau d’acteurs de la politique de la ville en Martinique.",
              "Une permanence téléphonique est également ouverte pour toute question sur le contrat "
              "de ville et les quartiers prioritaires."]),
        Post("diagnostic", "Diagnostic territorial du quartier Volga-Plage",
             "diagnostic-territorial-volga-plage", 86, time(14, 0), "publications",
             ["quartiers prioritaires", "contrat de ville"],
             ["Ce diagnostic partagé dresse le portrait du quartier Volga-Plage à Fort-de-France : "
              "démographie, logement, emploi des jeunes, équipements publics et vie associative.",
              "Il a été réalisé avec les habitants, le conseil citoyen et les services de la ville."],
             pdfs=[Pdf("diagnostic", "diagnostic-volga-plage.pdf",
                       "Diagnostic territorial du quartier Volga-Plage", 4)]),
        Post("atelier_gup", "Atelier « Gestion urbaine de proximité » à Fort-de-France",
             "atelier-gestion-urbaine-de-proximite", 79, time(10, 30), "agenda", ["Fort-de-France"],
             ["Le centre de ressources organise un atelier d’échanges sur la gestion urbaine de "
              "proximité (GUP) le {event} de 9 h à 12 h à la Maison des associations de Fort-de-France.",
              "Inscription gratuite et obligatoire auprès du centre de ressources."]),
        Post("appel_projets", "Appel à projets 2027 du contrat de ville de la CACEM",
             "appel-a-projets-2027-contrat-de-ville-cacem", 72, time(8, 0), "actualites",
             ["contrat de ville"],
             ["L’appel à projets 2027 du contrat de ville de la Communauté d’agglomération du Centre "
              "de la Martinique est ouvert. Les associations des quartiers prioritaires de "
              "Fort-de-France, du Lamentin, de Schœlcher et de Saint-Joseph peuvent déposer leur dossier.",
              "Trois priorités : l’emploi et l’insertion, la réussite éducative, le cadre de vie."]),
        Post("conseils_bilan", "Conseils citoyens : bilan de la première année au Lamentin",
             "conseils-citoyens-bilan-lamentin", 65, time(19, 30), "actualites",
             ["participation citoyenne"],
             ["Un an après leur installation, les conseils citoyens du Lamentin ont présenté leur "
              "bilan : diagnostics en marchant, propositions pour les espaces publics, participation "
              "aux comités de pilotage du contrat de ville."]),
        Post("cahier_12", "Cahier de la cohésion sociale n° 12 : jeunesse et emploi",
             "cahier-cohesion-sociale-12-jeunesse-emploi", 58, time(11, 0), "publications",
             ["jeunesse", "emploi"],
             ["Le douzième cahier de la cohésion sociale rassemble les expériences menées dans les "
              "quartiers prioritaires de la Martinique pour l’accès des jeunes à l’emploi : "
              "chantiers d’insertion, parrainage, clauses sociales des marchés publics."],
             pdfs=[Pdf("cahier", "cahier-cohesion-sociale-12.pdf",
                       "Cahier de la cohésion sociale n° 12 : jeunesse et emploi", 12)]),
        Post("nuit_quartiers", "Nuit des quartiers : retour sur une soirée festive à Trénelle",
             "nuit-des-quartiers-trenelle", 51, time(21, 30), "actualites", ["culture"],
             ["Bèlè, slam et cuisine partagée : plus de trois cents habitants se sont retrouvés ce "
              "soir à Trénelle-Citron pour la Nuit des quartiers, préparée pendant trois mois avec "
              "les associations du quartier."]),
        Post("formation_delegues", "Formation des délégués du préfet et des chefs de projet",
             "formation-delegues-prefet-chefs-de-projet", 46, time(15, 45), "agenda", ["formation"],
             ["Une journée de formation sur la géographie prioritaire et les outils de "
              "l’observation aura lieu le {event} de 8 h 30 à 16 h 30 à la préfecture de Fort-de-France."]),
        Post("rapport_activite", "Rapport d’activité 2025 du centre de ressources",
             "rapport-activite-2025", 44, time(9, 0), "publications", [],
             ["Le rapport d’activité 2025 retrace une année de qualification des acteurs, "
              "d’animation de réseaux et de capitalisation des expériences.",
              "Une synthèse de deux pages en présente l’essentiel."],
             pdfs=[Pdf("rapport", "rapport-activite-2025.pdf", "Rapport d’activité 2025", 8),
                   Pdf("synthese", "synthese-rapport-activite-2025.pdf",
                       "Synthèse du rapport d’activité 2025", 2, attachment_page=True)]),
        Post("cite_educative", "Cité éducative de Sainte-Marie : la labellisation confirmée",
             "cite-educative-sainte-marie", 39, time(13, 20), "actualites", ["éducation"],
             ["La cité éducative de Sainte-Marie est confirmée pour trois ans. Elle réunit les "
              "écoles, le collège, les services de la ville et les associations autour des enfants "
              "et des jeunes de 0 à 25 ans."]),
        Post("elections_conseils", "Élections des conseils citoyens : les résultats",
             "elections-conseils-citoyens-resultats", 31, time(0, 45), "actualites",
             ["participation citoyenne"],
             ["Les résultats des tirages au sort et des élections des conseils citoyens sont "
              "publiés : cent douze habitants et vingt-quatre représentants d’associations siègent "
              "désormais dans les neuf conseils citoyens de l’agglomération."]),
        Post("rencontre_regionale", "Rencontre régionale de la politique de la ville",
             "rencontre-regionale-politique-de-la-ville", 29, time(10, 0), "agenda",
             ["contrat de ville"],
             ["La rencontre régionale annuelle des acteurs de la politique de la ville se tiendra le "
              "{event} de 9 h à 17 h au palais des congrès de Madiana, à Schœlcher."]),
        Post("guide_feder", "Guide pratique : monter un projet avec les fonds européens",
             "guide-pratique-fonds-europeens", 24, time(16, 30), "publications", ["financements"],
             ["Ce guide accompagne les porteurs de projets des quartiers prioritaires dans leur "
              "demande de fonds européens (FEDER, FSE+) : éligibilité, calendrier, justificatifs."],
             pdfs=[Pdf("guide", "guide-fonds-europeens.pdf",
                       "Guide pratique : monter un projet avec les fonds européens", 3)]),
        Post("tremplin_emploi", "Tremplin emploi : quarante jeunes accompagnés au Robert",
             "tremplin-emploi-robert", 21, time(8, 45), "actualites", ["emploi", "jeunesse"],
             ["Le dispositif Tremplin emploi a accompagné quarante jeunes du quartier Pointe-Lynch "
              "vers une formation qualifiante ou un premier contrat de travail."]),
        Post("webinaire_evaluation", "Webinaire : évaluer son contrat de ville",
             "webinaire-evaluer-son-contrat-de-ville", 16, time(12, 0), "agenda", ["évaluation"],
             ["Un webinaire sur l’évaluation des contrats de ville est proposé le {event} de 14 h à "
              "15 h 30, en ligne. Le lien de connexion sera envoyé aux inscrits."]),
        Post("dillon", "Renouvellement urbain à Dillon : la concertation s’ouvre",
             "renouvellement-urbain-dillon-concertation", 14, time(17, 10), "actualites",
             ["renouvellement urbain"],
             ["La concertation sur le projet de renouvellement urbain de Dillon s’ouvre avec une "
              "exposition en pied d’immeuble et trois ateliers avec les habitants."]),
        Post("note_precarite", "Note d’analyse : la précarité énergétique dans les quartiers prioritaires",
             "note-precarite-energetique", 10, time(22, 15), "publications",
             ["quartiers prioritaires"],
             ["Cette note d’analyse rassemble les données disponibles sur la précarité énergétique "
              "des ménages des quartiers prioritaires de la Martinique."],
             pdfs=[Pdf("note", "note-precarite-energetique.pdf",
                       "La précarité énergétique dans les quartiers prioritaires", 1)]),
        Post("recrutement", "Le centre de ressources recrute un chargé de mission",
             "recrutement-charge-de-mission", 3, time(9, 30), "actualites", [],
             ["Le centre de ressources recrute un chargé de mission « participation des habitants » "
              "en contrat à durée indéterminée. Candidatures jusqu’à la fin du mois."]),
        # Never items: nobody outside the office can read them.
        Post("brouillon", "Programme 2027 du centre de ressources (à valider)",
             "programme-2027-a-valider", 9, time(11, 0), "actualites", [],
             ["Brouillon du programme 2027, à valider par le conseil d’administration."],
             status="draft"),
        Post("prive", "Compte rendu interne du comité de pilotage",
             "compte-rendu-interne-comite-de-pilotage", 22, time(15, 0), "actualites", [],
             ["Compte rendu réservé à l’équipe."], status="private",
             pdfs=[Pdf("cr_interne", "compte-rendu-interne.pdf", "Compte rendu interne", 5)]),
        Post("programme", "Bilan annuel 2026 des quartiers prioritaires",
             "bilan-annuel-2026-quartiers-prioritaires", -40, time(9, 0), "publications", [],
             ["Le bilan annuel sera publié à cette date."], status="future"),
        Post("partenaires", "Dossier réservé aux partenaires : appel à manifestation d’intérêt",
             "dossier-partenaires-appel-a-manifestation", 15, time(10, 0), "actualites", [],
             ["Ce dossier est réservé aux partenaires du contrat de ville."], password="partenaires2026"),
    ]


# The light run's changes: one new post, one public post retitled.
NEW_POST = Post("nouveau", "Fonds de participation des habitants : la commission se réunit",
                "fonds-participation-des-habitants-commission", 1, time(18, 0), "actualites",
                ["participation citoyenne"],
                ["La commission du fonds de participation des habitants examinera les nouveaux "
                 "projets d’initiative locale ; huit associations ont déposé un dossier."])
RETITLED = "dillon"
NEW_TITLE = "Renouvellement urbain à Dillon : la concertation est prolongée"


def local_today() -> date:
    return datetime.now(ZONE).date()


def dated(posts: list[Post], today: date) -> list[Post]:
    for post in posts:
        post.local = datetime.combine(today - timedelta(days=post.days_ago), post.at, tzinfo=ZONE)
    return posts


def site_posts(today: date) -> list[Post]:
    return dated(_posts(), today)


def _blocks(post: Post) -> list[str]:
    event_day = french_day((post.local + timedelta(days=15)).date())
    blocks = [f"<!-- wp:paragraph -->\n<p>{text.format(event=event_day)}</p>\n<!-- /wp:paragraph -->"
              for text in post.paragraphs]
    for pdf in post.pdfs:
        blocks.append(
            f"<!-- wp:paragraph -->\n<p>Télécharger <a href=\"{{{{file:{pdf.key}}}}}\">{pdf.title} "
            f"(PDF, {pdf.pages} p.)</a></p>\n<!-- /wp:paragraph -->")
        text_link = f"{{{{attachment:{pdf.key}}}}}" if pdf.attachment_page else f"{{{{file:{pdf.key}}}}}"
        blocks.append(
            f"<!-- wp:file {{\"href\":\"{{{{file:{pdf.key}}}}}\"}} -->\n"
            f"<div class=\"wp-block-file\"><a id=\"wp-block-file--media-{pdf.key}\" href=\"{text_link}\">"
            f"{pdf.title}</a><a href=\"{{{{file:{pdf.key}}}}}\" class=\"wp-block-file__button "
            f"wp-element-button\" download aria-describedby=\"wp-block-file--media-{pdf.key}\">"
            f"Télécharger</a></div>\n<!-- /wp:file -->")
    return blocks


def post_spec(post: Post, pdf_dir: Path) -> dict:
    """What site.php's `apply` needs to create `post` (its PDFs written into `pdf_dir`)."""
    files = []
    for pdf in post.pdfs:
        path = pdf_dir / pdf.name
        path.write_bytes(pdf_bytes(pdf, post))
        files.append({"key": pdf.key, "path": str(path), "name": pdf.name, "title": pdf.title})
    return {"key": post.key, "title": post.title, "slug": post.slug, "status": post.status,
            "date": f"{post.local:%Y-%m-%d %H:%M:%S}", "categories": [post.category],
            "tags": post.tags, "password": post.password, "blocks": _blocks(post), "files": files}


def pdf_bytes(pdf: Pdf, post: Post) -> bytes:
    """A real PDF of exactly `pdf.pages` pages, with French text on each."""
    pages = [[f"{pdf.title} — page {n} sur {pdf.pages}.",
              "Centre de ressources politique de la ville de la Martinique : données, analyses "
              "et expériences des quartiers prioritaires de Fort-de-France, du Lamentin et de "
              "Sainte-Marie."] for n in range(1, pdf.pages + 1)]
    return make_pdf(pdf.title, pages, author=SITE_TITLE, created=post.local.date())


def install_spec() -> dict:
    return {"title": SITE_TITLE, "description": SITE_DESCRIPTION, "user": USER,
            "display_name": DISPLAY_NAME, "email": "redaction@example.org",
            "password": "crpv-test-password", "language": "fr_FR",
            "permalink_structure": PERMALINKS,
            "options": {"timezone_string": TIMEZONE, "gmt_offset": "", "date_format": "j F Y",
                        "time_format": "G\\hi", "posts_per_page": POSTS_PER_PAGE,
                        "start_of_week": 1}}


@dataclass
class Site:
    """The test site as built: its address, its posts (by key) and WordPress's answers."""

    home: str
    today: date  # the local day the dates were counted back from
    posts: dict[str, Post]
    created: dict  # site.php's answer: ids, permalinks, dates, file URLs, by post key
    categories: dict[str, str]  # slug → archive URL

    def url(self, key: str) -> str:
        return self.home + self.posts[key].path

    @property
    def public(self) -> list[Post]:
        return [post for post in self.posts.values() if post.public]


def build(wordpress, pdf_dir: Path, today: date | None = None) -> Site:
    """Install WordPress and write every post of `_posts()` through its PHP API."""
    pdf_dir.mkdir(parents=True, exist_ok=True)
    today = today or local_today()
    posts = site_posts(today)
    wordpress.run("install", install_spec())
    answer = wordpress.run("apply", {
        "user": USER,
        "categories": [{"name": name, "slug": slug} for name, slug in CATEGORIES],
        "posts": [post_spec(post, pdf_dir) for post in posts],
    })
    return Site(wordpress.home, today, {post.key: post for post in posts}, answer["posts"],
                answer["categories"])


def change(wordpress, site: Site, pdf_dir: Path) -> tuple[Post, dict]:
    """The light run's news: NEW_POST published, RETITLED given NEW_TITLE (same slug, same
    date: only its title and modification time change). Returns the new post and
    site.php's answer."""
    new = dated([NEW_POST], site.today)[0]
    answer = wordpress.run("apply", {
        "user": USER,
        "posts": [post_spec(new, pdf_dir)],
        "updates": [{"id": site.created[RETITLED]["id"], "title": NEW_TITLE}],
    })
    return new, answer
