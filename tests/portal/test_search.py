"""French-aware, injection-proof search: the query builder, the stemmer and the search page."""

from __future__ import annotations

import re
import sqlite3
from html import unescape

import pytest

from normalize.search import build_match_query, fold, stem_text, stem_word

HOSTILE_INPUTS = [
    "l'emploi des jeunes", '"santé', "(QPV", "OR", "rénovation", "*", "NEAR(", "AND", "NOT",
    "NEAR(emploi jeunes, 3)", '"', '""', "'", "’", "-", "--", "a-", "-emploi", "emploi -jeunes",
    "col:val", "title:emploi", "search_stems:x", "^emploi", "emploi^", "a+b", "(", ")", "()",
    "((emploi)", "emploi OR", "OR emploi", "emploi OR OR jeunes", "* *", "**", "emploi*",
    "\\", "{title}: x", "[x]", ";", "drop table items;--", "l'", "qu'", "aujourd'hui",
    "«\u00a0jeunes\u00a0»", "ÉDUCATION", "Seine-Saint-Denis", "Q.P.V.", "x" * 400,
    "emploi " * 40, "\x00", "😀", "عربى", "d'l'emploi", "NEAR", "near(a b)", "\"emploi OR\"",
]


@pytest.mark.parametrize("text", HOSTILE_INPUTS)
def test_match_query_is_always_valid_fts5(text):
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table items_fts using fts5(title, summary, body_text, "
                 "search_stems, tokenize='unicode61 remove_diacritics 2')")
    conn.execute("create virtual table documents_fts using fts5(title, text, "
                 "tokenize='unicode61 remove_diacritics 2')")
    conn.execute("insert into items_fts values ('Emploi', 'jeunes', 'QPV', 'emploi jeun qpv')")
    for table, expr in (("items_fts", build_match_query(text)),
                        ("documents_fts", build_match_query(text, stems_column=None))):
        if expr is not None:
            conn.execute(f"select count(*) from {table} where {table} match ?", (expr,)).fetchone()


@pytest.mark.parametrize("text, expected", [
    ("l'emploi des jeunes", '("emploi" OR search_stems : "emploi") AND ("jeunes" OR search_stems : "jeun")'),
    ('"santé', '("santé" OR search_stems : "sant")'),
    ("(QPV", ('("qpv" OR search_stems : "qpv" OR search_stems : "quarti prioritair" OR '
             'search_stems : "quarti polit vill" OR search_stems : "quarti populair" OR '
             'search_stems : "zon urbain sensibl" OR "zus" OR search_stems : "zus")')),  # acronyms, then the thesaurus
    ("Q.P.V.", ('("qpv" OR search_stems : "qpv" OR search_stems : "quarti prioritair" OR '
             'search_stems : "quarti polit vill" OR search_stems : "quarti populair" OR '
             'search_stems : "zon urbain sensibl" OR "zus" OR search_stems : "zus")')),
    ("pre", '("pre" OR search_stems : "pre" OR search_stems : "programm reussit educ" OR '
            'search_stems : "reussit educ")'),
    ("réussite éducative", '(search_stems : "reussit educ" OR search_stems : "programm reussit educ")'),
    ('"emploi des jeunes"', '"emploi des jeunes"'),
    ("urba*", '"urba"*'),
    ("OR", '"or"'),
    ("NEAR(", '"near"'),
    ("*", None),
    ("", None),
    ("emploi jeunes OR seniors",
     '("emploi" OR search_stems : "emploi") AND (("jeunes" OR search_stems : "jeun") OR '
     '("seniors" OR search_stems : "senior"))'),
])
def test_match_query_exact(text, expected):
    assert build_match_query(text) == expected


def test_acronym_query_on_pdf_text_uses_stem_prefixes_near_each_other():
    assert build_match_query("CLS", stems_column=None) == \
        '("cls" OR NEAR("contrat"* "local"* "sant"*, 6))'


@pytest.mark.parametrize("text, stems", [
    ("Les QPV de Roubaix", "qpv roub quarti prioritair"),
    ("Le Q.P.V. du Pile", "qpv pil quarti prioritair"),
    # Only capitals are the acronym: "pré" and "Pat" are words, not PRE and PAT.
    ("La pré-rentrée avec Pat", "pre rentr pat"),
    ("Le PRE et le CLS", "pre cl contrat local sant programm reussit educ"),  # acronyms in order
])
def test_stem_text_adds_the_expansion_of_each_acronym(text, stems):
    assert stem_text(text) == stems


@pytest.mark.parametrize("query, found", [
    ("QPV", {"acronyme", "écrit en toutes lettres", "forme longue"}),
    ("qpv", {"acronyme", "écrit en toutes lettres", "forme longue"}),
    ("quartiers prioritaires", {"acronyme", "écrit en toutes lettres", "forme longue"}),
    ("réussite éducative", {"PRE"}),  # the synonym PRE by its long form: never "pré"
    ("PRE", {"PRE", "pré"}),  # folded, "pré" is the same word for the search
])
def test_acronyms_and_their_expansions_find_each_other(query, found):
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table items_fts using fts5(title, body_text, search_stems, "
                 "tokenize='unicode61 remove_diacritics 2')")
    texts = {"acronyme": "Trois QPV de Lille", "écrit en toutes lettres": "Les quartiers prioritaires",
             "forme longue": "Un quartier de la politique de la ville", "PRE": "Le PRE de Roubaix",
             "pré": "Le pré de la ferme", "autre": "Le marché de Noël"}
    for title, body in texts.items():
        conn.execute("insert into items_fts values (?, ?, ?)", (title, body, stem_text(body)))
    rows = conn.execute("select title from items_fts where items_fts match ?",
                        (build_match_query(query),)).fetchall()
    assert {r[0] for r in rows} == found


@pytest.mark.parametrize("a, b", [
    ("emploi", "emplois"), ("jeune", "jeunes"), ("rénovation", "renovations"),
    ("quartier", "Quartiers"), ("santé", "sante"), ("journal", "journaux"),
    ("éducation", "education"), ("territorial", "territoriaux"),
])
def test_stems_unify_plurals_and_accents(a, b):
    assert stem_word(a) == stem_word(b)


def test_stem_text_drops_elisions_and_function_words():
    assert stem_text("L'emploi des jeunes dans les QPV") == "emploi jeun qpv quarti prioritair"
    assert stem_text("") == ""


def _search(client, q, **params):
    response = client.get("/recherche", params={"q": q, **params})
    assert response.status_code == 200, response.text[:500]
    html = response.text
    titles = [unescape(re.sub(r"<[^>]+>", "", t)) for t in
              re.findall(r'<h3 class="fiche-titre"><a href="/elements/[^"]+">(.*?)</a>', html)]
    return html, titles


@pytest.mark.parametrize("q", HOSTILE_INPUTS)
def test_search_page_never_fails(client, q):
    html, _titles = _search(client, q)
    assert 'lang="fr"' in html


@pytest.mark.parametrize("q, words", [
    ("l'emploi des jeunes", ("emploi", "jeune")),
    ('"santé', ("sante",)),
    # data/thesaurus.yaml: QPV, quartier prioritaire and quartier populaire are one group.
    ("(QPV", ("qpv", "quartiers prioritaires", "quartier prioritaire", "quartiers populaires",
              "quartier populaire")),
    ("rénovation", ("renovation",)),
])
def test_every_first_page_result_shows_what_was_searched(client, q, words):
    """On any database (the demo's too): results, each title or snippet showing the words."""
    html, titles = _search(client, q)
    assert titles, f"no result for {q!r}"
    cards = re.findall(r'<h3 class="fiche-titre">(.*?)</(?:li|article)>', html, re.S)
    assert len(cards) == len(titles)
    for card in cards:
        text = " ".join(fold(unescape(re.sub(r"<[^>]+>", " ", card))).split())
        assert any(w in text for w in words), text[:300]


@pytest.mark.parametrize("q, must_include, first", [
    ("l'emploi des jeunes", {"L'emploi des jeunes dans les quartiers prioritaires",
                             "Cahier de l'emploi dans les quartiers"},
     "L'emploi des jeunes dans les quartiers prioritaires"),
    ('"santé', {"Santé mentale des habitants des QPV (quartiers prioritaires)",
                "Cycle de qualification santé et territoires",
                "Rapport : réussite éducative et décrochage scolaire"}, None),
    ("(QPV", {"Santé mentale des habitants des QPV (quartiers prioritaires)",
              "Webinaire : l'emploi des femmes dans les QPV",
              "L'emploi des jeunes dans les quartiers prioritaires",
              "Rapport : réussite éducative et décrochage scolaire"}, None),
    ("rénovation", {"Rénovation urbaine : premier bilan du NPNRU en Alsace",
                    "Séminaire régional rénovation urbaine et habitat"}, None),
    ("renovations", {"Rénovation urbaine : premier bilan du NPNRU en Alsace",
                     "Séminaire régional rénovation urbaine et habitat"}, None),
    ("emplois", {"L'emploi des jeunes dans les quartiers prioritaires"}, None),
    ("cofinancement", {"Guide de la participation citoyenne"}, None),  # only in the PDF text
    ("cités éducatives", {"Cités éducatives : les territoires labellisés en 2026",
                          "Cités éducatives : les territoires labellisés"}, None),
])
def test_search_finds_the_right_items(client, fixture_only, q, must_include, first):
    _html, titles = _search(client, q)
    assert must_include <= set(titles), titles
    if first:
        assert titles[0] == first


@pytest.mark.parametrize("q", ["OR", "NEAR(", "*"])
def test_operator_only_queries_answer_sensibly(client, fixture_only, q):
    html, titles = _search(client, q)
    assert "Actualité retirée par le centre" not in titles
    if q == "*":  # nothing to search: the newest items, said plainly
        assert "Aucun mot utilisable" in html and len(titles) == 18 - 1
    else:  # searched literally; the fixture has no such word
        assert "0 résultat pour" in html


def test_search_highlights_without_trusting_content(client, fixture_only):
    html, titles = _search(client, "script alert")
    assert '<script>alert("x")</script>' in titles
    assert '<script>alert' not in html
    assert "&lt;<mark>script</mark>&gt;<mark>alert</mark>" in html
    assert "<mark>emploi</mark>" in _search(client, "emploi")[0]


def test_pdf_snippet_is_labelled(client, fixture_only):
    html, _ = _search(client, "cofinancement")
    assert "Dans le PDF :" in html and "<mark>cofinancement</mark>" in html


@pytest.mark.parametrize("params, expected", [
    ({"centre": "irev"}, {"L'emploi des jeunes dans les quartiers prioritaires"}),
    ({"type": "document"}, {"Cahier de l'emploi dans les quartiers"}),
    ({"territoire": "Martinique"}, {"Rencontre jeunesse et insertion à Fort-de-France"}),
    ({"theme": "education_jeunesse"}, {"L'emploi des jeunes dans les quartiers prioritaires",
                             "Cités éducatives : les territoires labellisés en 2026",
                             "Rencontre jeunesse et insertion à Fort-de-France"}),
    ({"theme": "education_jeunesse", "centre": "irev"}, {"L'emploi des jeunes dans les quartiers prioritaires"}),
])
def test_search_filters(client, fixture_only, params, expected):
    _html, titles = _search(client, "jeunes", **params)
    assert set(titles) == expected


def test_facet_counts_add_up(client, fixture_only):
    html, titles = _search(client, "")
    facet = html.split("<h3>Nature</h3>", 1)[1].split("</ul>", 1)[0]
    counts = [int(n) for n in re.findall(r'<span class="compte">\((\d+)\)</span>', facet)]
    total = int(re.search(r"(\d+) éléments, du plus récent", html).group(1))
    assert sum(counts) == total == 17  # every active item, the gone one excluded
    for label in ("Centre", "Territoire", "Thème", "Année"):
        assert f"<h3>{label}</h3>" in html


@pytest.mark.parametrize("query", ["rénovation urbaine", "renovation urbaine", "renouvellement urbain",
                                   "NPNRU", "ANRU", "rénovations urbaines"])
def test_synonyms_of_the_thesaurus_find_the_same_items(query):
    """data/thesaurus.yaml: every term of a group finds what any other term finds."""
    conn = sqlite3.connect(":memory:")
    conn.execute("create virtual table items_fts using fts5(title, body_text, search_stems, "
                 "tokenize='unicode61 remove_diacritics 2')")
    texts = {"rénovation": "La rénovation urbaine du Mirail", "renouvellement": "Le renouvellement urbain à Lyon",
             "npnru": "Le NPNRU finance 450 quartiers", "anru": "L'ANRU signe la convention",
             "long": "Le nouveau programme national de renouvellement urbain avance",
             "urbain seul": "Un projet urbain et une rénovation des écoles", "autre": "Le marché de Noël"}
    for title, body in texts.items():
        conn.execute("insert into items_fts values (?, ?, ?)", (title, body, stem_text(body)))
    found = {r[0] for r in conn.execute("select title from items_fts where items_fts match ?",
                                        (build_match_query(query),))}
    assert found == {"rénovation", "renouvellement", "npnru", "anru", "long"}
    docs = build_match_query(query, stems_column=None)
    assert docs and '"rénovation urbaine" OR "renouvellement urbain"' in docs  # PDF text: phrases


def test_title_of_a_hit_found_in_its_pdf_only_shows_the_searched_words(client, fixture_only):
    """'cofinancement' is in the PDF only, so the item's own text does not match: the title's
    searched word is highlighted all the same."""
    html, titles = _search(client, "cofinancement participation")
    assert titles == ["Guide de la participation citoyenne"]
    assert "Guide de la <mark>participation</mark> citoyenne" in html


@pytest.mark.parametrize("text, query, expected", [
    ("Guide de la participation citoyenne", "participer", "Guide de la [participation] citoyenne"),
    ("Les emplois francs", "emploi", "Les [emplois] francs"),
    ("Le contrat de ville", "la ville", "Le contrat de [ville]"),  # stop words never marked
    ("Rénovation urbaine", "renovation", "[Rénovation] urbaine"),
    ("Rien à voir", "emploi", "Rien à voir"),
])
def test_mark_query_words(text, query, expected):
    from normalize.search import mark_query_words
    assert mark_query_words(text, query, "[", "]") == expected
