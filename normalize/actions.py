"""Is an item an *action*: a page telling a local project or experience ("fiche expérience",
"retour d'expérience", portrait of a project or of a quartier, capitalisation note)?

Pure: a decision from what the item says of itself. An action stays the news item or the
document the centre published; this only adds that it is also an action. Four kinds of
evidence, each scored, the sum compared with THRESHOLD:

- the section: the page sits under a registry section hinted `content: action`
  (decisive), or its URL or categories name experiences/projects ("/fiches-experiences/",
  "Retours d'expériences");
- the title's vocabulary: "Fiche expérience", "Retour d'expérience", "Portrait de projet",
  "Capitalisation", "l'expérience du quartier…";
- the body's vocabulary: "cette fiche expérience", "fiche réalisée par…" (weaker: a page may
  simply mention "des retours d'expériences");
- the structure of a project sheet: labelled parts ("Porteur du projet", "Partenaires",
  "Public visé", "Objectifs", "Résultats", "Budget"…), three or more of them.

Events are never actions: a webinar "retours d'expériences" is an event about actions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from normalize.folding import strip_accents

__all__ = ["THRESHOLD", "ActionVerdict", "recognise_action"]

THRESHOLD = 0.6

_TITLE = re.compile(
    r"\bfiches?[\s-]+(?:experiences?|actions?|projets?|initiatives?)\b"
    r"|\bretours?\s+d\W?\s*experiences?\b"
    r"|\bportraits?\s+(?:de|d\W)\s*(?:projets?|quartiers?|(?:l\W|la\s+)?(?:initiative|action|structure))\b"
    r"|\bcapitalisation\b"
    r"|\bl\W\s*experience\s+(?:du|de|des|d\W)\s*(?:quartier|la\s+ville|la\s+cite|projet)"
    r"|\bexperiences?\s+(?:locales?|inspirantes?|de\s+terrain)\b"
    r"|\b(?:projets?|initiatives?|actions?)\s+(?:inspirantes?|exemplaires?|remarquables?)\b"
    r"|\bca\s+marche\s+(?:a|au|aux|dans|chez)\b",
    re.IGNORECASE)
_SECTION = re.compile(
    r"(?:^|[/_-])(?:fiches?[-_]?experiences?|experiences?|retours?[-_](?:d[-_])?experiences?|"
    r"initiatives?|capitalisation|portraits?[-_]de[-_]projets?|projets?[-_]locaux|"
    r"actions?[-_]locales?|pratiques?|bonnes?[-_]pratiques?|ressources[-_]experiences?)(?:$|[/_.?-])",
    re.IGNORECASE)
_CATEGORY = re.compile(
    r"\b(?:fiches?\s+experiences?|experiences?|retours?\s+d\W?\s*experiences?|initiatives?|"
    r"capitalisation|portraits?|projets?\s+locaux|bonnes?\s+pratiques?|actions?\s+locales?)\b",
    re.IGNORECASE)
_BODY = re.compile(
    r"\b(?:cette|la\s+presente)\s+fiche\b|\bfiche\s+(?:realisee|redigee|elaboree)\b"
    r"|\bfiche[\s-]experience\b|\bce\s+retour\s+d\W?\s*experience\b"
    r"|\bcapitalisation\s+(?:de|du|d\W)\s*(?:l\W|la\s+)?(?:experience|action|projet|demarche)",
    re.IGNORECASE)
# Labels of a project sheet, at the start of a line and followed by a colon (or alone on
# their line, as headings).
_LABELS = {
    "porteur": r"porteurs?(?:\s+(?:du|de\s+l\W)\s*(?:projet|action))?|structure\s+porteuse|maitre\s+d\W\s*ouvrage",
    "partenaires": r"partenaires?(?:\s+(?:mobilises|associes|financiers|du\s+projet))?|partenariats?",
    "public": r"publics?(?:\s+(?:vises?|cibles?|concernes?|beneficiaires?))?|beneficiaires",
    "objectifs": r"objectifs?(?:\s+(?:du\s+projet|de\s+l\W\s*action|poursuivis))?|enjeux",
    "resultats": r"resultats?(?:\s+obtenus)?|bilan|effets?\s+observes|impacts?",
    "territoire": r"territoires?|lieux?|quartiers?(?:\s+concernes?)?|localisation|communes?",
    "moyens": r"budget|financements?|moyens(?:\s+mobilises)?|cout",
    "calendrier": r"calendrier|duree|date\s+de\s+(?:lancement|debut)|periode",
    "description": r"description(?:\s+de\s+l\W\s*action)?|contexte|genese|historique",
    "contact": r"contacts?|pour\s+en\s+savoir\s+plus",
    "perspectives": r"perspectives|suites?\s+envisagees|points?\s+de\s+vigilance|facteurs?\s+de\s+reussite",
}
_LABEL_LINE = re.compile(
    r"^[\s•\-–*]*(?P<label>" + "|".join(f"(?P<{k}>{v})" for k, v in _LABELS.items()) + r")\s*(?::|$|\n)",
    re.IGNORECASE | re.MULTILINE)


@dataclass
class ActionVerdict:
    """Whether an item is an action, how sure, and the evidence."""

    is_action: bool
    score: float
    signals: list[str] = field(default_factory=list)


def _fold(text: str) -> str:
    return strip_accents(text or "").replace("’", "'")


def recognise_action(kind: str, title: str | None, text: str | None = None, url: str | None = None,
                     categories=(), action_sections=()) -> ActionVerdict:
    """The verdict for one item: its kind (news, event, document), title, plain text (summary
    and body), canonical URL, the publisher's categories, and the URL prefixes the registry
    hints as sections of actions."""
    if kind == "event":
        return ActionVerdict(False, 0.0, ["événement"])
    score, signals = 0.0, []
    title_f, text_f = _fold(title), _fold((text or "")[:30_000])
    url = url or ""
    if any(url.startswith(prefix) for prefix in action_sections if prefix):
        score += 1.0
        signals.append("rubrique (registre)")
    path = re.sub(r"^[a-z]+://[^/]+", "", url.split("#")[0])
    if _SECTION.search(_fold(path)):
        score += 0.45
        signals.append("adresse")
    if any(_CATEGORY.search(_fold(c)) for c in categories or ()):
        score += 0.45
        signals.append("catégorie")
    if _TITLE.search(title_f):
        score += 0.8
        signals.append("titre")
    if _BODY.search(text_f):
        score += 0.3
        signals.append("texte")
    labels = {k for m in _LABEL_LINE.finditer(text_f) for k, v in m.groupdict().items()
              if v and k != "label"}
    if len(labels) >= 3:
        score += 0.3 + 0.1 * min(3, len(labels) - 3)
        if len(labels) >= 4 and labels & {"porteur", "resultats"}:
            score += 0.2  # who carries it, what came of it: a project told, not a call for one
        signals.append("structure (" + ", ".join(sorted(labels)) + ")")
    return ActionVerdict(score >= THRESHOLD, round(min(score, 2.0), 2), signals)
