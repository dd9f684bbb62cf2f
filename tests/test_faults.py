"""The harvester against a hostile web (tests/hostile): the fast scenarios, each one harvest
of a healthy site beside one hostile site, with the exact expectation of the scenario —
error row kind, run status, bounded requests, time and memory, the healthy centre complete.
Each judge checks the healthy centre too (complete, with its 6 items). The other scenarios
and the all-at-once harvest are in `bench/faults.py` (`make faults`); their bounds are
checked in-process by `tests/test_bounds.py`.

The hostile server itself is checked first (fast, no harvest): each trap is really there.
"""

from __future__ import annotations

import dataclasses
import gzip
import http.client
import os
import socket
import time
import zlib

import pytest

from hostile.runner import describe, run_scenario, server_for
from hostile.scenarios import SCENARIOS, fast
from hostile.server import loopback_available

pytestmark = pytest.mark.skipif(not loopback_available(), reason="127.43.0.x cannot be bound here")

FAST = fast()


@pytest.fixture(scope="module")
def web():
    server = server_for(SCENARIOS)
    server.start()
    yield server
    server.stop()


def _get(origin: str, path: str, timeout: float = 5.0, headers: dict | None = None):
    host, port = origin.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    conn.request("GET", path, headers=headers or {})
    return conn.getresponse()


# --- the hostile web is what it says ------------------------------------------------------

def test_every_scenario_has_an_expectation_and_a_site(web):
    names = [s.name for s in SCENARIOS]
    assert len(names) == len(set(names)) >= 25
    for s in SCENARIOS:
        assert s.expected and len(s.expected.splitlines()) == 1
        assert s.name in web.origins


def test_healthy_site_answers_and_revalidates(web):
    origin = web.origins["healthy"]
    first = _get(origin, "/")
    body = first.read()
    assert first.status == 200 and b"Forum de l'emploi" in body
    again = _get(origin, "/", headers={"If-None-Match": first.getheader("ETag")})
    assert again.status == 304


def test_sites_have_distinct_hosts_and_the_port_trap_shares_one(web):
    hosts = {name: origin.split("//")[1].split(":")[0] for name, origin in web.origins.items()}
    assert hosts["healthy"] != hosts["offhost-redirect"] != hosts["offhost-redirect~foreign"]
    assert hosts["port-redirect"] == hosts["port-redirect~other-port"]
    assert web.origins["port-redirect"] != web.origins["port-redirect~other-port"]
    answer = _get(web.origins["port-redirect"], "/actualites/autre-port/")
    assert answer.status == 302
    assert answer.getheader("Location") == web.origins["port-redirect~other-port"] + "/piege/"


def test_gzip_bomb_is_small_and_inflates_past_a_gigabyte(web):
    answer = _get(web.origins["gzip-bomb"], "/actualites/archive/", timeout=60)
    data = answer.read()
    assert answer.getheader("Content-Encoding") == "gzip" and len(data) < 3_000_000
    inflater = zlib.decompressobj(31)
    total = 0
    while data:
        total += len(inflater.decompress(data, 64 * 1024 * 1024))
        data = inflater.unconsumed_tail
    assert total >= 1024 ** 3


def test_silent_server_says_nothing_and_drip_drips(web):
    host, port = web.origins["silent-server"].removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.settimeout(1.5)
        with pytest.raises(socket.timeout):
            sock.recv(1)
    host, port = web.origins["drip-body"].removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.settimeout(5)
        started, got = time.monotonic(), b""
        while b"\r\n\r\n" not in got:
            got += sock.recv(4096)
        got = got.split(b"\r\n\r\n", 1)[1]
        while len(got) < 3:
            got += sock.recv(10)
        assert time.monotonic() - started >= 0.9  # three bytes take a second


def test_reset_and_malformed_and_liar(web):
    host, port = web.origins["connection-reset"].removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        with pytest.raises(ConnectionResetError):
            sock.recv(10)
    with pytest.raises(http.client.HTTPException):
        _get(web.origins["malformed-http"], "/").read()
    answer = _get(web.origins["content-length-lie"], "/actualites/menteur/")
    with pytest.raises(http.client.IncompleteRead):
        answer.read()


def test_calendars_are_the_traps_they_claim(web):
    body = _get(web.origins["ics-secondly"], "/agenda.ics").read()
    assert b"RRULE:FREQ=SECONDLY\r\n" in body and b"Atelier cartographie" in body
    cut = _get(web.origins["ics-truncated"], "/agenda.ics").read()
    assert cut.count(b"END:VEVENT") == 3 and b"END:VCALENDAR" not in cut


def test_sizes_are_the_traps_they_claim(web):
    page = _get(web.origins["page-38mb"], "/actualites/compte-rendu/", timeout=60)
    assert int(page.getheader("Content-Length")) > 38 * 1024 * 1024 * 0.99
    page.close()
    links = _get(web.origins["links-100000"], "/plan/", timeout=60).read()
    assert links.count(b"<a href=") == 100_000
    index = _get(web.origins["sitemap-endless"], "/sitemaps/123.xml").read()
    assert b"/sitemaps/1231.xml" in index and b"/sitemaps/1240.xml" in index


def test_robots_of_the_robots_scenarios(web):
    huge = _get(web.origins["robots-huge"], "/robots.txt", timeout=60)
    assert int(huge.getheader("Content-Length")) > 25_000_000
    huge.close()
    many = _get(web.origins["robots-5000-sitemaps"], "/robots.txt").read()
    assert many.count(b"Sitemap:") == 5100


def test_vanishing_site_turns_after_the_first_phase(web):
    origin = web.origins["gone-everywhere"]
    web.phase["gone-everywhere"] = 1
    assert _get(origin, "/actualites/dossier-1/").status == 200
    web.phase["gone-everywhere"] = 2
    try:
        assert _get(origin, "/actualites/dossier-1/").status == 404
        assert _get(origin, "/").status == 404
    finally:
        web.phase["gone-everywhere"] = 1


# --- the harvester beside each fast scenario ------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("scenario", FAST, ids=[s.name for s in FAST])
def test_harvest_beside_hostile_site(web, scenario, tmp_path):
    """The scenario's expectation, in full: see `scenario.expected` and `Scenario.judge`; its
    wall-time bound stretched when the machine is busier than its cores (at most twice: a
    stall still fails, and requests, rows, status and memory do not depend on the load)."""
    busy = min(2.0, max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1)))
    scenario = dataclasses.replace(scenario, max_seconds=scenario.max_seconds * busy)
    out = run_scenario(web, scenario, tmp_path, memory_cap_mb=1000,
                       cap_seconds=min(scenario.cap_seconds, scenario.max_seconds + 15))
    failures = scenario.judge(out)
    assert not failures, (f"{scenario.name}: expected {scenario.expected}\n"
                          f"observed: {describe(scenario, out)}\nfailures: {'; '.join(failures)}\n"
                          f"stderr: {out.stderr_tail[-600:]}")
