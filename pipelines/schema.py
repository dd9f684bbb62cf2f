"""The database schema, declared as data, created idempotently.

This module is the one place where tables, columns, indexes and full-text indexes are
defined. Each column carries a French description: the same text documents the
database for analysts in the Datasette metadata (`datasette/metadata.py` reads it).

Every datetime is ISO 8601 text. `ensure_schema(db)` can run any number of times.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlite_utils

from pipelines.transactions import write_transaction

SCHEMA_VERSION = 1

# FTS5 with accent folding: "rénovation" finds "renovation" and the reverse.
FTS_TOKENIZE = "unicode61 remove_diacritics 2"


@dataclass(frozen=True)
class Column:
    type: type
    description: str
    not_null: bool = False


@dataclass(frozen=True)
class Table:
    description: str
    columns: dict[str, Column]
    pk: str | tuple[str, ...] | None  # None: a rowid table
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    unique_indexes: tuple[tuple[str, ...], ...] = ()
    fts: tuple[str, ...] = ()
    label_column: str | None = None


def _c(type_: type, description: str, not_null: bool = False) -> Column:
    return Column(type_, description, not_null)


TABLES: dict[str, Table] = {
    "centres": Table(
        "Les centres de ressources politique de la ville (CRPV) moissonnés, tels que décrits "
        "dans le registre data/centres.yaml.",
        {
            "id": _c(str, "Identifiant court du centre (slug), utilisé partout comme centre_id.", True),
            "name": _c(str, "Nom officiel du centre.", True),
            "short_name": _c(str, "Nom court ou sigle (IREV, ORIV…)."),
            "url": _c(str, "Adresse de la page d'accueil du site du centre.", True),
            "timezone": _c(str, "Fuseau horaire IANA du centre (Europe/Paris, America/Martinique…).", True),
            "territory": _c(str, "Territoire couvert (région, département)."),
            "region_code": _c(str, "Code INSEE de la région couverte."),
            "city": _c(str, "Ville du siège du centre."),
            "cms": _c(str, "Logiciel du site (wordpress, drupal, spip, custom) quand il est connu."),
            "latitude": _c(float, "Latitude du siège (WGS 84)."),
            "longitude": _c(float, "Longitude du siège (WGS 84)."),
            "verified": _c(int, "1 si l'adresse du site a été vérifiée, 0 si elle est incertaine."),
            "address": _c(str, "Adresse postale du centre (registre, rubrique contact), si connue."),
            "phone": _c(str, "Téléphone du centre, si connu."),
            "email": _c(str, "Adresse électronique de contact du centre, si connue."),
            "contact_url": _c(str, "Page de contact du site du centre, si connue."),
            "reuse": _c(str, "Ce que le portail republie des éléments du centre : excerpt (titre, "
                             "résumé et lien d'origine, par défaut) ou full (texte intégral). Le "
                             "texte intégral reste cherchable dans les deux cas."),
            "action_sections": _c(str, "Rubriques du site signalées par le registre comme des "
                                       "actions (content: action) : adresses, tableau JSON."),
        },
        pk="id",
        label_column="name",
    ),
    "items": Table(
        "Tous les contenus moissonnés : actualités (news), événements (event) et documents "
        "(document). Une ligne par URL canonique.",
        {
            "id": _c(str, "Identifiant stable de l'élément, constant d'une moisson à l'autre.", True),
            "centre_id": _c(str, "Centre qui publie l'élément (→ centres.id).", True),
            "kind": _c(str, "Nature : news (actualité), event (événement) ou document (publication).", True),
            "url": _c(str, "URL canonique de la page d'origine.", True),
            "title": _c(str, "Titre en texte brut.", True),
            "summary": _c(str, "Résumé en texte brut (chapeau ou début du texte)."),
            "body_html": _c(str, "Corps de la page, HTML assaini (sans script, style ni iframe)."),
            "body_text": _c(str, "Corps de la page en texte brut, sans menus ni pied de page."),
            "published_at": _c(str, "Date de publication : date (AAAA-MM-JJ) ou date-heure ISO 8601 avec décalage."),
            "updated_at": _c(str, "Date de dernière modification annoncée par la source, si connue."),
            "first_seen_at": _c(str, "Première fois que le portail a vu l'élément (UTC).", True),
            "last_seen_at": _c(str, "Dernière fois que le portail a vu l'élément (UTC).", True),
            "status": _c(str, "active, ou gone si la source ne le publie plus (jamais supprimé).", True),
            "gone_since": _c(str, "Date à laquelle l'élément a disparu de la source (status = gone)."),
            "image_url": _c(str, "Illustration principale, si la page en déclare une."),
            "language": _c(str, "Langue de la page (fr par défaut)."),
            "source_url": _c(str, "Provenance : URL du flux, de l'agenda ou de la liste où l'élément a été trouvé."),
            "method": _c(str, "Provenance : méthode d'extraction (feed, ical, jsonld, sitemap, html, pdf)."),
            "fetched_at": _c(str, "Provenance : date du dernier téléchargement de la page (UTC)."),
            "content_hash": _c(str, "Empreinte SHA-256 des champs publiés, pour détecter les modifications."),
            "fingerprint": _c(str, "Empreinte de quasi-doublon (titre et texte normalisés)."),
            "cluster_id": _c(str, "Groupe de quasi-doublons : la même information relayée par plusieurs centres."),
            "themes": _c(str, "Libellés des thèmes de l'élément (tableau JSON), pour les facettes."),
            "search_stems": _c(str, "Racines françaises des mots du titre et du texte, pour la recherche plein texte."),
        },
        pk="id",
        foreign_keys=(("centre_id", "centres", "id"),),
        indexes=(
            ("centre_id",), ("kind",), ("published_at",), ("status",), ("cluster_id",),
            ("kind", "published_at"), ("centre_id", "kind"), ("fingerprint",),
        ),
        unique_indexes=(("url",),),
        fts=("title", "summary", "body_text", "search_stems"),
        label_column="title",
    ),
    "item_urls": Table(
        "Toutes les adresses connues d'un élément (alias /node/N, ?p=N, anciennes URL) "
        "pointant vers son URL canonique.",
        {
            "url": _c(str, "Adresse normalisée menant à l'élément.", True),
            "item_id": _c(str, "Élément désigné (→ items.id).", True),
            "first_seen_at": _c(str, "Première fois que cette adresse a été vue (UTC)."),
        },
        pk="url",
        foreign_keys=(("item_id", "items", "id"),),
        indexes=(("item_id",),),
    ),
    "events": Table(
        "Dates des événements. Plusieurs lignes pour un événement récurrent ou en plusieurs sessions.",
        {
            "id": _c(str, "Identifiant de la séance (élément + début).", True),
            "item_id": _c(str, "Événement (→ items.id).", True),
            "starts_at": _c(str, "Début : date-heure ISO 8601 avec le décalage UTC du lieu, ou date seule si all_day = 1.", True),
            "ends_at": _c(str, "Fin : date-heure avec décalage, ou dernier jour inclus si all_day = 1."),
            "all_day": _c(int, "1 pour un événement sur des journées entières (dates sans heure).", True),
            "timezone": _c(str, "Fuseau horaire IANA du lieu de l'événement."),
            "starts_at_utc": _c(str, "Début en UTC, pour trier et filtrer les événements de tous les fuseaux."),
            "location_name": _c(str, "Nom du lieu (salle, équipement)."),
            "address": _c(str, "Adresse postale du lieu."),
            "postcode": _c(str, "Code postal du lieu."),
            "city": _c(str, "Commune du lieu."),
            "departement": _c(str, "Département du lieu, déduit du code postal."),
            "region": _c(str, "Région du lieu, déduite du code postal."),
            "online": _c(int, "1 si l'événement a lieu en ligne (webinaire)."),
            "event_type": _c(str, "Type d'événement (webinaire, séminaire, atelier, formation…)."),
        },
        pk="id",
        foreign_keys=(("item_id", "items", "id"),),
        indexes=(("item_id",), ("starts_at_utc",), ("city",), ("departement",)),
    ),
    "documents": Table(
        "Documents publiés (PDF le plus souvent) : fichier, taille, pages et texte extrait.",
        {
            "id": _c(str, "Identifiant du fichier (élément + URL du fichier).", True),
            "item_id": _c(str, "Élément qui publie le document (→ items.id).", True),
            "file_url": _c(str, "URL du fichier.", True),
            "media_type": _c(str, "Type de média (application/pdf…)."),
            "size_bytes": _c(int, "Taille du fichier en octets."),
            "pages": _c(int, "Nombre de pages."),
            "title": _c(str, "Titre déclaré dans les métadonnées du fichier."),
            "created_at": _c(str, "Date de création déclarée dans le fichier."),
            "sha256": _c(str, "Empreinte SHA-256 du fichier (repère les mêmes documents publiés par plusieurs centres)."),
            "text": _c(str, "Texte extrait du fichier (borné), pour la recherche plein texte."),
            "error": _c(str, "Raison pour laquelle le fichier n'a pas pu être lu (chiffré, endommagé…)."),
        },
        pk="id",
        foreign_keys=(("item_id", "items", "id"),),
        indexes=(("item_id",), ("sha256",)),
        fts=("title", "text"),
    ),
    "themes": Table(
        "Vocabulaire partagé des thèmes de la politique de la ville (data/themes.yaml).",
        {
            "id": _c(str, "Identifiant du thème.", True),
            "label": _c(str, "Libellé français du thème.", True),
            "description": _c(str, "Ce que recouvre le thème."),
        },
        pk="id",
        label_column="label",
    ),
    "item_themes": Table(
        "Thèmes attribués à chaque élément (0 à 3), avec la méthode d'attribution.",
        {
            "item_id": _c(str, "Élément (→ items.id).", True),
            "theme_id": _c(str, "Thème (→ themes.id).", True),
            "method": _c(str, "Méthode : category (rubrique du centre) ou keywords (mots du texte)."),
            "score": _c(float, "Force de l'attribution (nombre pondéré d'indices)."),
        },
        pk=("item_id", "theme_id"),
        foreign_keys=(("item_id", "items", "id"), ("theme_id", "themes", "id")),
        indexes=(("theme_id",),),
    ),
    "item_versions": Table(
        "Historique des modifications : une ligne par changement d'un élément, avec les valeurs précédentes.",
        {
            "id": _c(int, "Numéro de la version.", True),
            "item_id": _c(str, "Élément modifié (→ items.id).", True),
            "changed_at": _c(str, "Date à laquelle le changement a été constaté (UTC).", True),
            "valid_from": _c(str, "Début de validité des valeurs précédentes (UTC)."),
            "changed_fields": _c(str, "Champs modifiés (tableau JSON)."),
            "previous": _c(str, "Valeurs précédentes des champs modifiés (objet JSON)."),
            "previous_hash": _c(str, "Empreinte du contenu avant le changement."),
            "content_hash": _c(str, "Empreinte du contenu après le changement."),
        },
        pk="id",
        foreign_keys=(("item_id", "items", "id"),),
        indexes=(("item_id",), ("changed_at",)),
    ),
    "sources": Table(
        "Sources découvertes sur chaque site : flux RSS/Atom, plans de site, agendas iCalendar, listes.",
        {
            "id": _c(str, "Identifiant de la source (centre + URL).", True),
            "centre_id": _c(str, "Centre (→ centres.id).", True),
            "url": _c(str, "Adresse de la source.", True),
            "kind": _c(str, "Nature reconnue à la réponse : feed, sitemap, ical, listing, page.", True),
            "content": _c(str, "Contenu attendu (news, event, document) quand le registre l'indique."),
            "discovered_from": _c(str, "Page où la source a été trouvée (ou registry)."),
            "first_seen_at": _c(str, "Première découverte (UTC)."),
            "last_seen_at": _c(str, "Dernière utilisation (UTC)."),
            "last_status": _c(int, "Dernier code HTTP reçu."),
            "items_found": _c(int, "Éléments trouvés à la dernière lecture."),
        },
        pk="id",
        foreign_keys=(("centre_id", "centres", "id"),),
        indexes=(("centre_id",),),
    ),
    "fetch_state": Table(
        "État des téléchargements pour les requêtes conditionnelles (ETag, Last-Modified).",
        {
            "url": _c(str, "Adresse téléchargée.", True),
            "centre_id": _c(str, "Centre (→ centres.id)."),
            "etag": _c(str, "Dernier ETag reçu."),
            "last_modified": _c(str, "Dernier en-tête Last-Modified reçu."),
            "status": _c(int, "Dernier code HTTP reçu."),
            "content_hash": _c(str, "Empreinte SHA-256 du dernier corps reçu."),
            "bytes": _c(int, "Taille du dernier corps reçu."),
            "fetched_at": _c(str, "Dernier téléchargement complet (UTC)."),
            "checked_at": _c(str, "Dernière vérification, même sans téléchargement (UTC)."),
            "sitemap_lastmod": _c(str, "Dernière date lastmod annoncée par un plan de site."),
            "links": _c(str, "Liens suivis depuis cette page (JSON), rejoués quand elle répond 304."),
            "complete": _c(int, "1 quand ce que la réponse contient est enregistré (l'élément, le "
                                "fichier, les liens) : seuls ses validateurs servent aux requêtes "
                                "conditionnelles, si bien qu'une moisson interrompue ne perd rien."),
        },
        pk="url",
        indexes=(("centre_id",),),
    ),
    "harvest_runs": Table(
        "Journal des moissons : une ligne par centre et par passage.",
        {
            "id": _c(int, "Numéro de la ligne.", True),
            "run_id": _c(str, "Identifiant du passage (commun à tous les centres d'une même commande).", True),
            "centre_id": _c(str, "Centre moissonné (→ centres.id).", True),
            "mode": _c(str, "light (flux, agendas, plans de site) ou full (exploration complète)."),
            "status": _c(str, "running, completed, truncated (un budget atteint), suspect (la plupart des éléments connus ont disparu d'un coup : rien n'est marqué disparu), failed ou interrupted.", True),
            "started_at": _c(str, "Début (UTC).", True),
            "finished_at": _c(str, "Fin (UTC)."),
            "new": _c(int, "Éléments nouveaux."),
            "updated": _c(int, "Éléments modifiés."),
            "unchanged": _c(int, "Éléments revus sans changement."),
            "gone": _c(int, "Éléments marqués disparus."),
            "failed": _c(int, "Échecs (voir harvest_errors)."),
            "requests": _c(int, "Requêtes HTTP envoyées."),
            "not_modified": _c(int, "Réponses 304 (rien à retélécharger)."),
            "bytes": _c(int, "Octets reçus."),
            "items_seen": _c(int, "Éléments vus pendant le passage."),
            "fill_rates": _c(str, "Taux de remplissage des champs (objet JSON : dates, résumés, lieux…)."),
            "message": _c(str, "Message de fin (cause d'un échec ou d'une interruption)."),
        },
        pk="id",
        foreign_keys=(("centre_id", "centres", "id"),),
        indexes=(("centre_id", "started_at"), ("run_id",)),
    ),
    "harvest_errors": Table(
        "Échecs rencontrés pendant les moissons : une ligne par échec.",
        {
            "id": _c(int, "Numéro de l'échec.", True),
            "run_id": _c(str, "Passage (→ harvest_runs.run_id).", True),
            "centre_id": _c(str, "Centre (→ centres.id)."),
            "url": _c(str, "Adresse en cause."),
            "kind": _c(str, "Nature : http, network, timeout, robots, feed, parse, pdf, validation…", True),
            "message": _c(str, "Description de l'échec.", True),
            "occurred_at": _c(str, "Date (UTC).", True),
        },
        pk="id",
        foreign_keys=(("centre_id", "centres", "id"),),
        indexes=(("run_id",), ("centre_id",)),
    ),
    "schedule_state": Table(
        "État du planificateur : prochain passage, série d'échecs et attente exponentielle par centre.",
        {
            "job_id": _c(str, "Tâche : <centre>:light ou <centre>:full.", True),
            "centre_id": _c(str, "Centre (→ centres.id).", True),
            "mode": _c(str, "light ou full.", True),
            "failure_streak": _c(int, "Échecs consécutifs."),
            "backoff_until": _c(str, "Pas de nouvelle tentative avant cette date (UTC)."),
            "last_started_at": _c(str, "Dernier lancement (UTC)."),
            "last_finished_at": _c(str, "Dernière fin (UTC)."),
            "last_exit_code": _c(int, "Code de sortie du dernier passage."),
            "last_status": _c(str, "Résultat du dernier passage (completed, failed, timeout, interrupted, skipped)."),
            "next_run_at": _c(str, "Prochain passage prévu (UTC)."),
        },
        pk="job_id",
        indexes=(("centre_id",),),
    ),
    "item_signatures": Table(
        "Empreintes des textes pour reconnaître les relais entre centres (MinHash de leurs "
        "triplets de mots), tenues à jour pour les seuls éléments nouveaux ou modifiés.",
        {
            "item_id": _c(str, "Élément (→ items.id).", True),
            "content_hash": _c(str, "Empreinte du contenu lu (items.content_hash) : recalculée quand elle change."),
            "size": _c(int, "Nombre de triplets de mots du texte."),
            "minhash": _c(bytes, "Signature MinHash (64 valeurs de 32 bits, précédées de la taille)."),
            "event_key": _c(str, "Pour un événement : titre normalisé et début (UTC), commun aux relais."),
            "computed_at": _c(str, "Calcul de l'empreinte (UTC)."),
        },
        pk="item_id",
        foreign_keys=(("item_id", "items", "id"),),
        indexes=(("event_key",),),
    ),
    "item_bands": Table(
        "Clés LSH des signatures : deux éléments qui partagent une clé et dont les dates de "
        "publication sont à moins de six mois d'écart sont comparés.",
        {
            "key": _c(int, "Clé de bande (entier signé de 64 bits).", True),
            "day": _c(int, "Jour de publication de l'élément (numéro ordinal du calendrier "
                           "grégorien, 1 = 1er janvier de l'an 1) : les candidats se cherchent "
                           "dans une fenêtre de dates.", True),
            "item_id": _c(str, "Élément (→ items.id).", True),
        },
        # No primary key but a unique index: a rebuild appends the keys of every item to a
        # bare table and builds its indexes once, from sorted rows, instead of millions of
        # insertions at random places of two B-trees (each dirtying a page of its own).
        pk=None,
        foreign_keys=(("item_id", "items", "id"),),
        indexes=(("item_id",),),
        unique_indexes=(("key", "day", "item_id"),),
    ),
    "site_templates": Table(
        "Gabarit de chaque site appris de ses propres pages : les blocs de texte qu'elles "
        "répètent (menus, pieds de page, barres de partage), retirés des textes et des résumés.",
        {
            "centre_id": _c(str, "Centre (→ centres.id).", True),
            "pages": _c(int, "Pages du site observées.", True),
            "blocks": _c(str, "Blocs répétés (objet JSON : empreinte → nombre de pages, pages "
                              "dont le bloc est l'accroche ailleurs, blocs de la page d'accueil)."),
            "updated_at": _c(str, "Dernière mise à jour (UTC)."),
        },
        pk="centre_id",
        foreign_keys=(("centre_id", "centres", "id"),),
    ),
    "communes": Table(
        "Géographie officielle : toutes les communes en vigueur (code officiel géographique "
        "2026, @etalab/decoupage-administratif 6.0.0, Licence Ouverte ; coordonnées GeoNames, "
        "CC BY 4.0), avec leur département et leur région, pour situer les éléments.",
        {
            "code": _c(str, "Code INSEE de la commune.", True),
            "nom": _c(str, "Nom officiel de la commune.", True),
            "departement": _c(str, "Code du département (2A, 2B, 971… compris)."),
            "departement_nom": _c(str, "Nom du département."),
            "region": _c(str, "Code INSEE de la région."),
            "region_nom": _c(str, "Nom de la région."),
            "zone": _c(str, "metro (métropole), drom (outre-mer) ou com (collectivité d'outre-mer)."),
            "population": _c(int, "Population légale."),
            "latitude": _c(float, "Latitude (WGS 84) ; celle du département quand la commune n'est pas localisée."),
            "longitude": _c(float, "Longitude (WGS 84)."),
            "located": _c(int, "1 si les coordonnées sont celles de la commune, 0 si ce sont celles de son département."),
        },
        pk="code",
        indexes=(("departement",), ("region",), ("nom",)),
        label_column="nom",
    ),
    "item_places": Table(
        "Lieux dont parle chaque élément : les communes (codes INSEE) trouvées dans le titre, "
        "le texte et les lieux structurés (lieu d'un événement), avec la confiance de la "
        "lecture et, quand ils sont nommés, les quartiers (prioritaires ou non).",
        {
            "item_id": _c(str, "Élément (→ items.id).", True),
            "commune": _c(str, "Commune (→ communes.code, code INSEE).", True),
            "confidence": _c(float, "Confiance entre 0 et 1 ; l'élément est dit porter sur la "
                                    "commune à partir de 0,5 (les lignes plus faibles ne sont pas gardées)."),
            "mentions": _c(int, "Nombre de fois où la commune est nommée."),
            "source": _c(str, "Où elle est lue : lieu (lieu structuré), titre ou texte."),
            "quartiers": _c(str, "Quartiers de la commune nommés par l'élément (tableau JSON)."),
            "evidence": _c(str, "Le passage lu (nom tel qu'écrit)."),
        },
        pk=("item_id", "commune"),
        foreign_keys=(("item_id", "items", "id"), ("commune", "communes", "code")),
        indexes=(("commune",),),
    ),
    "item_actions": Table(
        "Actions : les éléments qui racontent un projet ou une expérience locale (fiche "
        "expérience, retour d'expérience, portrait de projet, capitalisation). Un élément "
        "reste l'actualité ou le document publié par le centre (items.kind) ; cette table "
        "dit qu'il est aussi une action.",
        {
            "item_id": _c(str, "Élément (→ items.id).", True),
            "score": _c(float, "Force des indices (action à partir de 0,6)."),
            "signals": _c(str, "Indices relevés : rubrique (registre), adresse, catégorie, titre, texte, structure (tableau JSON)."),
        },
        pk="item_id",
        foreign_keys=(("item_id", "items", "id"),),
    ),
    "item_analyses": Table(
        "Suivi de la lecture des lieux et des actions : un élément n'est relu que si son "
        "contenu (content_hash) ou la version de l'analyse change.",
        {
            "item_id": _c(str, "Élément (→ items.id).", True),
            "content_hash": _c(str, "Empreinte du contenu lu (items.content_hash)."),
            "version": _c(str, "Version de l'analyse (géographie et règles)."),
            "analysed_at": _c(str, "Date de la lecture (UTC)."),
        },
        pk="item_id",
        foreign_keys=(("item_id", "items", "id"),),
    ),
    "meta": Table(
        "Informations sur la base elle-même (version du schéma, dernière moisson).",
        {
            "key": _c(str, "Clé (schema_version, last_harvest_at, last_run_id).", True),
            "value": _c(str, "Valeur associée à la clé."),
        },
        pk="key",
    ),
}

# Creation order follows foreign keys.
TABLE_ORDER = (
    "centres", "themes", "items", "item_urls", "events", "documents", "item_themes",
    "item_versions", "sources", "fetch_state", "harvest_runs", "harvest_errors",
    "schedule_state", "item_signatures", "item_bands", "site_templates", "communes",
    "item_places", "item_actions", "item_analyses", "meta",
)


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create every table, index and FTS index that is missing; safe to run repeatedly."""
    db.execute("PRAGMA journal_mode=WAL")  # outside a transaction, as the pragmas must be
    db.execute("PRAGMA foreign_keys=ON")
    with write_transaction(db):  # another process may be creating them too
        existing = set(db.table_names())
        for name in TABLE_ORDER:
            spec = TABLES[name]
            table = db[name]
            if name not in existing:
                create_table(db, name)
            else:
                # Columns added to the declaration later arrive here, never by alter=True on insert.
                have = set(table.columns_dict)
                for col, c in spec.columns.items():
                    if col not in have:
                        table.add_column(col, c.type)
            ensure_indexes(db, name)
            if spec.fts and f"{name}_fts" not in existing:
                table.enable_fts(list(spec.fts), create_triggers=True, tokenize=FTS_TOKENIZE)
        db["meta"].upsert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key")


def create_table(db: sqlite_utils.Database, name: str) -> None:
    """Create one declared table, without its indexes (`ensure_indexes` adds them)."""
    spec = TABLES[name]
    db[name].create(
        {col: c.type for col, c in spec.columns.items()},
        pk=spec.pk,
        not_null={col for col, c in spec.columns.items() if c.not_null},
        foreign_keys=list(spec.foreign_keys),
    )


def ensure_indexes(db: sqlite_utils.Database, name: str) -> None:
    """Create the declared indexes of one table that are missing."""
    spec, table = TABLES[name], db[name]
    indexed = {tuple(ix.columns) for ix in table.indexes}
    for columns in spec.indexes:
        if columns not in indexed:
            table.create_index(columns, if_not_exists=True)
    for columns in spec.unique_indexes:
        if columns not in indexed:
            table.create_index(columns, unique=True, if_not_exists=True)


def open_database(path) -> sqlite_utils.Database:
    """Open (creating if needed) the database at `path` with the schema in place."""
    db = sqlite_utils.Database(path)
    ensure_schema(db)
    return db
