"""Edit a COPY of a test site between two harvests (incremental-harvest tests).

`retitle` changes an item's title everywhere it is shown (its page, listings, feeds,
calendars) and moves the Last-Modified of every route whose file changed; `remove`
makes an item's page answer 404 and takes it out of listings, feeds and sitemaps;
`publish_copy` publishes a new article, announced first in the feeds.
All three keep `_truth.json` in step. Never call them on `tests/sites/` itself:
`copy_site` first.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path, PurePosixPath

TEXT_SUFFIXES = {".html", ".xml", ".ics", ".json", ".txt", ".rss", ".atom"}


def copy_site(site_dir: str | Path, dest: str | Path) -> Path:
    """Copy one site directory to dest (which must not exist) and return dest."""
    return Path(shutil.copytree(site_dir, dest))


def retitle(site_dir: str | Path, path: str, new_title: str, when: datetime | None = None) -> list[str]:
    """Rename the item at `path` everywhere it shows; return the request targets touched."""
    site = Path(site_dir)
    truth = _load(site / "_truth.json")
    item = _find_item(truth, path)
    old_title = item["title"]
    changed: set[str] = set()
    for file in _text_files(site):
        data = file.read_bytes()
        encoding = _encoding_of(data)
        text = data.decode(encoding)
        new_text = _replace_title(text, old_title, new_title)
        if new_text != text:
            file.write_bytes(_encode(new_text, encoding))
            changed.add(file.relative_to(site).as_posix())
    if not changed:
        raise ValueError(f"title of {path!r} not found in any file of {site}")
    item["title"] = new_title
    _save(site / "_truth.json", truth)
    return _touch(site, changed, when)


def remove(site_dir: str | Path, path: str, when: datetime | None = None) -> list[str]:
    """Make `path` (and its aliases) answer 404 and drop it from listings, feeds and
    sitemaps; return the request targets whose content changed."""
    site = Path(site_dir)
    truth = _load(site / "_truth.json")
    item = _find_item(truth, path)
    routes_doc = _load(site / "_routes.json")
    routes = routes_doc["routes"]
    for target in [path, *item["aliases"]]:
        routes[target] = {"status": 404}
    _save(site / "_routes.json", routes_doc)
    served = {r["file"] for r in routes.values() if "file" in r}
    changed: set[str] = set()
    for file in _text_files(site):
        rel = file.relative_to(site).as_posix()
        if rel not in served:
            continue
        data = file.read_bytes()
        encoding = _encoding_of(data)
        text = data.decode(encoding)
        new_text = _drop_entries(text, path)
        if new_text != text:
            file.write_bytes(_encode(new_text, encoding))
            changed.add(rel)
    truth["items"] = [i for i in truth["items"] if i["path"] != path]
    _save(site / "_truth.json", truth)
    return _touch(site, changed, when)


def publish_copy(site_dir: str | Path, path: str, new_path: str, new_title: str,
                 when: datetime | None = None) -> list[str]:
    """Publish a new article at `new_path`, a copy of the page of `path` under `new_title`,
    announced first in every feed that lists `path`; return the request targets touched."""
    site = Path(site_dir)
    truth = _load(site / "_truth.json")
    item = _find_item(truth, path)
    routes_doc = _load(site / "_routes.json")
    source = routes_doc["routes"][path]["file"]
    slug = re.sub(r"[^\w-]+", "-", new_path.strip("/")).strip("-")
    new_file = PurePosixPath(source).with_name(slug + ".html").as_posix()

    def renamed(text: str) -> str:
        # The copy's own URLs: its path, and every alias (shortlink, feed GUID) of the original.
        for old in sorted([path, *item["aliases"]], key=len, reverse=True):
            text = re.sub(_url_pattern(old), "__ORIGIN__" + new_path, text)
        return _replace_title(text, item["title"], new_title)

    page = (site / source).read_bytes()
    encoding = _encoding_of(page)
    (site / new_file).write_bytes(_encode(renamed(page.decode(encoding)), encoding))
    routes_doc["routes"][new_path] = {**routes_doc["routes"][path], "file": new_file}
    _save(site / "_routes.json", routes_doc)
    url = _url_pattern(path)
    changed = {new_file}
    for file in _text_files(site):
        rel = file.relative_to(site).as_posix()
        data = file.read_bytes()
        encoding = _encoding_of(data)
        text = data.decode(encoding)
        entry = re.search(rf"[ \t]*<(item|entry)\b(?:(?!</\1>).)*?{url}(?:(?!</\1>).)*?</\1>\n?", text, re.S)
        if entry is None:
            continue
        first = re.search(rf"[ \t]*<{entry.group(1)}\b", text)
        text = text[:first.start()] + renamed(entry.group(0)) + text[first.start():]
        file.write_bytes(_encode(text, encoding))
        changed.add(rel)
    if len(changed) == 1:
        raise ValueError(f"no feed of {site} announces {path!r}")
    truth["items"].insert(0, {**item, "path": new_path, "title": new_title, "aliases": []})
    _save(site / "_truth.json", truth)
    return _touch(site, changed, when)


# --------------------------------------------------------------------------- helpers

def _drop_entries(text: str, path: str) -> str:
    """Remove every listing entry, feed item, sitemap url and calendar event for path."""
    marked = re.compile(r"<!-- entry " + re.escape(path) + r" -->.*?<!-- /entry -->\n?", re.S)
    text = marked.sub("", text)
    # Feed and sitemap blocks are recognised by the absolute URL they hold.
    url = _url_pattern(path)
    for tag in ("item", "entry", "url"):
        text = re.sub(rf"[ \t]*<{tag}\b(?:(?!</{tag}>).)*?{url}(?:(?!</{tag}>).)*?</{tag}>\n?", "", text, flags=re.S)
    text = re.sub(rf"BEGIN:VEVENT\r\n(?:(?!END:VEVENT).)*?URL:{url}(?:(?!END:VEVENT).)*?END:VEVENT\r\n", "", text, flags=re.S)
    return text


def _url_pattern(path: str) -> str:
    """The absolute URL of `path` in a site file: the exact path followed by the end of the
    URL, a query or a fragment (not a longer path)."""
    return re.escape("__ORIGIN__" + path) + r"(?=[<?#\s\"]|\r?\n)"


def _replace_title(text: str, old: str, new: str) -> str:
    """Replace every spelling of `old` by the same spelling of `new`, in one pass so a
    new title that contains the old one is not replaced twice."""
    mapping: dict[str, str] = {}
    for old_form, new_form in zip(_forms(old), _forms(new)):
        mapping.setdefault(old_form, new_form)
    pattern = re.compile("|".join(re.escape(f) for f in sorted(mapping, key=len, reverse=True)))
    return pattern.sub(lambda m: mapping[m.group(0)], text)


def _forms(title: str) -> list[str]:
    """The spellings a title takes in the sites' files, most specific first."""
    escaped = html.escape(title, quote=False)
    return [
        escaped.replace("’", "&#8217;").replace("–", "&#8211;"),   # WordPress wptexturize
        escaped.replace("'", "&#039;"),                              # Drupal Html::escape
        escaped.encode("latin-1", "xmlcharrefreplace").decode("latin-1"),  # latin-1 SPIP
        html.escape(escaped, quote=False),                           # RSS description/escaped HTML
        escaped,
        title,                                                       # JSON-LD, ICS, PDF-free text
    ]


def _encoding_of(data: bytes) -> str:
    # Sites are UTF-8 except the SPIP one (latin-1 with a few windows-1252 bytes).
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-8":
        return text.encode("utf-8")
    return text.encode("cp1252", "xmlcharrefreplace")


def _text_files(site: Path):
    for file in sorted(site.rglob("*")):
        if file.is_file() and file.suffix in TEXT_SUFFIXES and not file.name.startswith("_"):
            yield file


def _touch(site: Path, changed_files: set[str], when: datetime | None) -> list[str]:
    """Give every route serving a changed file a newer Last-Modified."""
    stamp = format_datetime((when or datetime.now(timezone.utc)).astimezone(timezone.utc), usegmt=True)
    routes_doc = _load(site / "_routes.json")
    touched = []
    for target, route in routes_doc["routes"].items():
        if route.get("file") in changed_files:
            route["last_modified"] = stamp
            touched.append(target)
    _save(site / "_routes.json", routes_doc)
    return sorted(touched)


def _find_item(truth: dict, path: str) -> dict:
    for item in truth["items"]:
        if item["path"] == path:
            return item
    raise KeyError(f"no truth item with path {path!r}")


def _load(file: Path) -> dict:
    return json.loads(file.read_text(encoding="utf-8"))


def _save(file: Path, data: dict) -> None:
    file.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
