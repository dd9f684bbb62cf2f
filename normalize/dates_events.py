"""Grammar of French date prose: date runs, day ranges, lists and hour slots.

A *run* is a maximal stretch of date tokens ("du 14 au 16 octobre 2024",
"les 28-29 janvier et 22-23 février", "Mardi 14/01"); a *slot* is an hour or an
hour range ("13h-14h", "de 9h30 à 12h30"). Slots belong to the run before them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from normalize.dates_lex import BACKWARD_WORDS, CONNECTORS, Token

RANGE_WORDS = {"au", "jusqu", "jusqu'au"}
LIST_WORDS = {"et"}
# A date right after these words is a deadline, a publication stamp or a street name.
DEADLINE_WORDS = {"avant", "limite", "jusqu'au", "jusqu"}
STAMP_WORDS = {"publie", "publiee", "modifie", "modifiee", "jour", "cree", "creee", "poste", "postee"}
STREET_WORDS = {
    "rue", "avenue", "av", "boulevard", "bd", "place", "allee", "impasse", "quai",
    "square", "chemin", "cours", "esplanade", "parvis", "pont", "route", "cite",
}
_RUN_KINDS = {"num", "month", "wd", "ndate", "dash"}


@dataclass
class Point:
    day: int
    month: int | None = None
    year: int | None = None
    weekday: int | None = None


@dataclass
class Run:
    first: int  # index of the first token
    last: int  # index of the last token
    points: list[Point] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # links[i] joins points[i] and points[i+1]
    backward: bool = False
    lead_words: list[str] = field(default_factory=list)
    lead_start: int = 0  # index of the first token, leading connectors included


@dataclass
class Slot:
    index: int
    start: tuple[int, int]
    end: tuple[int, int] | None


def _in_run(tok: Token) -> bool:
    if tok.kind in _RUN_KINDS:
        return True
    if tok.kind == "sep" and tok.text == ",":
        return True
    return tok.kind == "word" and (tok.value in CONNECTORS or tok.value in BACKWARD_WORDS)


def _is_connector(tok: Token) -> bool:
    return tok.kind in ("dash", "sep", "word")


def find_runs(tokens: list[Token]) -> list[Run]:
    """Group consecutive date tokens into runs that hold at least one full day."""
    runs = []
    i = 0
    while i < len(tokens):
        if not _in_run(tokens[i]):
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and _in_run(tokens[j + 1]):
            j += 1
        first, last = i, j
        lead = []
        while first <= last and _is_connector(tokens[first]):
            if tokens[first].kind == "word":
                lead.append(tokens[first].value)
            first += 1
        while last >= first and _is_connector(tokens[last]) and tokens[last].value not in BACKWARD_WORDS:
            last -= 1
        if first <= last:
            run = _interpret(tokens, first, last)
            run.lead_words = lead
            run.lead_start = i
            if run.points:
                runs.append(run)
        i = j + 1
    return runs


def _interpret(tokens: list[Token], first: int, last: int) -> Run:
    run = Run(first, last)
    cur: Point | None = None
    pending: str | None = None
    weekday: int | None = None
    k = first

    def add(point: Point) -> None:
        nonlocal cur, pending, weekday
        if run.points:
            run.links.append(pending or "list")
        point.weekday = weekday
        run.points.append(point)
        cur, pending, weekday = point, None, None

    while k <= last:
        tok = tokens[k]
        nxt = tokens[k + 1] if k + 1 <= last else None
        after = tokens[k + 2] if k + 2 <= last else None
        if tok.kind == "wd":
            weekday = tok.value
        elif tok.kind == "num":
            v = tok.value
            if cur is not None and cur.month and cur.year is None and 1000 <= v <= 2200:
                cur.year, pending = v, None
            elif 1 <= v <= 31 and len(tok.text) <= 2:
                add(Point(v))
        elif tok.kind == "month":
            if cur is not None and cur.month is None:
                cur.month = tok.value
            elif (
                nxt is not None and nxt.kind == "num" and 1 <= nxt.value <= 31
                and len(nxt.text) <= 2 and not (after is not None and after.kind == "month")
            ):
                # Month first, as in "décembre 5 2014" or "fév 15, 2013".
                add(Point(nxt.value, tok.value))
                k += 1
        elif tok.kind == "ndate":
            d, m, y = tok.value
            add(Point(d, m, y))
        elif tok.kind == "dash":
            pending = "range"
        elif tok.kind == "word":
            if tok.value in RANGE_WORDS:
                pending = "range"
            elif tok.value in LIST_WORDS:
                pending = "list"
            elif tok.value in BACKWARD_WORDS:
                run.backward = True
        elif tok.kind == "sep":
            pending = pending or "list"
        k += 1
    _backfill(run)
    return run


def _backfill(run: Run) -> None:
    """Give month and year written only on the last day to the days before it."""
    pts = run.points
    for i in range(len(pts) - 2, -1, -1):
        right = pts[i + 1]
        p = pts[i]
        if p.month is None and right.month is not None:
            p.month = right.month
        if p.year is None and right.year is not None and p.month is not None:
            p.year = right.year - 1 if (p.month, p.day) > (right.month, right.day) else right.year
    keep = [i for i, p in enumerate(pts) if p.month is not None and _valid(p)]
    if len(keep) != len(pts):
        run.points = [pts[i] for i in keep]
        # A link survives only between two kept neighbours.
        run.links = [
            run.links[a] if b == a + 1 else "list" for a, b in zip(keep, keep[1:])
        ]


def _valid(p: Point) -> bool:
    try:
        date(p.year or 2000, p.month, p.day)  # 2000 is a leap year: 29 février passes
    except ValueError:
        return False
    return True


def on_or_after(month: int, day: int, anchor: date) -> date | None:
    """Nearest month/day on or after the anchor (looks up to 8 years for 29 February)."""
    for year in range(anchor.year, anchor.year + 9):
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        if d >= anchor:
            return d
    return None


def on_or_before(month: int, day: int, anchor: date) -> date | None:
    """Nearest month/day on or before the anchor."""
    for year in range(anchor.year, anchor.year - 9, -1):
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        if d <= anchor:
            return d
    return None


def resolve(p: Point, anchor: date, backward: bool) -> date | None:
    """The date of a point, inferring a missing year from the anchor."""
    if p.year is not None:
        try:
            return date(p.year, p.month, p.day)
        except ValueError:
            return None
    if backward:
        return on_or_before(p.month, p.day, anchor)
    return on_or_after(p.month, p.day, anchor)


def run_sessions(run: Run, reference: date, merge: bool = True) -> list[tuple[date, date]]:
    """Day spans (first, last inclusive) described by a run. With `merge`, listed
    consecutive days join into one span; with hours ("les 28 et 29 mai, de 9h à 17h")
    each listed day is its own session, so the caller passes merge=False."""
    spans: list[tuple[date, date]] = []
    anchor, backward = reference, run.backward
    i = 0
    pts = run.points
    while i < len(pts):
        start = resolve(pts[i], anchor, backward)
        if start is None:
            i += 1
            continue
        end = start
        if i + 1 < len(pts) and run.links[i] == "range":
            end = resolve(pts[i + 1], start, False) or start
            i += 1
        spans.append((start, end))
        # Later days of the same run follow the earlier ones.
        anchor, backward = start, False
        i += 1
    return _merge_consecutive(spans) if merge else spans


def _merge_consecutive(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """"les 14 et 15 juin" is one two-day session; "les 3 et 10 juin" are two."""
    merged: list[list] = []  # [start, end, made only of single days]
    for start, end in spans:
        single = start == end
        if single and merged and merged[-1][2] and start == merged[-1][1] + timedelta(days=1):
            merged[-1][1] = end
        else:
            merged.append([start, end, single])
    return [(s, e) for s, e, _ in merged]


def find_slots(tokens: list[Token], runs: list[Run]) -> list[Slot]:
    """Hour slots outside date runs: "14h", "13h-14h", "de 9h30 à 12h30"."""
    inside = set()
    for run in runs:
        inside.update(range(run.first, run.last + 1))
    slots = []
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        if tok.kind != "time" or k in inside:
            k += 1
            continue
        end = None
        j = k + 1
        if j < len(tokens) and (
            tokens[j].kind == "dash"
            or (tokens[j].kind == "word" and tokens[j].value in ("a", "au", "jusqu'a", "jusqu"))
        ):
            j += 1
            if j < len(tokens) and tokens[j].kind == "word" and tokens[j].value == "a":
                j += 1  # "jusqu' à"
            if j < len(tokens) and tokens[j].kind == "time":
                end = tokens[j].value
                k = j
        slots.append(Slot(k, tok.value, end))
        k += 1
    return slots


def is_excluded(tokens: list[Token], run: Run, for_events: bool) -> bool:
    """True for street names always, and for deadlines and publication stamps in event prose."""
    before = [t.value for t in tokens[max(0, run.lead_start - 3):run.lead_start] if t.kind == "word"]
    if before and before[-1] in STREET_WORDS:
        # "rue du 8 mai 1945, le 6 mai 2026": only the street's date goes.
        run.points, run.links = run.points[1:], run.links[1:]
        if not run.points:
            return True
        before = []
    if not for_events:
        return False
    if run.lead_words and run.lead_words[0] != "du" and set(run.lead_words) & DEADLINE_WORDS:
        return True
    return bool(set(before) & (DEADLINE_WORDS | STAMP_WORDS))
