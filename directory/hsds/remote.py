"""Reading another agency's HSDS API, safely: the address comes from an agency admin, so the
request must not become a way into the server's own network.

Written on the standard library's ``http.client`` rather than requests or httpx: Limen resolves
the host itself, checks every address, and connects to the address it checked (a second DNS
answer cannot swap in a private one, "DNS rebinding"); it follows no redirect it did not check,
reads the body in chunks and stops past a size limit, and never reads proxy settings from the
environment (a proxy would connect wherever it is told). requests and httpx can do each of these
only through transport adapters that replace most of what they would bring.

- http and https only, with the system's certificate checks for https;
- a connect and read timeout per socket operation, and a deadline for the whole response (a
  source that trickles one byte at a time is cut off too);
- a size limit per response, counted while reading;
- redirects only to the same host (http may become https, never the other way), at most
  ``MAX_REDIRECTS``; the token is never sent anywhere else;
- no private, loopback, link-local, multicast or reserved address unless the operator named the
  host (or address) in ``DIRECTORY_PULL_PRIVATE_HOSTS``.
"""

import http.client
import ipaddress
import json
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
DEADLINE_SECONDS = 60.0
MAX_RESPONSE_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 3
CHUNK_BYTES = 64 * 1024
USER_AGENT = "Limen directory pull (HSDS 3.0)"


class FetchError(Exception):
    """The source could not be read; ``str()`` says why, for the admin (never the token)."""

    def __init__(self, message: str, *, kind: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Limits:
    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    deadline: float = DEADLINE_SECONDS
    max_bytes: int = MAX_RESPONSE_BYTES


def check_base_url(url: str) -> str:
    """The API's base address, normalised (no trailing slash); ValueError when it is not an
    http(s) address with a host and nothing else (no user name, query or fragment)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(_("Give an address that starts with http:// or https://."))
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError(
            _("Give the API's address without a user name, password, query or fragment.")
        )
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        raise ValueError(_("The port number is not valid.")) from exc
    return url.strip().rstrip("/")


def _allowed_private(host: str, address: str) -> bool:
    allowed = {h.strip().lower().strip("[]") for h in settings.DIRECTORY_PULL_PRIVATE_HOSTS}
    return host.lower().strip("[]") in allowed or address in allowed


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _addresses(host: str, port: int) -> list[tuple[int, str]]:
    """The addresses of ``host`` that may be connected to, as (family, address)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(
            _("The source's host name %(host)s cannot be found.") % {"host": host},
            kind="unreachable",
        ) from exc
    usable, refused = [], []
    for family, _type, _proto, _name, sockaddr in infos:
        address = sockaddr[0]
        parsed = ipaddress.ip_address(address.split("%")[0])
        if _is_public(parsed) or _allowed_private(host, str(parsed)):
            if (family, address) not in usable:
                usable.append((family, address))
        else:
            refused.append(address)
    if not usable:
        raise FetchError(
            _(
                "%(host)s is a private or local address; Limen connects to it only when the "
                "server's operator allows that host (DIRECTORY_PULL_PRIVATE_HOSTS)."
            )
            % {"host": host},
            kind="refused_address",
        )
    return usable


class _CheckedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to an address checked beforehand, speaking to ``host`` by name
    (Host header, TLS server name and certificate check)."""

    def __init__(self, host: str, port: int, *, address: str, family: int, tls: bool, limits):
        super().__init__(host, port, timeout=limits.connect_timeout)
        self._address = address
        self._family = family
        self._tls = tls
        self._limits = limits

    def connect(self) -> None:
        sock = socket.socket(self._family, socket.SOCK_STREAM)
        sock.settimeout(self._limits.connect_timeout)
        try:
            sock.connect((self._address, self.port))
            if self._tls:
                context = ssl.create_default_context()
                sock = context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        sock.settimeout(self._limits.read_timeout)
        self.sock = sock


def _get_once(url: str, token: str, limits: Limits, started: float) -> tuple[int, dict, bytes]:
    parts = urlsplit(url)
    tls = parts.scheme == "https"
    port = parts.port or (443 if tls else 80)
    host = parts.hostname or ""
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    last_error: Exception | None = None
    for family, address in _addresses(host, port):
        connection = _CheckedConnection(
            host, port, address=address, family=family, tls=tls, limits=limits
        )
        try:
            headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > limits.max_bytes:
                raise _too_large(limits)
            body = bytearray()
            while True:
                if time.monotonic() - started > limits.deadline:
                    raise _too_slow(limits)
                chunk = response.read1(CHUNK_BYTES)
                if not chunk:
                    break
                body.extend(chunk)
                if len(body) > limits.max_bytes:
                    raise _too_large(limits)
            return response.status, {k.lower(): v for k, v in response.getheaders()}, bytes(body)
        except FetchError:
            raise
        except TimeoutError as exc:
            raise _too_slow(limits) from exc
        except ssl.SSLError as exc:
            raise FetchError(
                _("The source's secure connection could not be checked (%(e)s).")
                % {"e": exc.reason or exc.__class__.__name__},
                kind="tls",
            ) from exc
        except (OSError, http.client.HTTPException) as exc:
            last_error = exc
            continue
        finally:
            connection.close()
    raise FetchError(
        _("The source at %(host)s could not be reached.") % {"host": host}, kind="unreachable"
    ) from last_error


def _too_large(limits: Limits) -> FetchError:
    return FetchError(
        _("The source answered with more than %(mb)s MB; Limen stopped reading.")
        % {"mb": round(limits.max_bytes / 2**20, 1)},
        kind="too_large",
    )


def _too_slow(limits: Limits) -> FetchError:
    return FetchError(
        _("The source did not answer in time (%(s)s seconds).")
        % {"s": int(min(limits.read_timeout, limits.deadline))},
        kind="timeout",
    )


def get_json(url: str, *, token: str = "", limits: Limits | None = None) -> Any:
    """GET ``url`` and return its JSON, following same-host redirects only."""
    limits = limits or Limits()
    check_base_url(url.split("?")[0])
    started = time.monotonic()
    origin = urlsplit(url).hostname
    for _hop in range(MAX_REDIRECTS + 1):
        status, headers, body = _get_once(url, token, limits, started)
        if status in (301, 302, 303, 307, 308) and headers.get("location"):
            target = urljoin(url, headers["location"])
            parts = urlsplit(target)
            downgrade = urlsplit(url).scheme == "https" and parts.scheme != "https"
            if parts.hostname != origin or parts.scheme not in ("http", "https") or downgrade:
                raise FetchError(
                    _("The source redirected to another address; Limen does not follow it."),
                    kind="redirect",
                )
            url = target
            continue
        break
    else:
        raise FetchError(_("The source redirected too many times."), kind="redirect")
    if status in (401, 403) and not token:
        raise FetchError(
            _(
                "The source asks for a read token (HTTP %(status)s). Ask the other agency for "
                "one and save it here, or for the address of its openly published directory "
                "(a Limen one ends in /api/hsds/ followed by the agency's short name)."
            )
            % {"status": status},
            kind="unauthorised",
        )
    if status in (401, 403):
        raise FetchError(
            _(
                "The source refused the token (HTTP %(status)s): it may have been revoked. "
                "Ask the other agency for a new one and save it here."
            )
            % {"status": status},
            kind="unauthorised",
        )
    if status != 200:
        raise FetchError(
            _("The source answered HTTP %(status)s.") % {"status": status}, kind="http_status"
        )
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise FetchError(_("The source did not answer with valid JSON."), kind="garbage") from exc


def fetch_services(
    base_url: str,
    *,
    token: str,
    modified_after: str = "",
    per_page: int = 100,
    max_pages: int = 500,
    limits: Limits | None = None,
) -> list[dict]:
    """Every service the source changed since ``modified_after`` (all when empty), fully
    nested, page by page as HSDS pages them."""
    records: list[dict] = []
    page = 1
    while True:
        query = {"full": "true", "per_page": per_page, "page": page}
        if modified_after:
            query["modified_after"] = modified_after
        document = get_json(f"{base_url}/services?{urlencode(query)}", token=token, limits=limits)
        if not isinstance(document, dict) or not isinstance(document.get("contents"), list):
            raise FetchError(
                _("The source's answer is not a page of HSDS services."), kind="garbage"
            )
        records.extend(document["contents"])
        if document.get("last_page") is not False or not document["contents"]:
            return records
        page += 1
        if page > max_pages:
            raise FetchError(
                _("The source has more than %(n)s pages of changes; Limen stopped.")
                % {"n": max_pages},
                kind="too_large",
            )
