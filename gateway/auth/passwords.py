"""Password hashing with argon2 (argon2-cffi), cost set by configuration."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    def __init__(self, time_cost: int = 3, memory_cost: int = 65536) -> None:
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)
        # Verifying against this when the login is unknown takes as long as a real
        # check, so response time does not reveal which identifiers exist.
        self._decoy = self._hasher.hash("decoy-password-never-valid")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> bool:
        try:
            return (
                self._hasher.verify(stored_hash or self._decoy, password)
                and stored_hash is not None
            )
        except (VerificationError, InvalidHashError):
            return False
