"""Actions (`normalize.actions.recognise_action`) on real French titles and page shapes."""

from __future__ import annotations

import pytest

from normalize.actions import recognise_action

# (kind, title, text, url, expected is_action)
CASES = [
    ("document", "Fiche expérience – Roubaix (Alma-Gare) : les jardins partagés", "", "", True),
    ("news", "Retour d'expérience : la médiation sociale de nuit à Lorient", "", "", True),
    ("news", "Retours d’expériences : l’aller-vers dans les quartiers", "", "", True),
    ("news", "Portrait de projet : une épicerie solidaire au Neuhof", "", "", True),
    ("document", "Note de capitalisation – Cités éducatives en Île-de-France", "", "", True),
    ("news", "Habitat & cadre de vie : l'expérience du quartier Petite-Hollande", "", "", True),
    ("news", "Une boutique éphémère pour l'emploi",
     "Porteur du projet : la régie de quartier\nPartenaires : Pôle emploi, la Ville\n"
     "Public visé : les jeunes de 16 à 25 ans\nRésultats : 40 jeunes accompagnés\n", "", True),
    ("news", "Jardin partagé des Moulins", "Un jardin ouvert aux habitants.",
     "https://x.fr/fiches-experiences/jardin-partage-des-moulins", False),  # the address alone
    ("news", "Jardin partagé des Moulins", "Un jardin ouvert aux habitants.",
     "https://x.fr/experiences/jardin", False),
    # Not actions
    ("news", "Appel à projets 2026 : la santé communautaire", "", "", False),
    ("news", "Retour sur la journée régionale consacrée à la santé",
     "Le centre de ressources met à disposition une sélection de ressources et de retours d'expériences.",
     "", False),
    ("event", "Webinaire : retours d'expériences sur la médiation", "", "", False),
    ("document", "Guide pratique : les conseils citoyens", "Partenaires : l'État", "", False),
    ("news", "Portrait : une coordinatrice de Lille engagée pour la santé", "", "", False),
]


@pytest.mark.parametrize("kind,title,text,url,expected", CASES, ids=[c[1][:40] for c in CASES])
def test_recognise_action(kind, title, text, url, expected):
    verdict = recognise_action(kind, title, text, url)
    assert verdict.is_action is expected, verdict


def test_registry_section_is_decisive():
    verdict = recognise_action("news", "Les jardins du Neuhof", "Un jardin.", "https://x.fr/nos-projets/jardins",
                               action_sections=("https://x.fr/nos-projets/",))
    assert verdict.is_action and "rubrique (registre)" in verdict.signals


def test_section_and_structure_together():
    verdict = recognise_action("news", "Les jardins du Neuhof",
                               "Objectifs : créer du lien\nPartenaires : le bailleur\nPublic : les familles\n",
                               "https://x.fr/initiatives/jardins")
    assert verdict.is_action and verdict.score >= 0.6
