"""Checks of a plan's weekly pattern against the provider's hours and itself."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from care.exceptions import CareError
from marketplace.models import Service, WeeklyHours


@dataclass(frozen=True)
class VisitPattern:
    """One weekly visit as asked for: a service, a weekday (Monday 0), a time."""

    service: Service
    weekday: int
    starts_at: datetime.time
    quantity: int = 1

    def minutes(self) -> tuple[int, int]:
        start = self.starts_at.hour * 60 + self.starts_at.minute
        return start, start + self.service.duration_minutes


def _weekday_name(weekday: int) -> str:
    return str(WeeklyHours.Weekday(weekday).label)


def is_a_visit_time(service: Service, weekday: int, starts_at: datetime.time) -> bool:
    """Whether the service's weekly hours have a visit starting then (slots start at the
    beginning of a period and every visit length after it)."""
    if service.venue_id:
        # Served at a venue: the visit is one of the venue's sittings (decision 0028).
        return service.venue.sittings.filter(weekday=weekday, starts_at=starts_at).exists()
    length = service.duration_minutes
    wanted = starts_at.hour * 60 + starts_at.minute
    for period in service.weekly_hours.filter(weekday=weekday):
        begin = period.starts_at.hour * 60 + period.starts_at.minute
        end = period.ends_at.hour * 60 + period.ends_at.minute
        if begin <= wanted and wanted + length <= end and (wanted - begin) % length == 0:
            return True
    return False


def _sittings(service: Service) -> str:
    sittings = [
        f"{_weekday_name(s.weekday)} {s.starts_at:%H:%M}" for s in service.venue.sittings.all()
    ]
    return ", ".join(sittings) or "—"


def check_patterns(patterns: list[VisitPattern], *, provider_id: int, community_id: int) -> None:
    """Refuse, naming the visit, a pattern the provider cannot serve or that overlaps."""
    if not patterns:
        raise CareError(_("Please add at least one weekly visit."))
    for pattern in patterns:
        service = pattern.service
        where = {
            "service": service.title,
            "day": _weekday_name(pattern.weekday),
            "time": f"{pattern.starts_at:%H:%M}",
        }
        if service.provider_id != provider_id:
            raise CareError(_("%(service)s is not a service of this provider.") % where)
        if not Service.objects.bookable().filter(pk=service.pk).exists():
            raise CareError(_("%(service)s cannot be booked at the moment.") % where)
        if not service.communities.filter(pk=community_id).exists():
            raise CareError(_("%(service)s is not offered where the person lives.") % where)
        if not 0 <= pattern.weekday <= 6:
            raise CareError(_("Please choose a weekday."))
        if service.venue_id and not is_a_visit_time(service, pattern.weekday, pattern.starts_at):
            raise CareError(
                _(
                    "%(service)s is served at %(venue)s, which has no sitting on %(day)s at "
                    "%(time)s. Its sittings are: %(sittings)s."
                )
                % {**where, "venue": service.venue.name, "sittings": _sittings(service)}
            )
        if not is_a_visit_time(service, pattern.weekday, pattern.starts_at):
            raise CareError(
                _(
                    "%(service)s has no visit on %(day)s at %(time)s: the time is outside the "
                    "provider's hours or between two visit times."
                )
                % where
            )
    by_day: dict[int, list[VisitPattern]] = {}
    for pattern in patterns:
        by_day.setdefault(pattern.weekday, []).append(pattern)
    for weekday, same_day in by_day.items():
        ordered = sorted(same_day, key=lambda p: p.minutes())
        for earlier, later in zip(ordered, ordered[1:], strict=False):
            if later.minutes()[0] < earlier.minutes()[1]:
                raise CareError(
                    _("Two visits overlap on %(day)s: %(first)s at %(a)s and %(second)s at %(b)s.")
                    % {
                        "day": _weekday_name(weekday),
                        "first": earlier.service.title,
                        "a": f"{earlier.starts_at:%H:%M}",
                        "second": later.service.title,
                        "b": f"{later.starts_at:%H:%M}",
                    }
                )
