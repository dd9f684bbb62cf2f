"""Canonical URLs: one spelling per resource, so that ids and duplicates are stable.

Policy (why each rule exists):
- scheme and host lower-case, IDN hosts in punycode, default ports dropped: these never
  change the resource.
- percent-encoding normalised: unreserved characters are decoded (`%7E` → `~`), other
  escapes use upper-case hex, raw spaces and non-ASCII characters are UTF-8 encoded. An
  escaped reserved character (`%2F`) stays escaped: decoding it would change the path.
- the fragment is dropped (never sent to the server).
- tracking parameters are dropped (utm_*, fbclid, gclid, mc_cid, mc_eid, xtor, at_*, _ga,
  session ids, replytocom); `;jsessionid=` path parameters too.
- query parameters that select the resource in the CMSs of the centres (SPIP
  `spip.php?article12`, `?page=backend`, WordPress `?p=N`, `?ical=1`, Drupal `?q=`) keep
  their order at the front; the other parameters are sorted after them, so two spellings
  that differ only by parameter order agree. A valueless parameter (`?article12`) stays
  valueless: SPIP and the mirror routes match the exact query string.
- the path is kept as the site gives it: no trailing slash is added or removed (WordPress
  answers `/slug/`, Drupal `/slug`, and either may 404 on the other form), `//` is
  collapsed, `./` and `../` are resolved, and an empty path becomes `/`.
- `index.php` / `index.html` at the end of a path are KEPT: stripping them yields a URL the
  site may not serve (a static folder without directory index, SPIP's `spip.php` front
  controller). Aliases such as `/index.php?p=12` → pretty URL are learnt from redirects and
  `rel=canonical`, not guessed here.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

__all__ = [
    "canonicalize_url",
    "is_http_url",
    "same_host",
    "same_origin",
    "is_document_url",
    "alias_hint",
    "DOCUMENT_EXTENSIONS",
]

_DEFAULT_PORTS = {"http": 80, "https": 443}

# Parameter names dropped whatever their value (lower-cased comparison).
_TRACKING_EXACT = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid",
        "mc_cid", "mc_eid", "xtor", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok",
        "phpsessid", "jsessionid", "sid", "sessionid", "replytocom",
    }
)
_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_")

# Parameters that select the resource: they keep their place at the front.
_MEANINGFUL_EXACT = frozenset(
    {
        "p", "page_id", "page", "ical", "post_type", "q", "cat", "tag", "s",
        "id_article", "id_rubrique", "id_breve", "id_mot", "id_auteur", "id_document",
        "id_evenement", "id_syndic", "lang", "format", "action",
    }
)
# SPIP short forms: `spip.php?article12`, `?rubrique7`, `?breve3`...
_SPIP_OBJECT = re.compile(r"^(article|rubrique|breve|mot|auteur|site|document|evenement)(\d+)$")

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_HEX = "0123456789ABCDEF"

DOCUMENT_EXTENSIONS = frozenset(
    {"pdf", "doc", "docx", "odt", "rtf", "xls", "xlsx", "ods", "ppt", "pptx", "odp"}
)


def _normalise_escapes(part: str, safe: str) -> str:
    """Decode escaped unreserved characters, upper-case other escapes, encode the rest.

    `safe` lists the reserved characters left as they are in this component.
    """
    out: list[str] = []
    data = part.encode("utf-8", "surrogatepass")
    i = 0
    n = len(data)
    while i < n:
        byte = data[i]
        char = chr(byte)
        if char == "%" and _is_hex(data[i + 1 : i + 3]):
            value = int(data[i + 1 : i + 3], 16)
            if chr(value) in _UNRESERVED:
                out.append(chr(value))
            else:
                out.append("%" + _HEX[value >> 4] + _HEX[value & 15])
            i += 3
            continue
        if byte < 128 and (char in _UNRESERVED or char in safe):
            out.append(char)
        else:
            out.append("%" + _HEX[byte >> 4] + _HEX[byte & 15])
        i += 1
    return "".join(out)


def _is_hex(two: bytes) -> bool:
    return len(two) == 2 and all(c in b"0123456789abcdefABCDEF" for c in two)


_PATH_SAFE = "/:@!$&'()*+,;="
_QUERY_SAFE = "/:@!$'()*+,;?"  # '&' and '=' are structure, handled by the caller


def _host(split: SplitResult) -> str:
    host = split.hostname or ""
    if host and not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            pass  # an invalid IDN stays as written; it cannot be fetched anyway
    return host.rstrip(".").lower()


def _port(split: SplitResult) -> int | None:
    try:
        return split.port
    except ValueError:
        return None


def _netloc(split: SplitResult, scheme: str) -> str:
    host = _host(split)
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = _port(split)
    netloc = host
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    if split.username is not None:
        userinfo = split.username + (f":{split.password}" if split.password is not None else "")
        netloc = f"{userinfo}@{netloc}"
    return netloc


def _path(path: str) -> str:
    # `;jsessionid=...` is a session id glued to the path by Java servers.
    path = re.sub(r";jsessionid=[^/?#]*", "", path, flags=re.IGNORECASE)
    path = re.sub(r"/{2,}", "/", path) or "/"
    if not path.startswith("/"):
        path = "/" + path
    trailing = path.endswith("/") or path.endswith("/.") or path.endswith("/..")
    resolved = posixpath.normpath(path)
    if resolved.startswith("//"):  # normpath keeps a leading '//' (POSIX rule)
        resolved = "/" + resolved.lstrip("/")
    if trailing and not resolved.endswith("/"):
        resolved += "/"
    return _normalise_escapes(resolved, _PATH_SAFE)


def _param_key(raw_name: str) -> str:
    return _normalise_escapes(raw_name, _QUERY_SAFE).lower()


def _is_tracking(name: str) -> bool:
    return name in _TRACKING_EXACT or name.startswith(_TRACKING_PREFIXES)


def _is_meaningful(name: str) -> bool:
    return name in _MEANINGFUL_EXACT or bool(_SPIP_OBJECT.match(name))


def _query(query: str) -> str:
    meaningful: list[str] = []
    others: list[tuple[str, str]] = []
    for raw in query.split("&"):
        if not raw:
            continue
        name, sep, value = raw.partition("=")
        key = _param_key(name)
        if _is_tracking(key):
            continue
        pair = _normalise_escapes(name, _QUERY_SAFE)
        if sep:
            pair += "=" + _normalise_escapes(value, _QUERY_SAFE + "=")
        if _is_meaningful(key):
            meaningful.append(pair)
        else:
            others.append((key, pair))
    others.sort()
    return "&".join(meaningful + [pair for _, pair in others])


def canonicalize_url(url: str, base: str | None = None) -> str:
    """The canonical spelling of an http(s) URL (see the module docstring); others unchanged."""
    url = (url or "").strip()
    if base:
        url = urljoin(base, url)
    return _canonical(url)


@lru_cache(maxsize=200_000)
def _canonical(url: str) -> str:
    """Menus and listings repeat the same links on every page: each spelling is worked out
    once per process."""
    split = urlsplit(url)
    scheme = split.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not split.netloc:
        return url
    return urlunsplit(
        (scheme, _netloc(split, scheme), _path(split.path), _query(split.query), "")
    )


def is_http_url(url: str) -> bool:
    """True for an absolute http:// or https:// URL with a host."""
    try:
        split = urlsplit((url or "").strip())
    except ValueError:
        return False
    return split.scheme.lower() in _DEFAULT_PORTS and bool(split.hostname)


def same_host(url: str, host: str) -> bool:
    """True when `url` is on exactly `host` (a host name, `host:port`, or a URL).

    `www.irev.fr` and `irev.fr` are different hosts. The port counts only when `host`
    names one (default ports are equivalent to none).
    """
    if not is_http_url(url):
        return False
    target = urlsplit(host if "//" in host else "//" + host.strip())
    split = urlsplit(url.strip())
    if _host(split) != _host(target):
        return False
    if _port(target) is None:
        return True
    scheme = (target.scheme or split.scheme).lower()
    default = _DEFAULT_PORTS.get(split.scheme.lower())
    url_port = _port(split) or default
    return url_port == (_port(target) or _DEFAULT_PORTS.get(scheme))


@lru_cache(maxsize=65_536)
def same_origin(url: str, origin: str) -> bool:
    """True when `url` is an http(s) URL of the same site as `origin`: the same host and the
    same port (a default port is the default port of either scheme, so a site moving from
    http to https stays itself; another port of the same host is another site). Asked of
    every link of every page, menus included: each answer is worked out once."""
    if not is_http_url(url) or not is_http_url(origin):
        return False
    try:
        split, target = urlsplit(url.strip()), urlsplit(origin.strip())
        if _host(split) != _host(target):
            return False
        port, wanted = _port(split), _port(target)
    except ValueError:
        return False
    default = {None, 80, 443}
    if port in default and wanted in default:
        return True
    return (port or _DEFAULT_PORTS[split.scheme.lower()]) == (wanted or _DEFAULT_PORTS[target.scheme.lower()])


def is_document_url(url: str) -> bool:
    """True when the URL path ends in an office/PDF extension (pdf, doc, docx, odt, xls...)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    last = path.rsplit("/", 1)[-1]
    if "." not in last:
        return False
    return last.rsplit(".", 1)[1].lower() in DOCUMENT_EXTENSIONS


_DRUPAL_NODE = re.compile(r"^/(?:[a-z]{2}/)?node/(\d+)/?$")
_DRUPAL_PRINT = re.compile(r"^/print/(.+)$")


def alias_hint(url: str) -> str | None:
    """Recognise a CMS short form that is probably an alias of a pretty URL.

    Returns a stable token such as `drupal:node:123`, `wordpress:post:123`,
    `wordpress:page:45`, `spip:article:12`, `drupal:print:/actualites-0/slug`; None otherwise.
    """
    try:
        split = urlsplit(url.strip())
    except ValueError:
        return None
    path = split.path or "/"
    match = _DRUPAL_NODE.match(path)
    if match:
        return f"drupal:node:{int(match.group(1))}"
    params = [p.partition("=") for p in split.query.split("&") if p]
    values = {name.lower(): value for name, sep, value in params if sep}
    front = path in ("/", "/index.php")
    if front and values.get("p", "").isdigit():
        return f"wordpress:post:{int(values['p'])}"
    if front and values.get("page_id", "").isdigit():
        return f"wordpress:page:{int(values['page_id'])}"
    if path.endswith("/spip.php") or path == "/":
        if params and not params[0][1]:  # `?article12`: first parameter without a value
            match = _SPIP_OBJECT.match(params[0][0].lower())
            if match:
                return f"spip:{match.group(1)}:{int(match.group(2))}"
        if path.endswith("/spip.php"):
            for obj in ("article", "rubrique", "breve", "evenement"):
                value = values.get(f"id_{obj}", "")
                # `?page=backend&id_rubrique=3` is a feed, not an alias of the rubrique.
                if value.isdigit() and values.get("page", obj) == obj:
                    return f"spip:{obj}:{int(value)}"
    match = _DRUPAL_PRINT.match(path)
    if match:
        return f"drupal:print:/{match.group(1)}"
    return None
