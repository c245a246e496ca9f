"""When may a reminder reach someone? The next moment inside their working hours.

Article 004: "define your working hours and respect them". Limen applies that to itself: a
reminder that falls due at night or at the weekend waits for the start of the next working
window, in the recipient's own time zone (daylight-saving changes included).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A week of windows is enough to find the next one; fourteen days covers any sparse schedule.
_SEARCH_DAYS = 14


def next_window_start(
    moment: datetime, hours: dict[int, tuple[time, time]], tz: ZoneInfo
) -> datetime:
    """The earliest instant at or after ``moment`` that lies inside a working window.

    ``hours`` maps weekday (0 = Monday) to (start, end) local wall-clock times. Returns an aware
    UTC datetime. With no hours at all, ``moment`` itself is returned.
    """
    instant = _as_utc(moment)
    for start, end in _windows(instant, hours, tz):
        if instant < end:
            return max(start, instant)
    return instant


def next_window_opening(
    moment: datetime, hours: dict[int, tuple[time, time]], tz: ZoneInfo
) -> datetime:
    """The first start of a working window at or after ``moment`` (for once-a-day digests:
    something due mid-morning waits for the next working day's start). Aware UTC datetime."""
    instant = _as_utc(moment)
    for start, _end in _windows(instant, hours, tz):
        if start >= instant:
            return start
    return instant


def window_end(
    moment: datetime, hours: dict[int, tuple[time, time]], tz: ZoneInfo
) -> datetime | None:
    """The end of the working window ``moment`` lies in (aware UTC), or None outside one."""
    instant = _as_utc(moment)
    for start, end in _windows(instant, hours, tz):
        if start <= instant < end:
            return end
        if start > instant:
            return None
    return None


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    return moment.astimezone(UTC)


def _windows(instant: datetime, hours: dict[int, tuple[time, time]], tz: ZoneInfo):
    """The working windows from ``instant``'s local day on, as (start, end) in UTC.

    Instants are compared in UTC: aware datetimes sharing one tzinfo compare by wall clock,
    which is wrong in the spring-forward gap and the autumn overlap. Empty windows are skipped.
    """
    first_day = instant.astimezone(tz).date()
    for offset in range(_SEARCH_DAYS + 1) if hours else ():
        day = first_day + timedelta(days=offset)
        window = hours.get(day.weekday())
        if window is None:
            continue
        start = _localise(day, window[0], tz).astimezone(UTC)
        end = _localise(day, window[1], tz).astimezone(UTC)
        if end > start:
            yield start, end


def start_of_local_day(moment: datetime, tz: ZoneInfo, *, days_ahead: int = 0) -> datetime:
    """Midnight (or the first instant after it, on a day that skips it) ``days_ahead`` days
    after ``moment``'s local date."""
    return day_start(moment.astimezone(tz).date() + timedelta(days=days_ahead), tz)


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of the local date ``day`` in ``tz``, as an aware UTC datetime."""
    return _localise(day, time(0, 0), tz).astimezone(UTC)


def within_window(moment: datetime, hours: dict[int, tuple[time, time]], tz: ZoneInfo) -> bool:
    return next_window_start(moment, hours, tz) == moment.astimezone(UTC)


def _localise(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """A local wall-clock time on ``day``. In the spring-forward gap (02:00–03:00 in Europe) the
    time does not exist; ``fold=0`` with a round trip through UTC moves it to the next valid
    instant. In the autumn overlap the first occurrence is used."""
    naive = datetime.combine(day, wall)
    aware = naive.replace(tzinfo=tz, fold=0)
    # Normalise non-existent local times (spring forward) to a real instant.
    return aware.astimezone(UTC).astimezone(tz)
