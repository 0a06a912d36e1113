"""Login throttling policy (gateway/auth/throttling.py): the delay, to the second."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateway.auth.throttling import seconds_to_wait, throttled_message

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


def test_fewer_failures_than_the_limit_allow_an_attempt_now() -> None:
    assert seconds_to_wait([ago(minutes=1)] * 4, 5, NOW) == 0


def test_the_wait_lasts_until_the_oldest_counted_failure_leaves_the_15_minute_window() -> None:
    failures = [ago(minutes=m) for m in (5, 4, 3, 2, 1)]
    assert seconds_to_wait(failures, 5, NOW) == 600


def test_with_more_failures_than_the_limit_the_one_reaching_it_decides() -> None:
    # 7 failures: the attempt is possible once only 4 remain, i.e. when the third
    # oldest (6 minutes ago) leaves the window.
    failures = [ago(minutes=m) for m in (8, 7, 6, 3, 2, 1, 0.5)]
    assert seconds_to_wait(failures, 5, NOW) == 540


def test_failures_outside_the_window_do_not_count() -> None:
    assert seconds_to_wait([ago(minutes=15)] * 5, 5, NOW) == 0


def test_a_fraction_of_a_second_left_is_still_one_second_to_wait() -> None:
    failures = [ago(minutes=14, seconds=59, microseconds=999000)] * 5
    assert seconds_to_wait(failures, 5, NOW) == 1


def test_the_message_gives_whole_minutes_rounded_up() -> None:
    assert throttled_message(600) == "Trop de tentatives : réessayez dans 10 minutes."
    assert throttled_message(601) == "Trop de tentatives : réessayez dans 11 minutes."
    assert throttled_message(59) == "Trop de tentatives : réessayez dans 1 minute."
