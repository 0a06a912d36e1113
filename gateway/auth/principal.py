"""The authenticated caller, typed once and passed everywhere (STYLE §4)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.nomenclatures import Role


class Scope:
    """OAuth2 scopes of practice-management clients (SPEC §10)."""

    READ = "read"
    REVENUS_WRITE = "revenus:write"
    PRELEVEMENT_WRITE = "prelevement:write"
    DELAIS_WRITE = "delais:write"
    ATTESTATIONS_WRITE = "attestations:write"
    WEBHOOKS_WRITE = "webhooks:write"  # register and manage the cabinet's webhook endpoints
    ALL = frozenset(
        {READ, REVENUS_WRITE, PRELEVEMENT_WRITE, DELAIS_WRITE, ATTESTATIONS_WRITE, WEBHOOKS_WRITE}
    )


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a logged-in user, or an OAuth2 client acting for a cabinet.

    ``scopes`` is None for interactive users (their role decides); an OAuth2 client
    is limited to the scopes it was granted. ``mot_de_passe_a_changer``: a user logged
    in with a provisional password may only change it (and ask ``me``) until then.
    """

    role: Role
    label: str
    utilisateur_id: int | None = None
    travailleur_id: int | None = None
    cabinet_id: int | None = None
    administrateur_cabinet: bool = False
    caisse_id: int | None = None
    oauth_client_id: str | None = None
    scopes: frozenset[str] | None = None
    mot_de_passe_a_changer: bool = False
    identifiant: str | None = None  # the login identifier of a user

    @property
    def key(self) -> str:
        """Stable identity for idempotency records."""
        if self.oauth_client_id is not None:
            return f"client:{self.oauth_client_id}"
        return f"user:{self.utilisateur_id}"

    @property
    def sees_whole_cabinet(self) -> bool:
        """A cabinet admin and the cabinet's OAuth2 clients see every mandated client."""
        return self.role is Role.EXPERT_COMPTABLE and (
            self.administrateur_cabinet or self.oauth_client_id is not None
        )

    def has_scope(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes

    @property
    def is_oauth_client(self) -> bool:
        return self.oauth_client_id is not None
