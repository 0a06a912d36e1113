"""The system clock: the only place that reads the real date (SPEC §4 "Dates").

Everything else receives a ``Clock`` and asks it; tests and demos fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Clock:
    """Today's date, fixed or real; timestamps follow the fixed date when there is one."""

    fixed_today: date | None = None

    def today(self) -> date:
        return self.fixed_today if self.fixed_today is not None else utc_now().date()

    def now(self) -> datetime:
        real = utc_now()
        if self.fixed_today is None:
            return real
        return datetime.combine(self.fixed_today, real.time(), tzinfo=UTC)

    @staticmethod
    def at(day: date) -> Clock:
        return Clock(fixed_today=day)


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)
