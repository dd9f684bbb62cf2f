"""normalize.template: the shortcuts of `page_blocks` (links resolved only as far as the
card rule needs them, `cards=False` for readers that only judge lines) change no line."""

from __future__ import annotations

from normalize.html import parse_document
from normalize.template import page_blocks

BASE = "http://ressources.example/actualites/"
PAGE = """<html><body>
<div class="menu"><a href="/">Accueil</a> <a href="/agenda">Agenda</a>
 <a href="/contact">Contact</a> <a href="/plan">Plan</a></div>
<p>Deux liens vers une page : <a href="fiche?id=1">la fiche</a>, <a href="./fiche?id=1">encore</a>,
 <a href="fiche?id=1#haut">toujours</a>, <a href="fiche?id=2">une autre</a>,
 <a href="/actualites/fiche?id=2">la même</a>.</p>
<div class="card"><h3>Forum de l'emploi</h3><p>Trente employeurs rencontrent les demandeurs
 d'emploi.</p><a href="forum">Lire la suite</a></div>
<table><tr><td>03/11/2026</td><td><span>Réunion</span> des <b>conseils</b></td></tr></table>
</body></html>"""


def blocks(cards: bool = True):
    return page_blocks(parse_document(PAGE).find("body"), BASE, cards=cards)


def test_a_line_of_four_links_is_a_menu_one_of_two_targets_is_not():
    cards = {b.text: b.card_links for b in blocks()}
    assert cards["Accueil Agenda Contact Plan"] == frozenset()
    # Five links, two pages: the limit counts pages, not links.
    line = next(t for t in cards if t.startswith("Deux liens"))
    assert cards[line] == {BASE + "fiche?id=1", BASE + "fiche?id=2"}
    # A teaser without a link of its own takes its card's.
    line = next(t for t in cards if t.startswith("Trente employeurs"))
    assert cards[line] == {BASE + "forum"}


def test_without_cards_the_lines_are_the_same():
    def signature(found):
        return [(b.key, b.text, b.element.tag, b.link_chars,
                 [(el.tag, attr) for el, attr in b.slots], [el.tag for el in b.inlines])
                for b in found]

    with_cards, without = blocks(), blocks(cards=False)
    assert signature(with_cards) == signature(without)
    assert any(b.card_links for b in with_cards)
    assert not any(b.card_links for b in without)
