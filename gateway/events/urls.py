"""Which URLs a webhook may be sent to (against server-side request forgery).

An endpoint URL must be https (http only in development), name a host, and every
address that host resolves to must be public: private, loopback, link-local,
multicast, reserved and unspecified addresses (and IPv6 forms of them) are refused,
unless the ``webhooks_allow_private`` setting allows them (tests, an intranet). The
check runs at registration and again before each delivery, so a name re-pointed to an
internal address afterwards (DNS rebinding) is refused then.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from domain.errors import DomainError

MAX_URL_LENGTH = 2000


@dataclass(frozen=True, slots=True)
class UrlPolicy:
    allow_http: bool = False
    allow_private: bool = False


def _refuse(message: str, code: str) -> DomainError:
    return DomainError(message, field="url", code=code)


def _forbidden_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def check_syntax(url: str, policy: UrlPolicy) -> tuple[str, int]:
    """The host and port of an acceptable URL; a refusal naming ``url`` otherwise."""
    text = url.strip()
    if not text or len(text) > MAX_URL_LENGTH:
        raise _refuse(f"Indiquez une URL de 1 à {MAX_URL_LENGTH} caractères.", "URL_INVALIDE")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise _refuse("URL invalide.", "URL_INVALIDE") from None
    allowed = ("https", "http") if policy.allow_http else ("https",)
    if parts.scheme not in allowed:
        raise _refuse(
            "L'URL doit commencer par https:// (http:// n'est accepté qu'en développement).",
            "URL_NON_HTTPS",
        )
    if not parts.hostname or parts.username or parts.password:
        raise _refuse("L'URL doit nommer un hôte, sans identifiants.", "URL_INVALIDE")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


async def check_destination(url: str, policy: UrlPolicy) -> None:
    """Refuse the URL unless its host resolves to public addresses only (see above)."""
    host, port = check_syntax(url, policy)
    if policy.allow_private:
        return
    try:
        literal = [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        literal = []
    if literal:
        addresses = literal
    else:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except OSError:
            raise _refuse(f"L'hôte « {host} » est introuvable.", "URL_HOTE_INCONNU") from None
        addresses = [str(info[4][0]) for info in infos]
    if not addresses or any(_forbidden_address(a) for a in addresses):
        raise _refuse(
            "Adresse privée, locale ou réservée refusée : l'URL doit être joignable sur Internet.",
            "URL_ADRESSE_INTERDITE",
        )
