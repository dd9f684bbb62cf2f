"""The registry of the real network, and one clear line for every kind of bad registry."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crawlers.registry import RegistryError, load_registry

ROOT = Path(__file__).resolve().parent.parent
OVERSEAS = {
    "ville_caraibe": "America/Martinique",
    "crpv_guadeloupe": "America/Guadeloupe",
    "crpv_guyane": "America/Cayenne",
    "cr_csur": "Indian/Reunion",
    "maore_ouvoimoja": "Indian/Mayotte",
}


def test_real_registry_lists_the_network():
    registry = load_registry()
    ids = [c.id for c in registry.centres]
    assert len(ids) == 20
    assert {"irev", "oriv", "profession_banlieue", "resovilles", "villes_au_carre", "pqn_a",
            "cite_ressources", "ville_caraibe", "reseau_crpv"} <= set(ids)
    for centre_id, tz in OVERSEAS.items():
        assert registry.get(centre_id).timezone == tz
    irev = registry.get("irev")
    assert (irev.cms, irev.short_name, irev.city) == ("drupal", "IREV", "Lille")
    assert irev.sources[0].content == "news"


def test_every_centre_is_complete():
    for centre in load_registry().centres:
        assert centre.url.startswith(("http://", "https://")), centre.id
        assert centre.latitude is not None and centre.longitude is not None, centre.id
        assert centre.territory and centre.short_name, centre.id
        # An address nobody could check is flagged as such.
        if centre.id in {"normanvilles", "labo_cites", "crpve", "crpv_guyane", "cr_csur", "maore_ouvoimoja"}:
            assert centre.verified is False, centre.id


BAD_REGISTRIES = [
    ("centres: [", "invalid YAML at line 1"),
    ("just a string", "expected a mapping with a 'centres' list"),
    ("centres: []", "'centres' must be a non-empty list"),
    ("centres:\n  - name: X\n    url: https://x.fr/\n", "centre #1: missing required field 'id'"),
    ("centres:\n  - id: x\n    url: https://x.fr/\n", "centre 'x': missing required field 'name'"),
    ("centres:\n  - id: x\n    name: X\n", "centre 'x': missing required field 'url'"),
    ("centres:\n  - id: x\n    name: X\n    url: ftp://x.fr/\n", "centre 'x': field 'url' must be an absolute http(s) URL"),
    ("centres:\n  - {id: x, name: X, url: 'https://x.fr/'}\n  - {id: x, name: Y, url: 'https://y.fr/'}\n",
     "centre 'x': duplicate id"),
    ("centres:\n  - {id: x, name: X, url: 'https://x.fr/', timezone: Europe/Lile}\n",
     "centre 'x': field 'timezone' is not a known IANA time zone: 'Europe/Lile'"),
    ("centres:\n  - id: x\n    name: X\n    url: https://x.fr/\n    sources:\n      - {url: 'https://x.fr/a', content: agenda}\n",
     "centre 'x': field 'sources[1].content' must be one of news, event, document, action, got 'agenda'"),
    ("centres:\n  - {id: X Y, name: X, url: 'https://x.fr/'}\n", "centre #1: field 'id' must be a lowercase slug"),
    ("centres:\n  - {id: x, name: X, url: 'https://x.fr/', timzone: Europe/Paris}\n",
     "centre 'x': field 'timzone' is not a known registry key"),
    ("centres:\n  - {id: x, name: X, url: 'https://x.fr/', latitude: 123}\n",
     "centre 'x': field 'latitude' must be a number from -90 to 90"),
]


@pytest.mark.parametrize("text,message", BAD_REGISTRIES)
def test_bad_registry_gives_one_clear_line(tmp_path, text, message):
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert str(path) in str(caught.value)


def test_missing_registry_file(tmp_path):
    with pytest.raises(RegistryError, match="registry file not found"):
        load_registry(tmp_path / "nope.yaml")


def test_select_unknown_centre():
    with pytest.raises(RegistryError, match="no centre with id 'atlantis'"):
        load_registry().select(["atlantis"])


def test_registry_in_latin1_names_the_byte(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("centres:\n  - {id: x, name: Réso, url: 'https://x.fr/'}\n".encode("latin-1"))
    with pytest.raises(RegistryError) as caught:
        load_registry(path)
    assert str(caught.value) == f"{path}: not UTF-8 text (byte 28); save the registry as UTF-8"


def test_action_section_hint(tmp_path):
    """`content: action` marks a section of actions: crawled without a kind hint (its pages
    stay news or documents), listed in the centre's row for the pipeline."""
    import json

    path = tmp_path / "r.yaml"
    path.write_text("centres:\n  - id: x\n    name: X\n    url: https://x.fr/\n    sources:\n"
                    "      - {url: 'https://x.fr/experiences/', content: action}\n"
                    "      - {url: 'https://x.fr/actus/', content: news}\n", encoding="utf-8")
    centre = load_registry(path).centres[0]
    assert [(s.content, s.action) for s in centre.sources] == [(None, True), ("news", False)]
    assert json.loads(centre.as_row()["action_sections"]) == ["https://x.fr/experiences/"]
