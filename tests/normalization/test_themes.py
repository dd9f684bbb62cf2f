"""Themes: the vocabulary file and classify() on realistic French titles and summaries."""

from __future__ import annotations

import pytest

from normalize.themes import MAX_THEMES, ThemeMatch, classify, fold, load_vocabulary

# (title, summary, themes a reader would give). Shared with bench/quality_themes.py.
LABELLED = [
    ("Cycle de qualification : le renouvellement urbain au service du développement social",
     "Ce cycle s'adresse aux chefs de projet NPNRU et aux bailleurs sociaux. Il aborde le "
     "relogement, la concertation et la gestion urbaine et sociale de proximité.",
     {"renouvellement_urbain"}),
    ("Webinaire : la participation sur le gril",
     "Troisième séance du cycle consacré à la participation des habitants : conseils citoyens, "
     "tables de quartier et pouvoir d'agir.",
     {"participation"}),
    ("4e rencontre nationale des cités éducatives",
     "Les acteurs des cités éducatives se retrouvent pour échanger sur la continuité éducative "
     "et la place des parents.",
     {"education_jeunesse"}),
    ("Santé mentale des jeunes dans les quartiers : retour sur la journée régionale",
     "Psychologues, médiateurs et coordinateurs d'ateliers santé ville ont partagé leurs "
     "pratiques de repérage et d'orientation.",
     {"sante", "education_jeunesse"}),
    ("Lutte contre les discriminations : un nouveau recueil d'outils",
     "L'ORIV publie un recueil d'outils de prévention et de lutte contre les discriminations "
     "à destination des professionnels.",
     {"egalite_discriminations"}),
    ("Formation « Valeurs de la République et laïcité »",
     "Une session de deux jours pour les professionnels de terrain, dans le cadre du plan VRL.",
     {"egalite_discriminations"}),
    ("L'Éco des quartiers n°3 : entreprendre dans les quartiers",
     "Ce numéro présente des initiatives de création d'entreprise, de commerce de proximité et "
     "d'économie sociale et solidaire.",
     {"emploi_economie"}),
    ("Accès à l'emploi des jeunes : les clauses d'insertion en débat",
     "Retour sur la matinée consacrée aux clauses d'insertion dans les marchés publics et aux "
     "parcours vers l'emploi.",
     {"emploi_economie", "education_jeunesse"}),
    ("Évaluation des contrats de ville : quels enseignements ?",
     "Synthèse des travaux d'évaluation menés en 2023 et perspectives pour les contrats de "
     "ville Engagements Quartiers 2030.",
     {"pilotage_contrat_de_ville"}),
    ("Mobiliser le droit commun : synthèse du cycle d'échanges",
     "Comment les délégués du préfet et les chefs de projet peuvent-ils mobiliser le droit "
     "commun au bénéfice des habitants ?",
     {"pilotage_contrat_de_ville"}),
    ("Transition écologique dans les quartiers populaires",
     "Îlots de chaleur, précarité énergétique, nature en ville : les quartiers prioritaires "
     "face au changement climatique.",
     {"transitions"}),
    ("Inclusion numérique : les conseillers numériques dans les QPV",
     "Un état des lieux de la médiation numérique et de la fracture numérique dans les "
     "quartiers prioritaires.",
     {"transitions"}),
    ("Mémoires des quartiers : un projet artistique avec les habitants",
     "Collecte de récits, exposition et spectacle : la mémoire des quartiers racontée par ceux "
     "qui y vivent.",
     {"culture_memoire"}),
    ("Non-recours aux droits : agir avec les France services",
     "La journée portera sur l'accès aux droits et le non-recours aux prestations sociales.",
     {"acces_aux_droits"}),
    ("Parcours d'intégration des primo-arrivants",
     "Apprentissage du français, accès au logement et à l'emploi : les étapes du parcours "
     "d'intégration et le rôle de l'OFII.",
     {"immigration_integration"}),
    ("Revitalisation des centres-bourgs : les petites villes de demain",
     "Rencontre régionale sur les programmes Petites villes de demain et Action cœur de ville.",
     {"developpement_territorial"}),
    ("Prévention de la délinquance : les CLSPD en question",
     "Rôle des conseils locaux de sécurité et de prévention de la délinquance dans la "
     "tranquillité publique.",
     {"securite_prevention"}),
    ("La politique de la ville en Guyane",
     "Rapport d'activité du centre de ressources : accompagnement des communes ultramarines "
     "et des quartiers prioritaires.",
     {"outre_mer"}),
    ("Mayotte : visite des directeurs de centres de ressources",
     "Du 23 au 29 novembre, les directeurs des CRPV ont rencontré les acteurs mahorais.",
     {"outre_mer"}),
    ("Assemblée générale 2025 de l'association",
     "L'assemblée générale se tiendra le 12 juin. Ordre du jour : rapport moral, rapport "
     "financier, élection du conseil d'administration.",
     set()),
    ("Programme de réussite éducative : journée des coordonnateurs",
     "Les coordonnateurs PRE se réunissent pour partager leurs pratiques d'accompagnement des "
     "enfants et de leurs familles.",
     {"education_jeunesse"}),
    ("Soutien à la parentalité : le REAAP et le CLAS",
     "Présentation des dispositifs d'accompagnement à la scolarité et des réseaux d'écoute, "
     "d'appui et d'accompagnement des parents.",
     {"education_jeunesse"}),
    ("Égalité femmes-hommes dans l'espace public",
     "Marches exploratoires, aménagement des espaces publics et place des femmes dans les "
     "quartiers.",
     {"egalite_discriminations", "renouvellement_urbain"}),
    ("Violences faites aux femmes : un guide pour les acteurs de terrain",
     "Ce guide propose des repères pour orienter les victimes de violences intrafamiliales.",
     {"egalite_discriminations"}),
    ("GUSP : la gestion urbaine et sociale de proximité à l'heure du NPNRU",
     "Retour d'expériences de bailleurs et de collectivités sur la gestion des espaces "
     "extérieurs pendant les chantiers.",
     {"renouvellement_urbain"}),
    ("Observatoire des quartiers : les données 2024 sont en ligne",
     "Indicateurs de revenus, d'emploi et de scolarité pour chaque quartier prioritaire, avec "
     "les données de l'INSEE.",
     {"pilotage_contrat_de_ville"}),
    ("Projet alimentaire territorial et quartiers populaires",
     "Comment les PAT intègrent-ils les habitants des quartiers ? Jardins partagés, "
     "alimentation durable et aide alimentaire.",
     {"transitions"}),
    ("Santé et accès aux soins : le contrat local de santé de Roubaix",
     "Le CLS de Roubaix réunit l'ARS, la ville et les professionnels de santé autour de "
     "l'accès aux soins des habitants.",
     {"sante"}),
    ("Jeunesses des quartiers : paroles de jeunes",
     "Une série de podcasts donne la parole aux jeunes des quartiers de Tours sur leur avenir.",
     {"education_jeunesse"}),
    ("Radicalisation : former les professionnels de la jeunesse",
     "Une formation sur la prévention de la radicalisation, financée par le FIPDR, pour les "
     "animateurs et éducateurs.",
     {"securite_prevention", "education_jeunesse"}),
    ("Conseils citoyens : bilan après dix ans",
     "Dix ans après la loi Lamy, que sont devenus les conseils citoyens ? Enquête auprès de "
     "leurs membres.",
     {"participation"}),
    ("Quartiers prioritaires : la nouvelle géographie prioritaire au 1er janvier 2024",
     "Le décret fixe la liste des quartiers prioritaires de la politique de la ville en "
     "métropole.",
     {"pilotage_contrat_de_ville"}),
    ("Histoire de l'immigration : exposition itinérante",
     "L'exposition retrace l'histoire des travailleurs migrants et des foyers de la région.",
     {"immigration_integration", "culture_memoire"}),
    ("Webinaire : le vélo dans les QPV",
     "Mobilité durable, apprentissage du vélo et aménagements cyclables dans les quartiers.",
     {"transitions"}),
    ("Développement économique urbain : le Club Dév Éco se réunit",
     "Immobilier d'entreprise, commerce de proximité et entrepreneuriat au menu de la "
     "prochaine rencontre du club.",
     {"emploi_economie"}),
    ("Lettre d'information n°140 – février 2020",
     "Au sommaire : les actualités du centre, l'agenda des prochaines rencontres et les "
     "nouvelles publications.",
     set()),
    ("Fonds européens et politique de la ville : FEDER et FSE+ 2021-2027",
     "Comment mobiliser les fonds européens au bénéfice des quartiers ? Présentation des "
     "programmes régionaux.",
     {"developpement_territorial"}),
    ("Illettrisme et maîtrise des savoirs de base",
     "Journée d'échanges avec l'ANLCI sur la lutte contre l'illettrisme et l'accès aux droits.",
     {"acces_aux_droits"}),
    ("Laïcité et sport : une formation pour les éducateurs sportifs",
     "Les principes de laïcité appliqués aux clubs et associations sportives.",
     {"egalite_discriminations"}),
    ("Logement et peuplement : la réforme des attributions",
     "Conférence intercommunale du logement, cotation de la demande et politique de "
     "peuplement.",
     {"renouvellement_urbain"}),
    ("Médiation sociale et tranquillité publique",
     "Les médiateurs sociaux interviennent dans l'espace public et les transports pour "
     "prévenir les conflits.",
     {"securite_prevention"}),
    ("Rencontre régionale des acteurs de la politique de la ville",
     "Une journée pour se rencontrer, échanger et découvrir les actions menées dans les "
     "quartiers prioritaires de la région.",
     set()),
]


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary()


def test_vocabulary_has_the_fourteen_themes(vocabulary):
    ids = [t.id for t in vocabulary.themes]
    assert len(ids) == 14
    assert ids[:3] == ["participation", "education_jeunesse", "sante"]
    assert vocabulary.theme("outre_mer").label == "Outre-mer"
    assert all(t.label and t.description and (t.keywords or t.stems) for t in vocabulary.themes)


def test_vocabulary_file_never_names_the_whole_field(vocabulary):
    # "Quartiers prioritaires" / QPV / "politique de la ville" describe every item.
    for theme in vocabulary.themes:
        assert "QPV" not in theme.acronyms
        assert "quartiers prioritaires" not in {fold(k) for k in theme.keywords}
        assert "politique de la ville" not in {fold(k) for k in theme.keywords}


@pytest.mark.parametrize("title,summary,expected", LABELLED, ids=[c[0][:40] for c in LABELLED])
def test_labelled_table(vocabulary, title, summary, expected):
    got = classify(vocabulary, title, summary)
    assert {m.theme_id for m in got} == expected


def test_invariants_over_table(vocabulary):
    for title, summary, _ in LABELLED:
        got = classify(vocabulary, title, summary)
        assert len(got) <= MAX_THEMES
        assert [m.score for m in got] == sorted((m.score for m in got), reverse=True)
        assert len({m.theme_id for m in got}) == len(got)
        assert all(m.method == "keywords" and m.score >= 3 for m in got)


def test_qpv_alone_does_not_tag(vocabulary):
    assert classify(vocabulary, "Les QPV en 2025", "Les quartiers prioritaires (QPV) de la politique de la ville.") == []


def test_single_mention_in_long_body_does_not_tag(vocabulary):
    filler = "La rencontre a réuni les partenaires du territoire autour d'échanges riches. " * 60
    text = filler + "Un intervenant a évoqué la santé en conclusion. " + filler
    assert classify(vocabulary, "Retour sur la rencontre de juin", text) == []
    # ...but a theme that runs through the text does.
    repeated = filler + "santé des habitants, accès aux soins, santé mentale. " * 3 + filler
    assert [m.theme_id for m in classify(vocabulary, "Retour sur la rencontre", repeated)] == ["sante"]


def test_a_phrase_of_one_theme_does_not_feed_another(vocabulary):
    # "éducation" inside "éducation artistique et culturelle" is not school education.
    got = classify(vocabulary, "L'éducation artistique et culturelle à Valenciennes", "")
    assert [m.theme_id for m in got] == ["culture_memoire"]
    # A phrase listed by two themes counts for both.
    got = classify(vocabulary, "Histoire de l'immigration", "")
    assert {m.theme_id for m in got} == {"culture_memoire", "immigration_integration"}


def test_title_outweighs_body(vocabulary):
    got = classify(vocabulary, "Santé des habitants", "Les actions d'insertion et d'emploi sont évoquées.")
    assert got[0].theme_id == "sante"


def test_acronyms_are_case_sensitive(vocabulary):
    assert classify(vocabulary, "Le PRE de Poitiers", "") != []
    assert classify(vocabulary, "Le pre de Poitiers", "") == []
    assert [m.theme_id for m in classify(vocabulary, "Rencontre à La Réunion", "")] == ["outre_mer"]
    assert classify(vocabulary, "La réunion du comité", "") == []


@pytest.mark.parametrize(("title", "matched"), [
    ("Le PRE de Poitiers", True),
    ("PRE : le bilan", True),  # at the very start of the text
    ("Bilan du PRE.", True),
    ("Le CLSM de Lille", True),  # the longer term where two share a start (CLS, CLSM)
    ("Le SPRE de Poitiers", False),  # inside a longer word
    ("Le PREF de Poitiers", False),
    ("Le CAP-PRE de Poitiers", False),  # hyphenated on either side: another word
    ("Le PRE-bilan", False),
    ("Le éPRE de Poitiers", False),  # a letter with an accent is a word character
])
def test_acronyms_stand_as_words_of_their_own(vocabulary, title, matched):
    assert (classify(vocabulary, title, "") != []) is matched


def test_stems_match_at_word_start_without_accents(vocabulary):
    assert [m.theme_id for m in classify(vocabulary, "Pratiques DISCRIMINATOIRES à l'embauche", "")][0] == "egalite_discriminations"
    # "agriculture" does not start with "cultur"
    assert classify(vocabulary, "Agriculture urbaine", "") == []


def test_categories_map_to_themes(vocabulary):
    got = classify(vocabulary, "Retour sur la journée du 12 mars", "", categories=["Rénovation urbaine"])
    assert got == [ThemeMatch("renouvellement_urbain", "Renouvellement urbain & habitat", "category", 4.0)]
    # A centre's own taxonomy slug.
    got = classify(vocabulary, "Un nouveau dossier", "", categories=["parcours-dintegration"], centre_id="oriv")
    assert [(m.theme_id, m.method) for m in got] == [("immigration_integration", "category")]
    # A known non-theme term (kind of document) gives nothing.
    assert classify(vocabulary, "Un nouveau dossier", "", categories=["autres-publications"], centre_id="oriv") == []
    # An unmapped label that names a theme still counts as a category.
    got = classify(vocabulary, "Journée d'étude", "", categories=["Santé mentale et précarité"])
    assert {m.theme_id for m in got} == {"sante", "acces_aux_droits"}
    assert all(m.method == "category" for m in got)


def test_category_and_keywords_combine(vocabulary):
    got = classify(vocabulary, "Cités éducatives : la journée nationale", "", categories=["Éducation"])
    assert got[0].theme_id == "education_jeunesse" and got[0].method == "category"
    assert got[0].score == 7.0


def test_empty_input(vocabulary):
    assert classify(vocabulary, "", "") == []
    assert classify(vocabulary, None, None) == []


def test_unknown_theme_in_mapping_is_rejected(tmp_path):
    path = tmp_path / "themes.yaml"
    path.write_text(
        "themes:\n  - {id: a, label: A, keywords: [x]}\ncategories:\n  Foo: [b]\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="unknown theme"):
        load_vocabulary(path)


@pytest.mark.parametrize(
    "raw,folded",
    [("Égalité femmes-hommes", "egalite femmes hommes"), ("Action cœur de ville", "action coeur de ville"),
     ("d’intégration", "d integration"), ("  ", "")],
)
def test_fold(raw, folded):
    assert fold(raw) == folded
