"""Stable ids, SimHash fingerprints and cross-centre clusters."""

from __future__ import annotations

import hashlib
import random
import time

import pytest

from normalize.dedup import (
    MAX_DISTANCE,
    NULL_FINGERPRINT,
    ClusterInput,
    cluster,
    fingerprint,
    hamming,
    item_id,
)

ARTICLE = (
    "Le centre de ressources organise le 12 mars une journée régionale consacrée au "
    "renouvellement urbain et à la gestion urbaine et sociale de proximité. Les chefs de "
    "projet, les bailleurs sociaux et les associations d'habitants y partageront leurs "
    "expériences de relogement, de concertation et d'aménagement des espaces publics. "
    "La matinée sera consacrée aux retours d'expérience des villes de Roubaix, Tourcoing "
    "et Maubeuge ; l'après-midi, des ateliers permettront de travailler sur la place des "
    "habitants dans les projets de renouvellement urbain et sur l'articulation entre "
    "programme de rénovation et gestion du quotidien. Inscription gratuite mais obligatoire."
)
OTHER_SAME_THEME = (
    "Retour sur le séminaire national consacré au nouveau programme de renouvellement "
    "urbain : les élus et les techniciens ont débattu du financement des opérations, du "
    "calendrier des démolitions et de la reconstitution de l'offre de logement social. "
    "Les intervenants ont insisté sur la mixité sociale, les attributions de logements et "
    "la coordination entre l'ANRU, les collectivités et les bailleurs. Les actes du "
    "séminaire seront publiés au printemps, avec une synthèse des débats et des ressources."
)


def test_item_id_is_a_short_stable_hash():
    expected = hashlib.sha256(b"irev\nhttps://www.irev.fr/actualites-0/x").hexdigest()[:16]
    assert item_id("irev", "https://www.irev.fr/actualites-0/x") == expected
    assert len(expected) == 16
    assert item_id("oriv", "https://www.irev.fr/actualites-0/x") != expected


def test_fingerprint_format_and_determinism():
    value = fingerprint("Journée régionale renouvellement urbain", ARTICLE)
    assert len(value) == 16 and int(value, 16) > 0
    assert value == fingerprint("Journée régionale renouvellement urbain", ARTICLE)


def test_fingerprint_ignores_case_accents_and_punctuation():
    a = fingerprint("Journée régionale", ARTICLE)
    b = fingerprint("JOURNEE REGIONALE !", ARTICLE.upper().replace("É", "E").replace(",", " ;"))
    assert a == b


def _bit_by_bit(title: str, text: str) -> str:
    """SimHash as first written: each feature's weight added to or taken from each bit in turn."""
    from normalize.dedup import TF_EXPONENT, TITLE_WEIGHT, _hash64, _tokens

    weights: dict[str, int] = {}
    for token in _tokens(text):
        weights[token] = weights.get(token, 0) + 1
    for token in _tokens(title):
        weights[token] = weights.get(token, 0) + TITLE_WEIGHT
    totals = [0.0] * 64
    for feature, count in weights.items():
        value, weight = _hash64(feature), count**TF_EXPONENT
        for bit in range(64):
            totals[bit] += weight if value >> bit & 1 else -weight
    result = sum(1 << bit for bit, total in enumerate(totals) if total > 0) or 1
    return f"{result:016x}"


@pytest.mark.parametrize("title, text", [
    ("Journée régionale renouvellement urbain", ARTICLE),
    ("Journée régionale", ARTICLE[:300]),
    # Weights that cancel out exactly on some bits: a sum in another order left ±4e-16
    # there, and set bits the first fingerprints did not.
    ("Les Cahiers de R&T n°159 – octobre 2026",
     "Il a fallu près de deux ans pour que l'apprentissage du français et les ateliers "
     "sociolinguistiques trouve sa place dans les priorités locales à Toulouse. Un imagier en "
     "huit langues a été conçu pour faciliter l'accueil des familles à la crèche. Le projet "
     "bénéficie d'un cofinancement de l'État, via l'ANCT. Les premiers résultats seront "
     "présentés en septembre devant le conseil municipal. La…"),
])
def test_fingerprint_is_the_bit_by_bit_simhash(title, text):
    assert fingerprint(title, text) == _bit_by_bit(title, text)


def test_short_text_has_the_null_fingerprint():
    assert fingerprint("Assemblée générale", "") == NULL_FINGERPRINT
    assert fingerprint("", "") == NULL_FINGERPRINT


def test_same_article_with_other_chrome_is_near():
    base = fingerprint("Journée régionale renouvellement urbain", ARTICLE)
    relayed = fingerprint(
        "Relais : Journée régionale renouvellement urbain",
        "Accueil › Actualités. Nous relayons l'information de nos partenaires. " + ARTICLE
        + " Partager : Facebook Twitter LinkedIn. Mentions légales.",
    )
    assert hamming(base, relayed) <= MAX_DISTANCE


def test_different_articles_on_the_same_theme_are_far():
    a = fingerprint("Journée régionale renouvellement urbain", ARTICLE)
    b = fingerprint("Séminaire national NPNRU", OTHER_SAME_THEME)
    assert hamming(a, b) > MAX_DISTANCE


@pytest.mark.parametrize("a,b,bits", [("0" * 16, "0" * 16, 0), ("0" * 16, "f" * 16, 64), ("00ff", "0f0f", 8)])
def test_hamming(a, b, bits):
    assert hamming(a, b) == bits


def _fp(value: int) -> str:
    return f"{value:016x}"


def test_cluster_joins_relays_across_centres_only():
    base = 0x0123456789ABCDEF
    items = [
        ClusterInput("b1", "irev", _fp(base), "A", "2026-03-01"),
        ClusterInput("a2", "oriv", _fp(base ^ 0b111), "A", "2026-03-04"),  # 3 bits: relay
        ClusterInput("c3", "irev", _fp(base ^ 0b1), "A", "2026-03-02"),  # same centre as b1
        ClusterInput("d4", "resovilles", _fp(base ^ 0xFFFF), "B", "2026-03-01"),  # 16 bits
    ]
    result = cluster(items)
    # c3 joins through a2 (another centre); cluster id = smallest member id.
    assert result == {"a2": "a2", "b1": "a2", "c3": "a2"}


def test_cluster_same_centre_alone_is_not_a_cluster():
    items = [
        ClusterInput("x1", "irev", _fp(42), "A", "2026-03-01"),
        ClusterInput("x2", "irev", _fp(42), "A", "2026-03-01"),
    ]
    assert cluster(items) == {}


def test_cluster_respects_the_date_window():
    items = [
        ClusterInput("y1", "irev", _fp(42), "AG", "2024-06-01"),
        ClusterInput("y2", "oriv", _fp(42), "AG", "2026-06-01"),
        ClusterInput("y3", "resovilles", _fp(43), "AG", None),  # unknown date: compared
    ]
    # y2 is two years from y1; y3 (undated) is 1 bit from both, which chains y1-y3-y2.
    assert cluster(items) == {"y1": "y1", "y2": "y1", "y3": "y1"}
    assert cluster(items[:2]) == {}


def test_cluster_by_document_checksum_and_ignores_null_fingerprints():
    items = [
        ClusterInput("p1", "irev", NULL_FINGERPRINT, "Guide", "2020-01-01", "ab" * 32),
        ClusterInput("p2", "oriv", NULL_FINGERPRINT, "Guide (PDF)", "2026-01-01", "ab" * 32),
        ClusterInput("p3", "pqn_a", NULL_FINGERPRINT, "Autre", "2026-01-01", None),
    ]
    assert cluster(items) == {"p1": "p1", "p2": "p1"}


def test_cluster_threshold_is_exact_at_the_boundary():
    base = random.Random(7).getrandbits(64)
    near = base ^ sum(1 << b for b in range(0, 64, 64 // MAX_DISTANCE)[:MAX_DISTANCE])
    far = base ^ sum(1 << b for b in range(0, 64, 7)[: MAX_DISTANCE + 1])
    assert bin(base ^ near).count("1") == MAX_DISTANCE
    assert bin(base ^ far).count("1") == MAX_DISTANCE + 1
    assert cluster([ClusterInput("n1", "a", _fp(base)), ClusterInput("n2", "b", _fp(near))]) == {"n1": "n1", "n2": "n1"}
    assert cluster([ClusterInput("n1", "a", _fp(base)), ClusterInput("n2", "b", _fp(far))]) == {}


def test_cluster_is_order_independent_and_scales():
    rng = random.Random(3)
    items = [ClusterInput(f"i{i:06d}", f"c{i % 20}", _fp(rng.getrandbits(64)), "", "2026-01-01") for i in range(20_000)]
    planted = []
    for n in range(200):
        value = int(items[n * 50].fingerprint, 16)
        for bit in rng.sample(range(64), rng.randrange(MAX_DISTANCE + 1)):
            value ^= 1 << bit
        planted.append(ClusterInput(f"r{n:06d}", "relay", _fp(value), "", "2026-01-02"))
    start = time.perf_counter()
    result = cluster(items + planted)
    assert time.perf_counter() - start < 20  # about 1 s here; generous for a loaded machine
    for n in range(200):
        assert result[f"r{n:06d}"] == result[items[n * 50].item_id]
    assert cluster(list(reversed(items + planted))) == result
    # every cluster id is the smallest member of its group
    groups: dict[str, list[str]] = {}
    for member, cid in result.items():
        groups.setdefault(cid, []).append(member)
    assert all(cid == min(members) and len(members) >= 2 for cid, members in groups.items())
