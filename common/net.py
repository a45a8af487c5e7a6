"""Who is on the other end: the client's address and scheme, trusting proxies only as configured.

``X-Forwarded-For`` and ``X-Forwarded-Proto`` are written by whoever sends the request, so they
count only as far as our own proxies wrote them (``TRUSTED_PROXY_COUNT`` proxies in front, or
proxies within ``TRUSTED_PROXY_CIDRS``); by default nothing is trusted and the client is the
peer of the connection. Throttles, login limits, origin checks and logs all ask here.

Each proxy appends the address it received the request from, so with N trusted proxies the
client is the N-th entry from the right (the entries to its left are the client's own words).
With a CIDR list, the entries are walked from the right past every trusted address.
"""

import ipaddress
from collections.abc import Mapping
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())


def _is_trusted(address: str) -> bool:
    networks = _networks(tuple(settings.TRUSTED_PROXY_CIDRS))
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _forwarded_chain(header: str | None) -> list[str]:
    return [part.strip() for part in (header or "").split(",") if part.strip()]


def client_address(peer: str | None, forwarded_for: str | None) -> str:
    """The client's IP address as far as the configured proxies vouch for it."""
    peer = peer or ""
    chain = _forwarded_chain(forwarded_for)
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        # The app is reachable only through ``count`` proxies: the last ``count`` entries are
        # theirs. Fewer entries than proxies means a proxy did not write the header: the
        # peer is all that is known.
        candidate = chain[-count] if len(chain) >= count else peer
    elif settings.TRUSTED_PROXY_CIDRS and _is_trusted(peer):
        candidate = peer
        for address in reversed(chain):
            candidate = address
            if not _is_trusted(address):
                break
    else:
        candidate = peer
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer  # a proxy wrote something that is not an address: fall back to the peer


def proxies_trusted_for(peer: str | None) -> bool:
    """Whether headers a proxy adds (``X-Forwarded-Proto``) may be believed for this peer."""
    if settings.TRUSTED_PROXY_COUNT > 0:
        return True
    return bool(settings.TRUSTED_PROXY_CIDRS) and _is_trusted(peer or "")


def request_client_address(request) -> str:
    """``client_address`` for a Django (or DRF) request."""
    meta = request.META
    return client_address(meta.get("REMOTE_ADDR"), meta.get("HTTP_X_FORWARDED_FOR"))


def scope_headers(scope: Mapping) -> dict[str, str]:
    """An ASGI scope's headers, lower-case names, decoded as HTTP says (latin-1)."""
    return {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in scope.get("headers") or []
    }


def scope_client_address(scope: Mapping) -> str:
    """``client_address`` for an ASGI scope (WebSocket, SSE)."""
    client = scope.get("client") or (None, None)
    return client_address(client[0], scope_headers(scope).get("x-forwarded-for"))
