"""The communes an item is about, and the quartiers it names, from its title, text and
structured places, resolved against the official geography (`normalize.geo`).

Pure: no I/O beyond the data files `normalize.geo` reads once. The hard cases of French
place names are handled by rules that each say why:

- a commune name must be written as a proper noun (capitalised, not glued to another word
  by a hyphen, not inside a web address), so "marseillais", "orange" or "sens unique" are
  never places; a name that is also an ordinary word ("Orange", "Sens", "Vence", "Plaisir")
  needs a place's context ("à Orange", "Sens (89)") unless the town is large;
- "rue de Paris", "gare de Lyon", "Jean Moulin", "Grand Paris" are not the commune;
- homonyms (four Saint-Denis, two Valence…) are told apart by a postcode or a département
  code next to the name ("Saint-Denis (93)", "97400 Saint-Denis"), a département named in
  the text, the other places of the text, the centre's own territory, then the population;
- "au Havre", "des Ulis", "du Moule" are Le Havre, Les Ulis, Le Moule;
- a quartier ("quartier de l'Alma à Roubaix", "Lille (Fives)", "le quartier Moulins") is
  a quartier of the commune named beside it, never a commune of its own name.

Each commune found carries a confidence in [0, 1] (the strongest of its mentions, more when
it is named several times or in the title); ABOUT is the threshold from which an item is
said to be about it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from normalize.folding import fold, fold_words, strip_accents
from normalize.geo import Commune, departement_of, geography

__all__ = ["ABOUT", "Territory", "CommuneFound", "find_communes", "territory_of", "Mention"]

ABOUT = 0.5  # an item is about the communes found with at least this confidence
MAX_TEXT = 20_000  # characters of body text read (the first ones say where a story is)

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# Words inside a commune name that are written in lower case ("Saint-Laurent-du-Maroni").
_PARTICLES = {"de", "du", "des", "la", "le", "les", "l", "d", "sur", "en", "et", "sous", "aux",
              "au", "les", "lez", "a", "y", "s", "st", "ste"}
_ARTICLE_VARIANTS = {"le": ("au", "du"), "les": ("aux", "des")}
# Words before a name that make it a place ("à Roubaix", "ville de Lille", "vers Lens").
_LOCATIVE = {"a", "au", "aux", "vers", "depuis", "jusqu", "pres", "sur", "entre"}
_PLACE_NOUNS = {"ville", "villes", "commune", "communes", "mairie", "maire", "agglomeration",
                "metropole", "habitants", "habitante", "habitant", "territoire", "quartiers",
                "quartier", "centre", "cite", "region", "secteur", "canton", "pays",
                "municipalite", "cites"}
# Words before a name that make it part of an address or of a name ("rue de Paris").
_STREET = {"rue", "avenue", "av", "boulevard", "bd", "place", "quai", "allee", "allees",
           "impasse", "chemin", "route", "cours", "square", "passage", "gare", "porte",
           "pont", "parc", "stade", "esplanade", "faubourg", "rond", "point", "parvis",
           "autoroute", "tour", "hotel", "lycee", "college", "ecole", "residence"}
_INSTITUTIONS = {"universite", "academie", "chu", "diocese", "prefecture", "tribunal",
                 "cour", "conseil", "club", "stade", "olympique", "fc", "as", "racing",
                 "accords", "accord", "traite", "conference", "salon", "festival", "sciences",
                 "institut", "opera", "theatre", "musee", "ecole", "lycee", "college", "bourse",
                 "social", "sociale", "socioculturel", "culturel", "associatif", "gendarmerie",
                 "parquet", "rectorat", "hopital", "samu", "prison", "penitentiaire", "arret",
                 "aeroports", "port", "chambre", "commerce", "brigade", "commissariat", "liberte",
                 "mutuelles", "mutuelle", "blog", "caf", "cpam", "prud", "hommes", "assises",
                 "procureur", "procureure", "appel", "instance", "maritime", "grand"}
_SENTENCE_END = re.compile(r"[.!?:;«»\"“”\n\r\t•|·—–(]\s*$|^\s*$")
# "Saint-Denis (93)", "(Saint-Denis, 93)", "Stains 93 :".
_DEPT_CODE_AFTER = re.compile(r"^(?:\s*\(\s*|\s*,\s*)(\d{2}|2[ab]|97\d)\s*\)", re.IGNORECASE)
_POSTCODE = re.compile(r"(?<!\d)(\d{5})(?!\d)")
_QUARTIER = re.compile(
    r"\b(?:[Qq]uartiers?|QPV|[Cc]it[ée]|[Rr][ée]sidence|[Ss]ecteur)[ \u00a0]+"
    r"(?:(?:de[ \u00a0]+la|de[ \u00a0]+l['’]|du|des|de|d['’])[ \u00a0]*)?"
    r"(?:(?:la|le|les|l['’])[ \u00a0]*)?"
    r"((?:[A-ZÀ-ÖØ-Ý0-9][\w’'.-]*)(?:(?:[ \u00a0]+|[ \u00a0]*[-–][ \u00a0]*)(?:(?:de|du|des|la|le|les|d['’]|l['’]|sur|en|et)[ \u00a0]*)*"
    r"[A-ZÀ-ÖØ-Ý0-9][\w’'.-]*)*)")
_PLAIN_SEP = re.compile(r"[ \u00a0]{1,2}|['’]|[ \u00a0]['’]")  # on one line, no punctuation
_PARENTHESIS = re.compile(r"^\s*\(([^()]{2,60})\)")
_NOT_QUARTIERS = {"prioritaire", "prioritaires", "politique", "ville"}


@dataclass(frozen=True)
class Territory:
    """Where a centre works: its régions and départements (empty for a national centre)."""

    regions: frozenset = frozenset()
    departements: frozenset = frozenset()

    @property
    def national(self) -> bool:
        return not self.regions and not self.departements


@dataclass
class Mention:
    """One place in the text where a commune name was read."""

    code: str
    confidence: float
    start: int
    end: int
    in_title: bool = False
    text: str = ""
    at: bool = False  # written "à X" / "au X" (or with its postcode or département code)


@dataclass
class CommuneFound:
    """A commune an item names, with how sure the finder is that the item is about it."""

    code: str
    nom: str
    departement: str
    region: str
    confidence: float
    mentions: int = 1
    source: str = "texte"  # lieu (structured place), titre, texte
    quartiers: list[str] = field(default_factory=list)
    evidence: str = ""


def territory_of(region_code: str | None = None, territory: str | None = None) -> Territory:
    """A centre's territory from its registry entry: the région code, and the régions and
    départements its territory line names ("Bretagne, Pays de la Loire", "Essonne")."""
    geo = geography()
    regions, depts = set(), set()
    if region_code and region_code in geo.regions:
        regions.add(region_code)
    text = fold_words(territory or "")
    if text and text not in ("national", "france"):
        for code, name in geo.regions.items():
            if re.search(rf"\b{re.escape(fold_words(name))}\b", text):
                regions.add(code)
        for code, dept in geo.departements.items():
            if re.search(rf"\b{re.escape(fold_words(dept.nom))}\b", text):
                depts.add(code)
        if depts:  # "Seine-Saint-Denis", "Essonne": the département says more than its région
            named = {geo.departements[d].region for d in depts}
            regions |= named
    return Territory(frozenset(regions), frozenset(depts))


@dataclass
class _Token:
    start: int
    end: int
    raw: str
    low: str  # folded


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.start(), m.end(), m.group(0), _folded_word(m.group(0)))
            for m in _TOKEN.finditer(text)]


# A word's folded form, worked out once: a few thousand words make most of the items' text.
_folded_word = lru_cache(maxsize=65_536)(fold)


@lru_cache(maxsize=1)
def _index() -> dict[tuple[str, ...], list[tuple[tuple[Commune, ...], bool]]]:
    """Words of a name → [(the communes in force it may mean, via an article contraction)].
    Communes déléguées lead to their commune."""
    geo = geography()
    names: dict[tuple[str, ...], dict[str, Commune]] = {}
    for entry in geo.entries:
        if entry.kind == "arrondissement":
            continue
        target = geo.communes.get(entry.commune)
        if target is None:
            continue
        words = tuple(fold_words(entry.nom).split())
        if not words:
            continue
        names.setdefault(words, {})[target.code] = target
    index: dict[tuple[str, ...], list] = {}
    for words, found in names.items():
        communes = tuple(found.values())
        index.setdefault(words, []).append((communes, False))
        for variant in _ARTICLE_VARIANTS.get(words[0], ()):
            if len(words) > 1:
                index.setdefault((variant,) + words[1:], []).append((communes, True))
    return index


@lru_cache(maxsize=1)
def _name_lengths() -> dict[str, int]:
    """First word of a name → the most words of a name starting with it: most words of a text
    start no name, and are passed over with one lookup instead of one per length."""
    index = _index()
    lengths: dict[str, int] = {}
    for words in index:
        lengths[words[0]] = max(lengths.get(words[0], 0), len(words))
    return lengths


@lru_cache(maxsize=1)
def _bare_index() -> dict[tuple[str, ...], tuple[Commune, ...]]:
    """Names written without their article ("Blanc-Mesnil" for Le Blanc-Mesnil), when no
    commune bears the shorter name: read only beside their postcode or département code."""
    index = _index()
    bare: dict[tuple[str, ...], list] = {}
    for words, options in index.items():
        if len(words) > 1 and words[0] in ("le", "la", "les") and words[1:] not in index:
            for communes, variant in options:
                if not variant:
                    bare.setdefault(words[1:], []).extend(communes)
    return {k: tuple(v) for k, v in bare.items()}


@lru_cache(maxsize=1)
def _spellings() -> dict[tuple[str, ...], set[str]]:
    """Folded words of a name → the letters of its official spellings, accents kept; and
    ("*",) + the words after its article ("havre") → the same, for "au Havre"."""
    out: dict[tuple[str, ...], set[str]] = {}
    for entry in geography().entries:
        words = tuple(fold_words(entry.nom).split())
        out.setdefault(words, set()).add(_letters(entry.nom))
        if len(words) > 1:
            out.setdefault(("*",) + words[1:], set()).add(_letters(entry.nom))
    return out


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalpha())


def _spelled(words: tuple[str, ...], variant: bool, raw: str, accented: bool = True) -> bool:
    """The name as written keeps the accents of the official name: "Berne" is not Berné. A name in capitals passes, and any spelling in a text written
    without accents (`accented` false)."""
    if raw.isupper() or (not accented and strip_accents(raw) == raw):
        return True
    letters = _letters(raw)
    # "au Havre": the letters after the article
    spellings = _spellings().get(("*",) + words[1:] if variant else words, set())
    for spelling in spellings:
        tail = spelling[-len(letters):] if letters else ""
        if len(tail) == len(letters) and strip_accents(tail) == strip_accents(letters) and all(
                official == written or strip_accents(written) != written
                for official, written in zip(tail, letters)):
            return True  # every accent of the name is written (more are tolerated: "Dembéni")
    return False


def _sentence_start(text: str, start: int) -> bool:
    return bool(_SENTENCE_END.search(text[max(0, start - 3):start]))


def _capitalised(token: _Token) -> bool:
    return token.raw[:1].isupper()


def _joined(sep: str) -> bool:
    """Separators allowed inside a name: spaces, hyphens, apostrophes."""
    return bool(re.fullmatch(r"[\s\-'’]*", sep)) and len(sep) <= 3


def _quartier_spans(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for m in _QUARTIER.finditer(text):
        name = re.split(r"\.[ \u00a0]", m.group(1))[0].rstrip(".-’'")  # no sentence crossed
        name = re.split(r"\s+(?:à|a|au|aux|de|du|dans|sur|en|et|pour|avec|se|s['’])\s+|[,;:]", name)[0]
        name = name.strip(" -–")
        words = fold_words(name).split()
        if not words or set(words) & _NOT_QUARTIERS or len(name) < 2:
            continue
        if re.fullmatch(r"[A-ZÀ-Ý]{2,}", name) and len(name) <= 4:
            continue  # an acronym ("QPV", "ZUS")
        spans.append((m.start(1), m.start(1) + len(name), name))
    return spans


@dataclass
class _Context:
    text: str
    tokens: list[_Token]
    title_end: int
    territory: Territory
    postcodes: dict[str, set[str]]  # commune code → postcodes written in the text
    dept_named: set[str]  # département codes named in the text


@lru_cache(maxsize=1)
def _departement_names() -> tuple[re.Pattern, dict[str, str]]:
    """One pattern for every département named after an article ("dans le Nord", "en
    Essonne"), and folded name → code."""
    names = {}
    for code, dept in geography().departements.items():
        name = fold_words(dept.nom)
        if len(name) >= 5:  # "Ain", "Lot", "Var", "Cher": words of the language too
            names[name] = code
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b(?:dans l[ae]?s?|en|du|de la|de l|des|le|la|les) ({alternatives})\b"), names


def _departements_named(text: str) -> set[str]:
    geo = geography()
    pattern, names = _departement_names()
    found = {names[m.group(1)] for m in pattern.finditer(fold_words(text))}
    for m in re.finditer(r"\(\s*(\d{2}|2[AB]|97\d)\s*\)", text):
        if m.group(1) in geo.departements:
            found.add(m.group(1))
    return found


def _scan(ctx: _Context) -> list[tuple[int, int, tuple[Commune, ...], bool, int, int]]:
    """Candidate names: (first token, last token, communes, via contraction, start, end)."""
    index = _index()
    lengths = _name_lengths()
    toks = ctx.tokens
    lows = [t.low for t in toks]
    accented = bool(re.search("[éèêàùç]", ctx.text))
    found = []
    i = 0
    while i < len(toks):
        match = None
        for n in range(min(lengths.get(lows[i], 0), len(toks) - i), 0, -1):
            words = tuple(lows[i:i + n])
            options = index.get(words)
            if not options or not all(
                    _joined(ctx.text[toks[i + k - 1].end:toks[i + k].start]) for k in range(1, n)):
                continue
            for communes, variant in options:
                begin = toks[i + 1].start if variant else toks[i].start
                if _spelled(words, variant, ctx.text[begin:toks[i + n - 1].end], accented):
                    match = (i, i + n - 1, communes, variant)
                    break
            if match:
                break
        if not match:
            match = _bare_match(ctx, i, lows)
        if match:
            first, last, communes, variant = match
            start = toks[first + 1].start if variant else toks[first].start
            found.append((first, last, communes, variant, start, toks[last].end))
            i = last + 1
        else:
            i += 1
    return found


def _bare_match(ctx: _Context, i: int, lows: list[str]):
    """A name without its article at token `i`, confirmed by the postcode before it or the
    département code after it ("(Blanc-Mesnil, 93)", "93150 Blanc-Mesnil")."""
    bare, toks = _bare_index(), ctx.tokens
    if not toks[i].raw[:1].isupper():
        return None
    for n in range(min(6, len(toks) - i), 0, -1):
        communes = bare.get(tuple(lows[i:i + n]))
        if not communes:
            continue
        end = toks[i + n - 1].end
        code_after = _DEPT_CODE_AFTER.match(ctx.text[end:end + 12])
        postcodes = set(_POSTCODE.findall(ctx.text[max(0, toks[i].start - 8):toks[i].start]))
        sure = tuple(c for c in communes if (code_after and code_after.group(1).upper() == c.departement)
                     or postcodes & set(c.postcodes))
        if sure:
            return (i, i + n - 1, sure, False)
    return None


def _valid(ctx: _Context, first: int, last: int, variant: bool) -> bool:
    toks, text = ctx.tokens, ctx.text
    name_tokens = toks[first + 1:last + 1] if variant else toks[first:last + 1]
    # "à la Teste-de-Buch", "à la Courneuve": the article in lower case after "à".
    lower_article = (not variant and len(name_tokens) > 1 and name_tokens[0].low in ("la", "le", "les")
                     and first > 0 and toks[first - 1].low in ("a", "de") and _capitalised(name_tokens[1]))
    for k, tok in enumerate(name_tokens):
        if tok.low in _PARTICLES and (k > 0 or lower_article):
            continue
        if not _capitalised(tok):
            return False
        if k == 0 and tok.low in _PARTICLES and not _capitalised(tok):
            return False
    start, end = name_tokens[0].start, name_tokens[-1].end
    before, after = text[max(0, start - 2):start], text[end:end + 2]
    if before.endswith("-") and start >= 2 and text[start - 2].isalnum():
        return False  # "Bras-Fusil", "Gif-sur-Yvette": part of a longer hyphenated name
    if after[:1] == "-" and after[1:2].isalnum():  # "Paris-8", "Saint-Denis-en-Val"
        return False
    if before.endswith((".", "/", "@", "_")) and start >= 2 and text[start - 2].isalnum():
        return False  # www.roubaix.fr, contact@lille.fr
    if after[:1] in (".", "@", "/", "_") and after[1:2].isalnum():
        return False
    first_raw = name_tokens[0].raw
    if first_raw.isupper() and len(first_raw) <= 4 and len(name_tokens) == 1:
        return False  # an acronym (PAU, CAF, SENS in capitals) is no evidence of a place
    return True


def _occurrence(ctx: _Context, first: int, last: int, variant: bool, communes,
                coherent: dict[str, int]) -> tuple[Commune, float, list] | None:
    toks, text = ctx.tokens, ctx.text
    name_first = first + 1 if variant else first
    start, end = toks[name_first].start, toks[last].end
    prev = [t.low for t in toks[max(0, first - 3):first]]
    prev_tok = toks[first - 1] if first > 0 else None
    sep_before = text[prev_tok.end:toks[first].start] if prev_tok else ""
    next_tok = toks[last + 1] if last + 1 < len(toks) else None
    sep_after = text[end:next_tok.start] if next_tok else ""
    in_title = start < ctx.title_end
    sentence_start = not variant and (first == 0 or _sentence_start(text, start)
                                      or (prev_tok is not None and prev_tok.end <= ctx.title_end < start))

    # Context words before the name.
    p1 = prev[-1] if prev else ""
    p2 = prev[-2] if len(prev) > 1 else ""
    plain_sep = bool(_PLAIN_SEP.fullmatch(sep_before))
    if plain_sep and (p1 in _STREET or (p1 in ("de", "du", "d", "des") and p2 in _STREET)):
        return None  # rue de Paris, gare de Lyon, avenue de Clichy
    if (prev_tok is not None and plain_sep and _capitalised(prev_tok) and p1 not in _PARTICLES
            and p1 not in _LOCATIVE and not _sentence_start(text, prev_tok.start)
            and not prev_tok.raw.isupper()):
        return None  # Jean Moulin, Grand Paris, Pierre Mendès France
    if (prev_tok is not None and plain_sep and _capitalised(prev_tok) and p1 not in _PARTICLES
            and p1 not in _LOCATIVE and _sentence_start(text, prev_tok.start)
            and len(prev_tok.raw) > 2 and not variant):
        # "Charles Martel", "Saint Pierre" at a sentence start: the pair is one name.
        return None
    locative = variant or (plain_sep and (p1 in _LOCATIVE or (p1 in ("de", "du", "d", "des", "l", "la")
                                                              and (p2 in _PLACE_NOUNS or p2 in _LOCATIVE))))
    weak_locative = plain_sep and p1 in ("de", "d", "du", "des", "en", "dans")
    p3 = prev[-3] if len(prev) > 2 else ""
    p2_raw = toks[first - 2].raw if first >= 2 else ""
    # "tribunal de Paris", "tribunal correctionnel de Nîmes", "SR de Toulouse", "CHU de Lille".
    institution = plain_sep and (p1 in _INSTITUTIONS or (p1 in ("de", "du", "d") and (
        p2 in _INSTITUTIONS or p3 in _INSTITUTIONS
        or (p2_raw.isupper() and 2 <= len(p2_raw) <= 5 and p2_raw.isalpha()))))

    # Context after the name: a département code, a postcode.
    dept_after = _DEPT_CODE_AFTER.match(text[end:end + 12])
    dept_named_after = None
    after_words = fold_words(text[end:end + 40].split("\n")[0])
    for dcode in {c.departement for c in communes}:
        dept = geography().departements.get(dcode)
        if dept is not None and re.match(
                rf"^(?:dans|en|du|de la|des|de l)?\s*(?:le|la|les|l)?\s*{re.escape(fold_words(dept.nom))}\b",
                after_words):
            dept_named_after = dcode
    postcode_near = set(_POSTCODE.findall(text[max(0, start - 8):end + 10]))
    next_capital = (next_tok is not None and sep_after == " " and _capitalised(next_tok)
                    and next_tok.low not in _PARTICLES)
    next_number = next_tok is not None and sep_after.strip() == "" and next_tok.raw.isdigit() \
        and len(next_tok.raw) <= 2

    # Which commune of that name.
    best, best_score, second = None, None, None
    for commune in communes:
        score = math.log10(max(commune.population, 1)) / 2
        if postcode_near & set(commune.postcodes):
            score += 6
        elif ctx.postcodes.get(commune.code):
            score += 2.5
        if (dept_after and dept_after.group(1).upper() == commune.departement) or \
                dept_named_after == commune.departement:
            score += 6
        if commune.departement in ctx.dept_named:
            score += 2
        if commune.departement in ctx.territory.departements:
            score += 2.5
        if commune.region in ctx.territory.regions:
            score += 2.5
        if coherent.get(commune.departement):
            score += 1.5
        elif coherent.get("r" + commune.region):
            score += 0.8
        if best_score is None or score > best_score:
            second, best, best_score = best_score, commune, score
        elif second is None or score > second:
            second = score
    if best is None:
        return None
    dept_after = dept_after or (dept_named_after == best.departement)
    if variant and best.population < 10_000 and not coherent.get(best.departement) \
            and best.departement not in ctx.territory.departements:
        locative = False  # "du Palais" (the Élysée), "au Moustoir" (a stadium): small towns
    strong = locative or bool(dept_after) or bool(postcode_near & set(best.postcodes))

    # Confidence of this mention.
    pop = best.population
    conf = 0.72 if pop >= 100_000 else 0.62 if pop >= 20_000 else 0.5 if pop >= 5_000 \
        else 0.38 if pop >= 1_000 else 0.25
    if strong:
        conf += 0.3
    elif weak_locative:
        conf += 0.08
    if dept_after or postcode_near & set(best.postcodes):
        conf += 0.2
    if not ctx.territory.national:
        if best.region in ctx.territory.regions:
            conf += 0.12
        elif not coherent.get("r" + best.region):
            conf -= 0.12 if pop >= 20_000 else 0.25
    if coherent.get(best.departement):
        conf += 0.08
    if next_capital:
        conf -= 0.25  # "Antony Fastier", "Bondy Blog"
    if next_number:
        conf -= 0.2  # "Paris 8" (a university), "Lyon 2"
    if institution and not (dept_after or postcode_near & set(best.postcodes)):
        return None  # the name of an institution says where it sits, not what the item is about
    if in_title:
        conf += 0.08
    # "Le Mans", "Le Havre" written as names, or a large city ("Paris", "Bordeaux"), are
    # not the words of the language they also spell.
    common = best.common_word and last == name_first and pop < 200_000
    if common:
        if not strong and (sentence_start or pop < 50_000):
            return None  # "Orange", "Sens", "Plaisir", "Vienne" as words
        if not strong:
            conf -= 0.1
    elif sentence_start and not strong:
        conf -= 0.05
    if second is not None and best_score - second < 1 and not strong:
        conf -= 0.1  # homonyms that nothing in the text tells apart
    at = variant or (plain_sep and p1 in ("a", "au", "aux")) or bool(dept_after) \
        or bool(postcode_near & set(best.postcodes))
    return best, max(0.0, min(1.0, conf)), [start, end, in_title, at]


def find_communes(title: str | None, text: str | None, places=(), territory: Territory | None = None,
                  limit: int = 20) -> list[CommuneFound]:
    """The communes `title` and `text` are about, most certain first. `places` are
    structured places (dicts with `city`, `postcode`, optional `location_name`): an event's
    venue, a JSON-LD address. `territory` is the publishing centre's (homonyms inside it
    are preferred)."""
    geo = geography()
    territory = territory or Territory()
    title = (title or "").strip()
    body = (text or "")[:MAX_TEXT]
    full = f"{title}\n{body}" if title else body
    title_end = len(title)
    tokens = _tokens(full)
    postcodes: dict[str, set[str]] = {}
    for pc in _POSTCODE.findall(full):
        for commune in geo.of_postcode(pc):
            postcodes.setdefault(commune.code, set()).add(pc)
    ctx = _Context(full, tokens, title_end, territory, postcodes, _departements_named(full))
    quartiers = _quartier_spans(full)
    found: dict[str, CommuneFound] = {}

    # Structured places first: they name the commune for sure, and lend their département.
    coherent: dict[str, int] = {}
    for place in places or ():
        commune = _structured(place, territory)
        if commune is None:
            continue
        entry = found.get(commune.code)
        conf = 0.97 if place.get("postcode") else 0.85
        if entry is None:
            found[commune.code] = CommuneFound(commune.code, commune.nom, commune.departement,
                                               commune.region, conf, 1, "lieu",
                                               evidence=place.get("city") or "")
        else:
            entry.confidence = max(entry.confidence, conf)
        coherent[commune.departement] = coherent.get(commune.departement, 0) + 1
        coherent["r" + commune.region] = coherent.get("r" + commune.region, 0) + 1

    candidates = []
    for first, last, communes, variant, start, end in _scan(ctx):
        if any(qs <= start < qe for qs, qe, _ in quartiers):
            continue  # "quartier Moulins": the quartier, not the town of Moulins
        if _valid(ctx, first, last, variant):
            candidates.append((first, last, communes, variant))
    # Unambiguous, well-placed names first lend their département to the others.
    for first, last, communes, variant in candidates:
        if len(communes) == 1:
            result = _occurrence(ctx, first, last, variant, communes, coherent)
            if result and result[1] >= 0.8:
                c = result[0]
                coherent[c.departement] = coherent.get(c.departement, 0) + 1
                coherent["r" + c.region] = coherent.get("r" + c.region, 0) + 1
    mentions: list[Mention] = []
    for first, last, communes, variant in candidates:
        result = _occurrence(ctx, first, last, variant, communes, coherent)
        if result is None:
            continue
        commune, conf, (start, end, in_title, at) = result
        mentions.append(Mention(commune.code, conf, start, end, in_title, full[start:end], at))
    mentions = _without_quartiers(full, mentions)
    by_code: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_code.setdefault(mention.code, []).append(mention)
    for code, items in by_code.items():
        commune = geo.communes[code]
        best = max(m.confidence for m in items)
        bonus = min(0.15, 0.06 * (len(items) - 1)) + (0.06 if any(m.in_title for m in items) else 0)
        conf = min(1.0, best + bonus)
        source = "titre" if any(m.in_title for m in items) else "texte"
        entry = found.get(code)
        if entry is None:
            found[code] = CommuneFound(code, commune.nom, commune.departement, commune.region,
                                       round(conf, 3), len(items), source, evidence=items[0].text)
        else:
            entry.mentions += len(items)
            entry.confidence = max(entry.confidence, round(conf, 3))

    _attach_quartiers(full, quartiers, mentions, found)
    ordered = sorted(found.values(), key=lambda f: (-f.confidence, -f.mentions, f.code))
    for entry in ordered:
        entry.confidence = round(entry.confidence, 3)
    return ordered[:limit]


def _without_quartiers(text: str, mentions: list[Mention]) -> list[Mention]:
    """"À Châteauroux, les habitants de Saint-Jean…": a smaller commune of another
    département named after a town the sentence places the story in ("à X") is a quartier
    of that town, not the commune of that name."""
    geo = geography()
    kept = []
    for m in mentions:
        commune = geo.communes[m.code]
        sentence = max(text.rfind(c, 0, m.start) for c in ".!?\n") + 1
        town = next((o for o in mentions if o.at and o.code != m.code and sentence <= o.start < m.start
                     and geo.communes[o.code].departement != commune.departement
                     and geo.communes[o.code].population > commune.population), None)
        if town is not None and not m.at:
            continue
        kept.append(m)
    return kept


def _structured(place: dict, territory: Territory) -> Commune | None:
    geo = geography()
    city = (place.get("city") or "").strip()
    postcode = (place.get("postcode") or "").strip()
    by_postcode = geo.of_postcode(postcode) if postcode else []
    if city:
        named = geo.named(city)
        if by_postcode:
            both = [c for c in named if c.code in {p.code for p in by_postcode}]
            if both:
                return both[0]
            dept = departement_of(postcode)
            same = [c for c in named if c.departement == dept]
            if same:
                return same[0]
        if len(named) == 1:
            return named[0]
        if named:
            inside = [c for c in named if c.region in territory.regions
                      or c.departement in territory.departements]
            pool = inside or named
            pool.sort(key=lambda c: -c.population)
            if len(pool) == 1 or pool[0].population >= 10 * pool[1].population:
                return pool[0]
            return None
    if len(by_postcode) == 1:
        return by_postcode[0]
    return None


def _attach_quartiers(text: str, quartiers, mentions: list[Mention], found: dict) -> None:
    """Each quartier goes to the commune named closest to it in its sentence (after it:
    "quartier de l'Alma à Roubaix"; before it: "Roubaix, quartier de l'Alma"), else to the
    item's one commune. "Lille (Fives)" names the quartier Fives of Lille."""
    kept = {code for code, f in found.items() if f.confidence >= ABOUT}
    named: list[tuple[str, str]] = []
    for m in mentions:
        if m.code not in kept:
            continue
        paren = _PARENTHESIS.match(text[m.end:m.end + 64])
        if paren:
            inner = paren.group(1).strip()
            if not re.fullmatch(r"[\d\s]+|2[AB]|\d{2,3}", inner) and inner[:1].isupper() \
                    and not geography().named(inner):
                named.append((m.code, inner))
    for start, end, name in quartiers:
        sentence_start = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
        stops = [p for p in (text.find(c, end) for c in ".!?\n") if p != -1]
        sentence_end = min(stops) if stops else len(text)
        near = [m for m in mentions if m.code in kept and sentence_start <= m.start < sentence_end
                and not (start <= m.start < end)]
        if near:
            after = [m for m in near if m.start >= end and m.start - end <= 40]
            pick = after[0] if after else min(near, key=lambda m: abs(m.start - start))
            named.append((pick.code, name))
        elif len(kept) == 1:
            named.append((next(iter(kept)), name))
    for code, name in named:
        entry = found.get(code)
        if entry is not None and all(fold_words(q) != fold_words(name) for q in entry.quartiers):
            entry.quartiers.append(name)
