"""The identity of an article URL: courlan's normalisation (case, default ports, tracking
parameters, sorted query) plus pantau's own rules for Indonesian outlets' variants — AMP and mobile
hosts and paths (``amp.``/``m.``, ``/amp``), "show all pages" parameters, http → https.

``canonical_url`` never raises: a URL that cannot be an article's (no host, a malformed host name —
``a..b``, a label over 63 characters, anything IDNA refuses —, a port out of range, a scheme other
than http/https, broken brackets, longer than the store's key) gives None, and the caller drops it
with a note naming its source.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import normalize_url

_AMP_PATH = re.compile(r"/amp/?$|^/amp(?=/)|\.amp$")
_MOBILE_HOSTS = ("amp.", "m.", "mobile.")
_EXTRA_PARAMS = re.compile(
    r"^(?:src|source|medium|campaign|from|cmpid|share|amp|outputType|_gl|igshid|"
    r"mc_cid|mc_eid|_ga|dclid|msclkid)$",
    re.IGNORECASE,
)
_SHOW_ALL = {("page", "all"), ("single", "1")}
MAX_URL = 2000  # the store's key (pantau/store/schema.py); no article URL is longer


def valid_host(host: str) -> bool:
    """A host name a resolver accepts: IDNA-encodable (no empty label as in ``a..b``, no label over
    63 characters), at most 253 characters, no control or space character."""
    if not host or len(host) > 253 or any(ch.isspace() or ord(ch) < 32 or ch == "\x7f" for ch in host):
        return False
    if host.startswith("[") or ":" in host:  # an IPv6 literal: urlsplit has checked its brackets
        return True
    try:
        host.encode("idna")  # the codec socket.getaddrinfo uses: what it refuses, no resolver sees
    except UnicodeError:
        return False
    return True


def valid_http_url(url: str) -> bool:
    """An absolute http(s) URL with a valid host name (``valid_host``) and a usable port."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # raises ValueError when out of range or not a number
    except ValueError:
        return False
    host = parts.hostname
    return parts.scheme in ("http", "https") and bool(host) and valid_host(host or "") and (port is None or 0 < port)


def canonical_url(url: str) -> str | None:
    """Stable identity of an article URL across tracking, AMP and mobile variants; None if invalid."""
    if not isinstance(url, str) or len(url) > MAX_URL or not valid_http_url(url):
        return None
    try:
        parts = urlsplit(normalize_url(url.strip(), trailing_slash=False))
    except ValueError:
        return None
    host = parts.hostname or ""
    if not valid_host(host):  # normalisation may change it (courlan decodes punycode)
        return None
    for prefix in _MOBILE_HOSTS:
        if host.startswith(prefix) and host.count(".") >= 2:
            rest = host[len(prefix) :]
            host = "www." + rest if rest.count(".") == 1 else rest
            break
    path = _AMP_PATH.sub("", parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _EXTRA_PARAMS.match(k) and (k.lower(), v.lower()) not in _SHOW_ALL
    ]
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    scheme = "https" if not port else parts.scheme
    out = urlunsplit((scheme, host + port, path, urlencode(sorted(query)), ""))
    return out if len(out) <= MAX_URL else None
