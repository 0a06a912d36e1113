"""Login, sessions, passwords and the current principal (SPEC §9–§10)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from domain.nomenclatures import Role
from gateway.context import Context
from gateway.db import models
from gateway.schema.errors import UserError
from gateway.schema.references import Caisse
from gateway.schema.relay import Node, encode_global_id
from gateway.schema.travailleur import Travailleur, travailleur_type


@strawberry.type(description="An accounting firm (cabinet d'expertise comptable).")
class Cabinet(Node):
    nom: str = strawberry.field(description="Name of the firm.")
    siret: str = strawberry.field(description="SIRET of the firm.")
    adresse: str = strawberry.field(description="Postal address.")

    @staticmethod
    def from_row(row: models.Cabinet) -> Cabinet:
        return Cabinet(
            id=strawberry.ID(encode_global_id("Cabinet", row.id)),
            nom=row.nom,
            siret=row.siret,
            adresse=row.adresse,
        )


PROVISIONAL = "Null (FORBIDDEN) while the password is provisional."


@strawberry.type(description="The authenticated caller.")
class Me:
    role: Role = strawberry.field(
        description="TRAVAILLEUR, EXPERT_COMPTABLE (also an OAuth2 client of a cabinet) or AGENT."
    )
    identifiant: str | None = strawberry.field(
        description=(
            "The login identifier: NIR (workers) or e-mail address. Null for an OAuth2 client."
        )
    )
    nom_affiche: str | None = strawberry.field(description=f"Display name. {PROVISIONAL}")
    administrateur_cabinet: bool | None = strawberry.field(
        description=(
            "For an expert-comptable: administrator of the cabinet (sees all its clients). "
            f"{PROVISIONAL}"
        )
    )
    mot_de_passe_a_changer: bool = strawberry.field(
        description=(
            "True while the password is provisional: only `me`, `changeMotDePasse` and "
            "`logout` are allowed until it is changed, and `me` answers only `role`, "
            "`identifiant` and this field."
        )
    )
    scopes: list[str] | None = strawberry.field(
        description=f"For an OAuth2 client: the scopes of its token. Null for a user. {PROVISIONAL}"
    )
    travailleur_id: strawberry.Private[int | None]
    cabinet_id: strawberry.Private[int | None]
    caisse_id: strawberry.Private[int | None]

    @strawberry.field(description=f"The worker's own account, for a TRAVAILLEUR. {PROVISIONAL}")
    async def travailleur(self, info: Info[Context, None]) -> Travailleur | None:
        if self.travailleur_id is None:
            return None
        row = await info.context.loaders.travailleur.load(self.travailleur_id)
        return None if row is None else travailleur_type(row)

    @strawberry.field(description=f"The cabinet, for an EXPERT_COMPTABLE. {PROVISIONAL}")
    async def cabinet(self, info: Info[Context, None]) -> Cabinet | None:
        if self.cabinet_id is None:
            return None
        return Cabinet.from_row(await info.context.loaders.cabinet.load(self.cabinet_id))

    @strawberry.field(description=f"The caisse, for an AGENT. {PROVISIONAL}")
    async def caisse(self, info: Info[Context, None]) -> Caisse | None:
        if self.caisse_id is None:
            return None
        return Caisse.from_row(await info.context.loaders.caisse.load(self.caisse_id))


@strawberry.input(
    description="Credentials: a worker's NIR, or the e-mail of an accountant or agent."
)
class LoginInput:
    identifiant: str = strawberry.field(description="NIR (15 characters) or e-mail address.")
    mot_de_passe: str = strawberry.field(description="Password.")


REFRESH_TOKEN_DESCRIPTION = (
    "Opaque refresh token, valid 30 days: exchange it with `refreshToken` for a new access "
    "token (and the next refresh token; each one works once). Keep it secret. Null when "
    "refused."
)


@strawberry.type(
    description=(
        "Result of a login: a short-lived bearer token and a refresh token, or why not. "
        "After 5 failed attempts for one identifier (or 20 from one address) within 15 "
        "minutes, attempts are refused (THROTTLED) for the delay given in `retryAfter`."
    )
)
class LoginPayload:
    access_token: str | None = strawberry.field(
        description="Send as 'Authorization: Bearer <accessToken>'. Null when refused."
    )
    expires_in: int | None = strawberry.field(description="Lifetime of the token in seconds.")
    refresh_token: str | None = strawberry.field(description=REFRESH_TOKEN_DESCRIPTION)
    mot_de_passe_a_changer: bool = strawberry.field(
        description=(
            "True when the password is provisional (a new account, an invited "
            "collaborator): until `changeMotDePasse` succeeds, the token only allows `me`, "
            "`changeMotDePasse` and `logout`; anything else is FORBIDDEN."
        )
    )
    retry_after: int | None = strawberry.field(
        description="When THROTTLED: seconds to wait before trying again. Null otherwise."
    )
    me: Me | None = strawberry.field(description="Who is now logged in.")
    user_errors: list[UserError] = strawberry.field(
        description=(
            "Why the login was refused: INVALID_CREDENTIALS (the same for an unknown "
            "identifier and a wrong password), THROTTLED (with the delay)."
        )
    )


@strawberry.input(description="A refresh token obtained from `login` or a previous refresh.")
class RefreshTokenInput:
    refresh_token: str = strawberry.field(description="The refresh token.")


@strawberry.type(
    description=(
        "Result of a refresh: a new access token and the next refresh token. The one used "
        "is revoked; presenting a revoked token again revokes all the tokens of that login."
    )
)
class RefreshTokenPayload:
    access_token: str | None = strawberry.field(description="New bearer token. Null when refused.")
    expires_in: int | None = strawberry.field(description="Lifetime of the token in seconds.")
    refresh_token: str | None = strawberry.field(description=REFRESH_TOKEN_DESCRIPTION)
    me: Me | None = strawberry.field(description="Who is logged in.")
    user_errors: list[UserError] = strawberry.field(
        description="INVALID_REFRESH_TOKEN: unknown, expired or revoked."
    )


@strawberry.input(description="End a login: the refresh token to revoke.")
class LogoutInput:
    refresh_token: str = strawberry.field(description="The refresh token of this login.")


@strawberry.type(description="Result of a logout.")
class LogoutPayload:
    ok: bool = strawberry.field(
        description=(
            "True when the refresh token is revoked. The access token in hand stays valid "
            "until it expires (at most a few minutes): forget it."
        )
    )
    user_errors: list[UserError] = strawberry.field(
        description="INVALID_REFRESH_TOKEN: unknown or already revoked."
    )


PASSWORD_RULES = "At least 12 characters, and not your identifier."


@strawberry.input(
    description=(
        "Open the online account of a worker known to the caisse who has no login yet "
        '("quelques minutes suffisent pour ouvrir votre compte").'
    )
)
class CreateAccountInput:
    nir: str = strawberry.field(description="Social security number (15 characters).")
    courriel: str = strawberry.field(
        description="The e-mail address the caisse has on file for you."
    )


@strawberry.type(
    description=(
        "Always the same neutral answer, whether or not an account was opened, so "
        "accounts cannot be enumerated."
    )
)
class CreateAccountPayload:
    message: str | None = strawberry.field(
        description="What to expect: an e-mail, if the NIR and address match an account."
    )
    retry_after: int | None = strawberry.field(
        description="When THROTTLED: seconds to wait before trying again. Null otherwise."
    )
    user_errors: list[UserError] = strawberry.field(
        description=(
            "Malformed input (NIR_INVALIDE, COURRIEL_INVALIDE), or THROTTLED: more than 10 "
            "requests from your address or 3 for this NIR within an hour (whether or not "
            "the account exists)."
        )
    )


@strawberry.input(description="Change your password (required after a provisional one).")
class ChangeMotDePasseInput:
    ancien_mot_de_passe: str = strawberry.field(description="Your current password.")
    nouveau_mot_de_passe: str = strawberry.field(description=f"New password. {PASSWORD_RULES}")


@strawberry.type(description="Result of a password change.")
class ChangeMotDePassePayload:
    ok: bool = strawberry.field(description="True when the password was changed.")
    refresh_token: str | None = strawberry.field(
        description=(
            "Your other logins are ended (their refresh tokens revoked); this is the new "
            "refresh token of this one. Null when refused."
        )
    )
    user_errors: list[UserError] = strawberry.field(
        description=(
            "INVALID_CREDENTIALS (current password), MOT_DE_PASSE_TROP_COURT, "
            "MOT_DE_PASSE_TROP_LONG, MOT_DE_PASSE_IDENTIFIANT, MOT_DE_PASSE_INCHANGE."
        )
    )


@strawberry.input(description="Forgotten password: ask for a reset code by e-mail.")
class RequestPasswordResetInput:
    identifiant: str = strawberry.field(description="NIR (workers) or e-mail address.")


@strawberry.type(description="Always the same neutral answer (no account enumeration).")
class RequestPasswordResetPayload:
    message: str | None = strawberry.field(
        description="What to expect: an e-mail with a code valid one hour, used once."
    )
    retry_after: int | None = strawberry.field(
        description="When THROTTLED: seconds to wait before trying again. Null otherwise."
    )
    user_errors: list[UserError] = strawberry.field(
        description=(
            "THROTTLED only: more than 3 requests for this identifier, or 20 from your "
            "address, within an hour (whether or not the identifier exists; no e-mail is "
            "sent and the last code stays valid)."
        )
    )


@strawberry.input(description="Set a new password with the code received by e-mail.")
class ResetPasswordInput:
    identifiant: str = strawberry.field(description="NIR (workers) or e-mail address.")
    code: str = strawberry.field(
        description='The code from the e-mail, e.g. "K7QF-9XMP-2DHT" (case and dashes ignored).'
    )
    nouveau_mot_de_passe: str = strawberry.field(description=f"New password. {PASSWORD_RULES}")


@strawberry.type(description="Result of a password reset.")
class ResetPasswordPayload:
    ok: bool = strawberry.field(
        description="True when the password was set; log in with it (other logins are ended)."
    )
    user_errors: list[UserError] = strawberry.field(
        description=(
            "INVALID_RESET_CODE (wrong, used or expired code, or unknown identifier), "
            "MOT_DE_PASSE_TROP_COURT, MOT_DE_PASSE_TROP_LONG, MOT_DE_PASSE_IDENTIFIANT."
        )
    )


@strawberry.type(
    description=(
        "An OAuth2 client of the cabinet: a practice-management tool that obtains tokens "
        "with the client_credentials grant at `POST /oauth/token` and acts as the cabinet, "
        "within its scopes (SPEC §10)."
    )
)
class OAuthClient:
    client_id: str = strawberry.field(description="The client_id to authenticate with.")
    nom: str = strawberry.field(description="Name given at registration (the tool).")
    scopes: list[str] = strawberry.field(
        description=(
            "Granted scopes: read (everything the cabinet sees), revenus:write, "
            "prelevement:write, delais:write, attestations:write, webhooks:write."
        )
    )
    cree_le: datetime = strawberry.field(description="Registration time (UTC).")
    revoque_le: datetime | None = strawberry.field(description="Revocation time, if revoked.")
    actif: bool = strawberry.field(
        description="False once revoked: its tokens stop working at once."
    )


@strawberry.input(description="Register an OAuth2 client for your cabinet (cabinet admin).")
class CreateOAuthClientInput:
    nom: str = strawberry.field(description="Name of the tool, 1 to 100 characters.")
    scopes: list[str] = strawberry.field(
        description=(
            "Scopes to grant, among read, revenus:write, prelevement:write, delais:write, "
            "attestations:write, webhooks:write. A token may ask for fewer, never more."
        )
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description=(
            "A retry with the same key returns the same client, without its secret (the "
            "secret is shown once and never stored)."
        ),
    )


@strawberry.type(description="The registered client and its secret, shown this once.")
class CreateOAuthClientPayload:
    client: OAuthClient | None = strawberry.field(description="The new client.")
    client_secret: str | None = strawberry.field(
        description=(
            "The client secret: store it now, it cannot be shown again (only its hash is "
            "kept). Null when refused or on an idempotent replay."
        )
    )
    user_errors: list[UserError] = strawberry.field(
        description="NOM_INVALIDE, SCOPE_INCONNU, SCOPES_MANQUANTS."
    )


@strawberry.input(description="Revoke an OAuth2 client of your cabinet (cabinet admin).")
class RevokeOAuthClientInput:
    client_id: str = strawberry.field(description="The client_id to revoke.")
    idempotency_key: str | None = strawberry.field(
        default=None,
        description=(
            "Any unique string: a retry with the same key by the same caller returns the "
            "first result and changes nothing more."
        ),
    )


@strawberry.type(description="Result of a revocation.")
class RevokeOAuthClientPayload:
    client: OAuthClient | None = strawberry.field(description="The revoked client.")
    user_errors: list[UserError] = strawberry.field(
        description="NOT_FOUND (not a client of your cabinet), CLIENT_DEJA_REVOQUE."
    )
