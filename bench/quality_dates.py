"""Quality figures for normalize.dates, normalize.ics and normalize.feeds on the shared corpus.

Run: .venv/bin/python bench/quality_dates.py [--verbose]
Prints right/total per corpus file (and the failures with --verbose).
"""

from __future__ import annotations

import ast
import html
import importlib.util
import json
import os
import re
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = Path(os.environ.get("CRPV_CORPUS", ROOT.parent / "shared" / "corpus"))

from normalize.dates import parse_event_dates, parse_feed_date, parse_published  # noqa: E402
from normalize.feeds import read_feed  # noqa: E402
from normalize.ics import CalendarError, parse_calendar  # noqa: E402

# Relative phrases need a clock time ("il y a 40 min") that the API does not take;
# CRPV pages print absolute dates. These translate entries are relative too.
RELATIVE_TRANSLATE = {
    "avant-hier", "hier", "aujourd'hui", "après dix ans", "maintenant", "demain",
    "Il y a moins d'une minute", "Il y a moins de 30s",
}


def _same(expected: str, got: str | None) -> bool:
    """dateparser's naive values are wall-clock; values with an offset compare as instants."""
    if got is None:
        return False
    exp = datetime.fromisoformat(expected)
    if "T" not in got:
        return exp.time() == datetime.min.time() and exp.date().isoformat() == got
    value = datetime.fromisoformat(got)
    if exp.tzinfo is None:
        return value.replace(tzinfo=None) == exp
    return value == exp


def check_fr_dates(failures: list) -> dict[str, tuple[int, int]]:
    data = json.loads((CORPUS / "dates" / "fr_dates.json").read_text())
    out = {}
    right = 0
    for case in data["parse"]:
        ref = date.fromisoformat(case.get("relative_base", "2012-11-13"))
        got = parse_published(case["input"], "Europe/Paris", reference=ref)
        ok = _same(case["expected"], got)
        right += ok
        if not ok:
            failures.append(("fr_dates.parse", case["input"], case["expected"], got))
    out["fr_dates.json parse"] = (right, len(data["parse"]))
    absolute = [c for c in data["translate"] if c["input"] not in RELATIVE_TRANSLATE]
    right = 0
    months = {m: i for i, m in enumerate(
        "january february march april may june july august september october november december".split(), 1)}
    for case in absolute:
        m = re.search(r"(\d+) (\w+) (\d{4})(?: (\d+):(\d+))?", case["expected"])
        want = date(int(m.group(3)), months[m.group(2)], int(m.group(1))).isoformat()
        if m.group(4):
            want += f"T{int(m.group(4)):02d}:{m.group(5)}:00"
        got = parse_published(case["input"], "Europe/Paris")
        ok = got is not None and got[: len(want)] == want
        right += ok
        if not ok:
            failures.append(("fr_dates.translate", case["input"], want, got))
    out["fr_dates.json translate (absolute)"] = (right, len(absolute))
    right = 0
    for case in data["search"]:
        expected = case["expected"]
        if isinstance(expected, str):  # a page: the publication date found in it
            got = parse_published(case["input"])
            ok = got == expected
        else:
            # Event parsing skips publication stamps; the stamp is then the date found.
            sessions = parse_event_dates(case["input"], "Europe/Paris", date(2012, 11, 13))
            days = sorted({d for s in sessions for d in (s.starts_at[:10], (s.ends_at or s.starts_at)[:10])})
            if not days:
                published = parse_published(case["input"])
                days = [published[:10]] if published else []
            got = days
            ok = days == sorted(d for _, d in expected or [])
        right += ok
        if not ok:
            failures.append(("fr_dates.search", case["input"][:60], expected, got))
    out["fr_dates.json search"] = (right, len(data["search"]))
    excluded = len(data["relative"]) + len(data["translate"]) - len(absolute)
    out[f"fr_dates.json relative: {excluded} strings excluded"] = (0, 0)
    return out


def check_feed_dates(failures: list) -> dict[str, tuple[int, int]]:
    data = json.loads((CORPUS / "dates" / "feed_dates_feedparser.json").read_text())
    right = 0
    for case in data["cases"]:
        expected = case["expected_utc"]
        if expected is not None:
            expected = expected.replace("Z", "+00:00")
        got = parse_feed_date(case["input"])
        ok = got == expected
        right += ok
        if not ok:
            failures.append(("feed_dates", case["input"], expected, got))
    # The one miss is "22013": feedparser's W3C parser rejects it, yet its ISO 8601
    # parser must read the same shape "03335" as an ordinal date; we keep the ordinal.
    return {"feed_dates_feedparser.json": (right, len(data["cases"]))}


# ---------------------------------------------------------------- iCalendar


def _bound(text: str, default_tz: str) -> tuple[datetime, datetime]:
    """A query value ("2021-12", "2018-01-15T10", "...Z", "...[Europe/Berlin]") → [start, end)."""
    text = text.replace(" in X-WR-TIMEZONE", "")
    zone = None
    m = re.match(r"(.*?)(?:\[(.+)\])?$", text)
    text, zone_name = m.group(1), m.group(2)
    if text.endswith("Z"):
        text, zone = text[:-1], ZoneInfo("UTC")
    if zone_name:
        zone = ZoneInfo(zone_name)
        text = re.sub(r"[+-]\d{2}:\d{2}$", "", text)
    parts = re.split(r"[-T:]", text)
    nums = [int(p) for p in parts]
    if len(nums) == 1:
        start, step = datetime(nums[0], 1, 1), None
        end = datetime(nums[0] + 1, 1, 1)
    elif len(nums) == 2:
        start = datetime(nums[0], nums[1], 1)
        end = datetime(nums[0] + (nums[1] == 12), nums[1] % 12 + 1, 1)
    else:
        start = datetime(*nums)
        step = [None, None, None, timedelta(days=1), timedelta(hours=1), timedelta(minutes=1), timedelta(seconds=1)]
        end = start + step[len(nums)] if start.year < 9999 else start
    if zone is not None:
        start, end = start.replace(tzinfo=zone), end.replace(tzinfo=zone)
    return start, end


def _interval(ev) -> tuple[datetime, datetime]:
    if ev.all_day:
        s = datetime.fromisoformat(ev.starts_at)
        return s, datetime.fromisoformat(ev.ends_at) + timedelta(days=1)
    s = datetime.fromisoformat(ev.starts_at)
    return s, datetime.fromisoformat(ev.ends_at) if ev.ends_at else s


def _overlaps(ev, qs: datetime, qe: datetime) -> bool:
    s, e = _interval(ev)
    if qs.tzinfo is None:  # a naive window is read in the event's own wall-clock time
        s, e = s.replace(tzinfo=None), e.replace(tzinfo=None)
    elif s.tzinfo is None:
        s, e = s.replace(tzinfo=qs.tzinfo), e.replace(tzinfo=qs.tzinfo)
    if s == e:
        return qs <= s < qe
    return s < qe and e > qs


def ics_query(data: bytes, query: dict, default_tz: str = "Europe/Berlin"):
    """Events of a corpus query (at / between / all), filtered exactly on the query window."""
    if query["query"] == "all":
        qs, qe = datetime(1970, 1, 1), datetime(2100, 1, 1)
    elif query["query"] == "at":
        qs, qe = _bound(query["when"], default_tz)
    else:
        qs = _bound(query["start"], default_tz)[0]
        qe = _bound(query["end"], default_tz)[0]
    lo = max(qs.date() - timedelta(days=2), date(1900, 1, 1))
    hi = min(qe.date(), date(2199, 1, 1)) + timedelta(days=2)
    events = parse_calendar(data, default_tz, lo, hi)
    return [ev for ev in events if _overlaps(ev, qs, qe)]


def _duration(text: str) -> timedelta:
    m = re.match(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?", text)
    return timedelta(days=int(m.group(1) or 0), hours=int(m.group(2) or 0), minutes=int(m.group(3) or 0))


def check_ics_query(data: bytes, query: dict) -> tuple[bool | None, object]:
    """(ok, what we got); ok None when the query checks something outside the API."""
    if query["query"] not in ("at", "between", "all"):
        return None, "calendar property: not part of CalendarEvent"
    try:
        events = ics_query(data, query)
    except CalendarError as exc:
        return False, f"CalendarError {exc}"
    got = [(e.starts_at, e.ends_at, e.summary, e.status) for e in events]
    checks = []
    if "expected_count" in query:
        checks.append(len(events) == query["expected_count"])
    if "expected_dates" in query:
        checks.append([e.starts_at[:10] for e in events] == query["expected_dates"])
    if "expected_start" in query:
        checks.append(bool(events) and events[0].starts_at[:10] == query["expected_start"])
    if "expected_summary" in query:
        checks.append(all(e.summary == query["expected_summary"] for e in events))
    if "expected_start_hour" in query:
        checks.append(all(datetime.fromisoformat(e.starts_at).hour == query["expected_start_hour"] for e in events))
    if "expected_duration" in query:
        want = _duration(query["expected_duration"])
        checks.append(all(_interval(e)[1] - _interval(e)[0] == want for e in events))
    if "expected_STATUS" in query:
        checks.append(len(events) == 1 and events[0].status == query["expected_STATUS"])
    if "expected_first_dtstart" in query:
        checks.append(bool(events) and events[0].starts_at == query["expected_first_dtstart"].split(" ")[0])
    if "expected_count_summary_contains" in query:
        for word, count in query["expected_count_summary_contains"].items():
            checks.append(sum(word in (e.summary or "") for e in events) == count)
    # "expected": "no exception ..." and expected_SEQUENCE (not kept) are satisfied by reaching here.
    return all(checks), got


def check_ics(failures: list) -> dict[str, tuple[int, int]]:
    data = json.loads((CORPUS / "ics" / "expected.json").read_text())
    right = total = 0
    for name, queries in data["files"].items():
        body = (CORPUS / "ics" / name).read_bytes()
        for query in queries:
            ok, got = check_ics_query(body, query)
            if ok is None:
                continue
            total += 1
            right += ok
            if not ok:
                failures.append(("ics", name, query, got))
    readable = 0
    files = sorted((CORPUS / "ics").rglob("*.ics"))
    for path in files:
        try:
            parse_calendar(path.read_bytes(), "Europe/Paris", date(2000, 1, 1), date(2030, 1, 1))
            readable += 1
        except CalendarError:
            readable += 1  # a clean refusal is a right answer for a broken file
        except Exception as exc:  # noqa: BLE001
            failures.append(("ics.robustness", path.name, "no exception", repr(exc)))
    return {"ics/expected.json queries": (right, total), "ics/** no crash": (readable, len(files))}


# ---------------------------------------------------------------- feeds


def _expected_text(body: bytes, encoding: str) -> str | None:
    try:
        text = body.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return None
    m = re.search(r"<title[^>]*>(.*?)</title>", text, re.S)
    return html.unescape(m.group(1)).strip() if m and m.group(1).strip() else None


def check_feeds(failures: list) -> dict[str, tuple[int, int]]:
    root = CORPUS / "feeds"
    expectations = json.loads((root / "feedparser" / "_expectations.json").read_text())["files"]
    files = [p for p in sorted(root.rglob("*")) if p.is_file() and p.name != "_expectations.json"]
    no_crash = 0
    enc_right = enc_total = 0
    for path in files:
        rel = str(path.relative_to(root))
        exp = expectations.get(rel, {})
        ctype = next((h.split(":", 1)[1].strip() for h in exp.get("http_headers", [])
                      if h.lower().startswith("content-type:")), None)
        try:
            feed = read_feed(path.read_bytes(), "http://example.org/feed/", ctype)
            no_crash += 1
        except Exception as exc:  # noqa: BLE001
            failures.append(("feeds.crash", rel, "no exception", repr(exc)))
            continue
        expect = exp.get("expect", "")
        if "encoding" not in rel and "encoding" not in expect:
            continue
        enc_total += 1
        checks = []
        if expect.startswith("not bozo"):
            checks.append(feed.problem is None)
        elif expect.startswith("bozo"):
            checks.append(feed.problem is not None)
        m = re.search(r"encoding == '([^']+)'", expect)
        if m:
            want = _expected_text(path.read_bytes(), m.group(1))
            if want is not None:
                titles = [feed.title] + [e.title for e in feed.entries]
                checks.append(want in titles)
        m = re.search(r"entries\[0\](?:\['description'\]|\.summary) == ('.*')$", expect)
        if m:
            checks.append(bool(feed.entries) and feed.entries[0].summary_html == ast.literal_eval(m.group(1)))
        m = re.search(r"isinstance\(bozo_exception, feedparser\.(\w+)\)", expect)
        if m:
            checks.append((feed.problem or "").startswith(m.group(1)))
        ok = all(checks)
        enc_right += ok
        if not ok:
            failures.append(("feeds.encoding", rel, expect, (feed.problem, feed.title)))
    return {"feeds/** read without exception": (no_crash, len(files)),
            "feeds encoding cases (_expectations.json)": (enc_right, enc_total)}


def check_centre_table(failures: list) -> dict[str, tuple[int, int]]:
    path = ROOT / "tests" / "normalization" / "test_dates.py"
    spec = importlib.util.spec_from_file_location("_centre_cases", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    right = 0
    for text, tz, ref, expected in module.CENTRE_CASES:
        got = [(e.starts_at, e.ends_at, e.all_day) for e in parse_event_dates(text, tz, ref)]
        ok = got == expected
        right += ok
        if not ok:
            failures.append(("centre table", text, expected, got))
    return {"own table of centre strings (tests/normalization/test_dates.py)": (right, len(module.CENTRE_CASES))}


def main() -> int:
    failures: list = []
    figures: dict[str, tuple[int, int]] = {}
    for check in (check_fr_dates, check_feed_dates, check_ics, check_feeds, check_centre_table):
        figures.update(check(failures))
    width = max(len(k) for k in figures)
    for name, (right, total) in figures.items():
        note = "  (out of scope: relative to a clock time)" if total == 0 else ""
        print(f"{name:<{width}}  {right:>4}/{total:<4}{note}")
    if "--verbose" in sys.argv:
        for failure in failures:
            print("FAIL", *failure, sep="\n  ")
    else:
        print(f"{len(failures)} failure(s); --verbose lists them")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
