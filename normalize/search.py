"""French-aware full-text search helpers: light stemming and safe FTS5 MATCH expressions.

The pipeline stores `stem_text(title + summary + body_text)` in `items.search_stems`;
the portal turns what a visitor typed into a MATCH expression with `build_match_query`,
stemming each word the same way, so "emplois" finds "emploi" and "rénovations" finds
"rénovation". Accents are folded by the FTS tokenizer (`remove_diacritics 2`) and here.
Acronyms of the field (`data/acronyms.yaml`) meet their spelled-out forms both ways: the
query word "QPV" also matches "quartiers prioritaires", and a text that only writes "QPV"
gets the stems of "quartier prioritaire" indexed beside its own. Synonyms of the field
(`data/thesaurus.yaml`: "rénovation urbaine", "renouvellement urbain", "NPNRU"…) are one
group: a query naming any of them searches them all.
Nothing a visitor types can reach FTS5 syntax unquoted: every term is rebuilt from letters
and digits only, so quotes, parentheses, `NEAR(`, a lone `*` never cause an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer
import yaml

from normalize.folding import strip_accents

ACRONYMS_PATH = Path(__file__).resolve().parent.parent / "data" / "acronyms.yaml"
THESAURUS_PATH = Path(__file__).resolve().parent.parent / "data" / "thesaurus.yaml"

# Elided articles and pronouns glued to the next word by an apostrophe (l'emploi, qu'il).
_ELISION = re.compile(r"(?<![^\W_])(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu|quoiqu)['’ʼ]", re.I)
# Acronyms written with dots (Q.P.V., A.N.R.U.) are searched as one word.
_DOTTED_ACRONYM = re.compile(r"\b(?:[^\W\d_]\.){2,}(?:[^\W\d_]\b\.?)?")
_WORD = re.compile(r"[^\W_]+")
# A query term: letters/digits, possibly hyphenated (Seine-Saint-Denis), possibly a prefix (urba*).
_QUERY_TOKEN = re.compile(r"[^\W_]+(?:[-‐‑][^\W_]+)*\*?|\*")
_QUOTED = re.compile(r"[\"«“]([^\"«»“”]*)[\"»”]")

# Common French function words: they carry no meaning for a search and would only
# restrict results ("l'emploi des jeunes" searches "emploi" and "jeunes").
STOPWORDS = frozenset(
    """a à au aux avec ce ces cet cette dans de des du elle elles en est et été être il ils
    je la le les leur leurs lui ma mais me mes moi mon ne ni nos notre nous on ou où par pas
    pour qu que qui sa se ses son sont sur ta te tes toi ton tu un une vos votre vous y""".split()
)
MAX_TERMS = 12

_stemmer = snowballstemmer.stemmer("french")


def fold(text: str) -> str:
    """Lowercase and strip accents, the way the FTS tokenizer compares words (it keeps œ)."""
    return strip_accents(text.lower(), ligatures=False)


@lru_cache(maxsize=65536)
def stem_word(word: str) -> str:
    """The folded French stem of one word (plural -s/-x and -aux handled before Snowball)."""
    word = word.lower()
    if len(word) > 4 and word.endswith("aux"):
        word = word[:-3] + "al"  # journaux → journal, territoriaux → territorial
    elif len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        word = word[:-1]  # emplois → emploi (Snowball leaves "-ois" alone)
    return fold(_stemmer.stemWord(word))


def _prepare(text: str) -> str:
    """Drop elisions and join dotted acronyms, before splitting into words."""
    text = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text)
    return _ELISION.sub(" ", text)


def _stems(prepared: str) -> list[str]:
    """Stems of the meaningful words of a text already through `_prepare`."""
    return [stem_word(w) for w in _WORD.findall(prepared) if w.lower() not in STOPWORDS]


@dataclass(frozen=True)
class Glossary:
    """Acronyms and the stem sequences of their expansions."""

    expansions: dict[str, tuple[tuple[str, ...], ...]]  # folded acronym -> stem sequences
    in_text: re.Pattern | None  # the acronyms in capitals, as whole words


@lru_cache(maxsize=1)
def glossary(path: Path = ACRONYMS_PATH) -> Glossary:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    expansions = {fold(str(acronym)): tuple(tuple(_stems(_prepare(str(e)))) for e in forms)
                  for acronym, forms in (data.get("acronyms") or {}).items()}
    names = sorted((str(a) for a in data.get("acronyms") or {}), key=len, reverse=True)
    pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, names)) + r")(?![^\W_])") \
        if names else None
    return Glossary(expansions, pattern)


@dataclass(frozen=True)
class Thesaurus:
    """Groups of synonyms: each term as its stem sequence, and the group of each sequence."""

    groups: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...]  # (term, stems) per member
    group_of: dict[tuple[str, ...], int]  # stem sequence -> index in `groups`
    longest: int  # the most stems of one term


@lru_cache(maxsize=1)
def thesaurus(path: Path = THESAURUS_PATH) -> Thesaurus:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    groups, group_of = [], {}
    for terms in (data or {}).get("groups") or []:
        members = tuple((str(t), tuple(_stems(_prepare(str(t))))) for t in terms)
        members = tuple(m for m in members if m[1])
        for _term_text, stems in members:
            group_of.setdefault(stems, len(groups))
        groups.append(members)
    longest = max((len(stems) for stems in group_of), default=0)
    return Thesaurus(tuple(groups), group_of, longest)


def _synonyms(group: int, stems_column: str | None, typed: str | None) -> str:
    """The MATCH expression of every term of a thesaurus group (ORed), beside the word the
    visitor typed (`typed`, when the term was one word). An acronym of the glossary met as
    a synonym is searched by its spelled-out forms (which the index holds beside every
    acronym written in capitals) and, from four letters, as a word: "PRE" as a word would
    also find "pré"."""
    alternatives: list[str] = _alternatives(typed, stems_column) if typed else []
    for text, stems in thesaurus().groups[group]:
        words = _WORD.findall(_prepare(text))
        if stems_column is None:
            # A text index without stems (PDF text): the term as written, a phrase. NEAR
            # over stem prefixes for every synonym costs too much on a large index.
            found = [_quote(" ".join(w.lower() for w in words))]
        elif len(words) > 1:
            found = [_expansion(stems, stems_column)]
        elif fold(words[0]) in glossary().expansions:
            found = [_expansion(seq, stems_column) for seq in glossary().expansions[fold(words[0])]]
            if len(words[0]) >= 4:
                found.insert(0, _quote(words[0].lower()))
        else:
            found = _alternatives(words[0], stems_column)
        alternatives.extend(f for f in found if f not in alternatives)
    return "(" + " OR ".join(alternatives) + ")" if len(alternatives) > 1 else alternatives[0]


def _token_stems(token: str) -> tuple[str, ...]:
    return tuple(stem_word(w) for w in _WORD.findall(token.rstrip("*")) if w.lower() not in STOPWORDS)


def stem_text(text: str) -> str:
    """French stems of the meaningful words of `text`, space-separated, for `items.search_stems`;
    each acronym of the glossary used in the text adds the stems of its first expansion."""
    if not text:
        return ""
    prepared = _prepare(text)
    stems = _stems(prepared)
    terms = glossary()
    if terms.in_text is not None:
        for acronym in sorted(set(terms.in_text.findall(prepared))):
            stems.extend(terms.expansions[fold(acronym)][0])
    return " ".join(stems)


def mark_query_words(text: str, query: str, open_mark: str, close_mark: str) -> str:
    """`text` with each word whose stem is one of the query's between the two marks: a title
    matched only through a PDF's text still shows which of its words were searched."""
    wanted = set(_stems(_prepare(query or "")))
    if not text or not wanted:
        return text or ""
    return _WORD.sub(lambda m: f"{open_mark}{m.group(0)}{close_mark}"
                     if m.group(0).lower() not in STOPWORDS and stem_word(m.group(0)) in wanted
                     else m.group(0), text)


def _quote(text: str) -> str:
    return '"' + text.replace('"', "") + '"'


def _term(word: str, stems_column: str | None) -> str | None:
    """The MATCH sub-expression for one visitor word (or None when nothing is left)."""
    alternatives = _alternatives(word, stems_column)
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"


def _alternatives(word: str, stems_column: str | None) -> list[str]:
    """The MATCH expressions any of which finds one visitor word."""
    prefix = word.endswith("*")
    word = word.rstrip("*")
    parts = [p for p in _WORD.findall(word)]
    if not parts:
        return []
    if len(parts) > 1:  # a hyphenated compound is a phrase: Seine-Saint-Denis
        return [_quote(" ".join(parts)) + ("*" if prefix else "")]
    word = parts[0].lower()
    if prefix:
        return [_quote(word) + "*"]
    stem = stem_word(word)
    alternatives = [_quote(word)]
    if stems_column:
        alternatives.append(f"{stems_column} : {_quote(stem)}")
    elif len(stem) >= 3 and stem != fold(word):
        # Without a stems column (PDF text), a stem prefix covers plurals and inflections.
        alternatives.append(f"{_quote(stem)}*")
    for sequence in glossary().expansions.get(fold(word), ()):
        alternatives.append(_expansion(sequence, stems_column))
    return alternatives


def _expansion(sequence: tuple[str, ...], stems_column: str | None) -> str:
    """The MATCH expression of an acronym's spelled-out form (a sequence of stems)."""
    if stems_column:  # stems are stored in order, function words left out: a phrase
        return f"{stems_column} : {_quote(' '.join(sequence))}"
    # Raw text keeps its function words ("réussite de ... éducative"): stem prefixes, near.
    prefixes = " ".join(f"{_quote(stem)}*" for stem in sequence)
    return f"NEAR({prefixes}, {2 * len(sequence)})" if len(sequence) > 1 else prefixes


def build_match_query(user_input: str, stems_column: str | None = "search_stems") -> str | None:
    """A safe FTS5 MATCH expression for any visitor input, or None when nothing is searchable.

    Words are ANDed; an upper-case OR between two words means either; "quoted text" is a
    phrase; a trailing * asks for a prefix. `stems_column` names the FTS column holding
    `stem_text` output (None for an index without one, such as documents_fts).
    """
    if not user_input or not user_input.strip():
        return None
    text = user_input[:500]
    phrases: list[str] = []

    def keep_phrase(match: re.Match) -> str:
        words = _WORD.findall(_prepare(match.group(1)))
        if words:
            phrases.append(_quote(" ".join(w.lower() for w in words)))
        return " "

    text = _QUOTED.sub(keep_phrase, text)
    tokens = _QUERY_TOKEN.findall(_prepare(text))

    # Groups are ANDed together; the terms inside a group are ORed (OR binds tighter,
    # as on web search engines: "emploi jeunes OR seniors" = emploi AND (jeunes OR seniors)).
    groups: list[list[str]] = [[p] for p in phrases]
    pending_or = False
    dropped: list[str] = []
    words: list[str] = []  # the tokens kept, operators included, function words out
    for token in tokens:
        if not token.endswith("*") and token.lower() in STOPWORDS and token != "OR":
            dropped.append(token)
        else:
            words.append(token)
    synonyms = thesaurus()
    position = 0
    while position < len(words):
        token = words[position]
        position += 1
        if token == "OR":
            pending_or = bool(groups)
            continue
        if token in ("AND", "NOT", "NEAR") or token == "*":
            continue
        expr = None
        if synonyms.longest and not token.endswith("*"):
            # The longest run of words from here that is a term of the thesaurus.
            run, best = _token_stems(token), None
            if run in synonyms.group_of:
                best = (position, synonyms.group_of[run], token)
            end = position
            while end < len(words) and len(run) < synonyms.longest and words[end] not in (
                    "OR", "AND", "NOT", "NEAR", "*") and not words[end].endswith("*"):
                run += _token_stems(words[end])
                end += 1
                if run in synonyms.group_of:
                    best = (end, synonyms.group_of[run], None)
            if best is not None:
                position = best[0]
                expr = _synonyms(best[1], stems_column, best[2])
        if expr is None:
            expr = _term(token, stems_column)
        if expr is None:
            continue
        if pending_or:
            groups[-1].append(expr)
        else:
            groups.append([expr])
        pending_or = False
    if not groups:
        # Only function words or operators ("OR", "de la"): search them literally.
        literal = [w.lower() for w in _WORD.findall(" ".join(dropped) or user_input)]
        groups = [[_quote(w)] for w in literal]
    if not groups:
        return None
    groups = groups[:MAX_TERMS]
    return " AND ".join(g[0] if len(g) == 1 else "(" + " OR ".join(g) + ")" for g in groups)
