"""The registry's contact block and reuse policy: optional, validated, stored on the centre."""

from __future__ import annotations

import pytest

from crawlers.registry import RegistryError, load_registry, parse_registry


def _one(**extra):
    return parse_registry({"centres": [{"id": "c", "name": "C", "url": "https://c.example/", **extra}]})


def test_contact_and_reuse_are_optional_with_excerpt_by_default():
    centre = _one().centres[0]
    assert (centre.address, centre.phone, centre.email, centre.contact_url) == (None,) * 4
    assert centre.reuse == "excerpt"
    row = centre.as_row()
    assert row["reuse"] == "excerpt" and row["address"] is None


def test_contact_block_and_full_reuse():
    centre = _one(contact={"address": "2 rue Meuris, Nantes", "phone": "02 00 00 00 00",
                           "email": "contact@c.example", "url": "https://c.example/contact"},
                  reuse="full").centres[0]
    row = centre.as_row()
    assert (row["address"], row["phone"], row["email"], row["contact_url"], row["reuse"]) == (
        "2 rue Meuris, Nantes", "02 00 00 00 00", "contact@c.example",
        "https://c.example/contact", "full")


@pytest.mark.parametrize("extra, message", [
    ({"reuse": "tout"}, "field 'reuse' must be one of excerpt, full, got 'tout'"),
    ({"contact": "rue"}, "field 'contact' must be a mapping"),
    ({"contact": {"fax": "x"}}, "field 'contact.fax' is not a known contact key"),
    ({"contact": {"email": "pas-une-adresse"}}, "field 'contact.email' is not an e-mail address"),
    ({"contact": {"url": "ftp://c.example/"}}, "field 'contact.url' must be an absolute http(s) URL"),
])
def test_bad_contact_or_reuse_is_one_line(extra, message):
    with pytest.raises(RegistryError) as raised:
        _one(**extra)
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_the_registry_fills_contacts_only_from_the_research_notes():
    centres = {c.id: c for c in load_registry().centres}
    assert centres["resovilles"].address == "2 rue Meuris, Nantes"
    assert centres["profession_banlieue"].address == "15 rue Catulienne, Saint-Denis"
    assert centres["trajectoire_ressources"].address.endswith("13 avenue Léon Blum, Montbéliard")
    assert all(c.reuse == "excerpt" for c in centres.values())  # nobody said more may be reused
