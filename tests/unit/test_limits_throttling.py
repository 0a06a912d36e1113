"""Throttling messages (gateway/auth/throttling.py): the delay in whole minutes."""

from __future__ import annotations

from gateway.auth.throttling import throttled_message


def test_the_message_gives_whole_minutes_rounded_up() -> None:
    assert throttled_message(600) == "Trop de tentatives : réessayez dans 10 minutes."
    assert throttled_message(601) == "Trop de tentatives : réessayez dans 11 minutes."
    assert throttled_message(59) == "Trop de tentatives : réessayez dans 1 minute."
