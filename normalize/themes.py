"""Themes: tag an item with 0–3 themes of the shared vocabulary (`data/themes.yaml`).

Evidence, strongest first:
- the centre's own categories/tags, mapped in the vocabulary (`categories`,
  `centre_categories`), or, when unmapped, a category label that itself names a theme
  ("Santé mentale"): method "category";
- keywords, stems and acronyms in the title (one hit is enough to tag);
- the same in the body, where a hit weighs less and long texts are damped, so that a
  single passing mention in a long body does not tag.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from normalize.folding import fold_words

__all__ = ["Theme", "ThemeMatch", "Vocabulary", "load_vocabulary", "classify", "fold"]

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "themes.yaml"

TITLE_WEIGHT = 3.0  # a distinct term found in the title
BODY_WEIGHT = 1.0  # one occurrence in the body
BODY_CAP = 3  # occurrences of one term counted in the body
CATEGORY_WEIGHT = 4.0  # a category of the centre naming the theme
MIN_SCORE = 3.0  # below this a theme is not given
RELATIVE_CUTOFF = 0.3  # a secondary theme needs this share of the best score
BODY_REFERENCE_WORDS = 400  # longer bodies count each hit less (× sqrt(400 / words))
MAX_THEMES = 3


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    description: str
    keywords: tuple[str, ...]
    stems: tuple[str, ...]
    acronyms: tuple[str, ...]


@dataclass(frozen=True)
class ThemeMatch:
    theme_id: str
    label: str
    method: str  # "category" or "keywords"
    score: float


@dataclass
class Vocabulary:
    themes: tuple[Theme, ...]
    categories: dict[str, tuple[str, ...]]  # folded label -> theme ids
    centre_categories: dict[str, dict[str, tuple[str, ...]]]
    _folded: list[re.Pattern] = field(default_factory=list, repr=False)
    _acronyms: list[re.Pattern | None] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._folded = [_folded_pattern(t) for t in self.themes]
        self._acronyms = [_acronym_pattern(t) for t in self.themes]

    def theme(self, theme_id: str) -> Theme:
        """The theme with this id (KeyError when unknown)."""
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)


fold = fold_words  # lower-case, accent-free, punctuation-free words one space apart


def _folded_pattern(theme: Theme) -> re.Pattern:
    # Keywords come first (longest first) so a phrase is consumed whole and its words are
    # not counted again as stems; each keyword word may take a plural/feminine ending.
    words = [fold(k).split() for k in theme.keywords]
    keywords = sorted((w for w in words if w), key=lambda w: -sum(map(len, w)))
    alternatives = [" ".join(re.escape(x) + r"(?:e?s|x)?" for x in w) for w in keywords]
    alternatives += [re.escape(fold(s)) + r"[a-z0-9]*" for s in theme.stems if fold(s)]
    if not alternatives:
        return re.compile(r"(?!x)x")
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


def _acronym_pattern(theme: Theme) -> re.Pattern | None:
    if not theme.acronyms:
        return None
    terms = sorted(theme.acronyms, key=len, reverse=True)
    # Each term as its first letter, then "not after a word character or a hyphen", then the
    # rest: the same matches as a leading look-behind, but a pattern that starts with
    # letters lets the regex engine skip to the next capital (3x faster over a page).
    alternatives = [re.escape(t[0]) + r"(?<![\w-].)" + re.escape(t[1:]) for t in terms]
    return re.compile(r"(?:" + "|".join(alternatives) + r")(?![\w-])")


def _as_ids(value, known: set[str], where: str) -> tuple[str, ...]:
    ids = (value,) if isinstance(value, str) else tuple(value or ())
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ValueError(f"themes.yaml: {where} names unknown theme(s) {unknown}")
    return ids


@lru_cache(maxsize=8)
def _load(path: str) -> Vocabulary:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    themes = tuple(
        Theme(
            id=str(t["id"]),
            label=str(t["label"]),
            description=" ".join(str(t.get("description", "")).split()),
            keywords=tuple(map(str, t.get("keywords") or ())),
            stems=tuple(map(str, t.get("stems") or ())),
            acronyms=tuple(map(str, t.get("acronyms") or ())),
        )
        for t in data["themes"]
    )
    known = {t.id for t in themes}
    if len(known) != len(themes):
        raise ValueError("themes.yaml: duplicate theme id")
    categories = {
        fold(label): _as_ids(ids, known, f"category {label!r}")
        for label, ids in (data.get("categories") or {}).items()
    }
    centre_categories = {
        str(centre): {
            fold(label): _as_ids(ids, known, f"{centre} category {label!r}")
            for label, ids in (mapping or {}).items()
        }
        for centre, mapping in (data.get("centre_categories") or {}).items()
    }
    return Vocabulary(themes, categories, centre_categories)


def load_vocabulary(path: str | Path | None = None) -> Vocabulary:
    """Read (once, cached) the theme vocabulary; default `data/themes.yaml`."""
    return _load(str(Path(path or DEFAULT_PATH).resolve()))


def _term_counts(
    vocabulary: Vocabulary, index: int, text: str, folded: str, masks: list | None = None,
    found: list | None = None,
) -> dict[str, int]:
    """Matched terms of one theme and their counts.

    `masks` holds, per theme, the spans of its multi-word keywords: a match of this theme
    lying inside another theme's phrase does not count ("éducation" inside "éducation
    artistique et culturelle" is culture, not school). `found`: the theme's matches in
    `folded`, when the caller already has them (`_theme_matches`).
    """
    counts: dict[str, int] = {}
    matches = found if found is not None else _matches(vocabulary._folded[index], folded)
    for (start, end), term in matches:
        if masks and " " not in term and any(
            other_start <= start and end <= other_end
            for other, spans in enumerate(masks) if other != index
            for other_start, other_end in spans
        ):
            continue
        counts[term] = counts.get(term, 0) + 1
    acronyms = vocabulary._acronyms[index]
    if acronyms is not None:
        for match in acronyms.finditer(text):
            key = "#" + match.group(0)  # kept apart from folded words
            counts[key] = counts.get(key, 0) + 1
    return counts


def _matches(pattern, folded: str) -> list[tuple[tuple[int, int], str]]:
    return [(m.span(), m.group(0)) for m in pattern.finditer(folded)]


def _theme_matches(vocabulary: Vocabulary, folded: str) -> tuple[list, list]:
    """Per theme, its matches in a folded text, and the spans of its multi-word keywords
    among them (the masks of `_term_counts`): each theme's pattern runs once per text."""
    found = [_matches(pattern, folded) for pattern in vocabulary._folded]
    masks = [[span for span, term in matches if " " in term] for matches in found]
    return found, (masks if any(masks) else None)  # most texts hold no phrase: nothing to mask


def _category_themes(vocabulary: Vocabulary, label: str, centre_id: str | None) -> tuple[str, ...]:
    """Themes named by one category label: mapped first, else its own words."""
    own = vocabulary.centre_categories.get(centre_id or "", {})
    parts = [label] + [p for p in re.split(r"[/>|»]", label) if p.strip() and p != label]
    for part in parts:
        key = fold(part)
        if key in own:
            return own[key]
        if key in vocabulary.categories:
            return vocabulary.categories[key]
    folded = fold(label)
    return tuple(
        theme.id
        for i, theme in enumerate(vocabulary.themes)
        if _term_counts(vocabulary, i, label, folded)
    )


def classify(
    vocabulary: Vocabulary,
    title: str,
    text: str,
    categories=(),
    centre_id: str | None = None,
) -> list[ThemeMatch]:
    """The 0–3 themes of an item, best first (see the module docstring for the rules)."""
    title = title or ""
    text = text or ""
    folded_title = fold(title)
    folded_text = fold(text)
    words = max(1, folded_text.count(" ") + 1) if folded_text else 1
    damping = min(1.0, math.sqrt(BODY_REFERENCE_WORDS / words))

    from_categories: dict[str, int] = {}
    for label in categories or ():
        for theme_id in dict.fromkeys(_category_themes(vocabulary, str(label), centre_id)):
            from_categories[theme_id] = from_categories.get(theme_id, 0) + 1

    scored: list[tuple[float, int, Theme, str]] = []
    title_found, title_masks = _theme_matches(vocabulary, folded_title)
    text_found, text_masks = _theme_matches(vocabulary, folded_text)
    for index, theme in enumerate(vocabulary.themes):
        title_terms = _term_counts(vocabulary, index, title, folded_title, title_masks,
                                   title_found[index])
        body_terms = _term_counts(vocabulary, index, text, folded_text, text_masks,
                                  text_found[index])
        body = sum(min(n, BODY_CAP) for n in body_terms.values()) * BODY_WEIGHT * damping
        score = TITLE_WEIGHT * len(title_terms) + body
        method = "keywords"
        if theme.id in from_categories:
            score += CATEGORY_WEIGHT * min(from_categories[theme.id], 2)
            method = "category"
        if score >= MIN_SCORE:
            scored.append((score, index, theme, method))
    if not scored:
        return []
    scored.sort(key=lambda s: (-s[0], s[1]))
    best = scored[0][0]
    return [
        ThemeMatch(theme.id, theme.label, method, round(score, 2))
        for score, _, theme, method in scored[:MAX_THEMES]
        if score >= RELATIVE_CUTOFF * best or method == "category"
    ]
