import datetime

from django.db import connection, models
from django.db.models import Q
from django.utils import timezone

from providers.querysets import MANAGING_ROLES


def bookable_q(prefix: str = "") -> Q:
    """What residents may see and book: published, of a provider in good standing. With a
    prefix (`service__`) it filters rows that lead to a service, in the same joins."""
    return Q(**{f"{prefix}status": "published", f"{prefix}provider__status": "approved"})


class ServiceQuerySet(models.QuerySet):
    def bookable(self) -> "ServiceQuerySet":
        return self.filter(bookable_q())

    def in_community(self, community_id: int) -> "ServiceQuerySet":
        """Offered in the community, by a provider staff have let serve it: a community the
        provider only asked for shows none of its services (docs/decisions/0021)."""
        return self.filter(communities=community_id, provider__communities=community_id)

    def managed_by(self, user) -> "ServiceQuerySet":
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            provider__members__user=user, provider__members__role__in=MANAGING_ROLES
        ).distinct()

    def in_scope_of(self, user) -> "ServiceQuerySet":
        """Services of providers that community staff oversee."""
        from providers.models import Provider

        return self.filter(provider__in=Provider.objects.in_scope_of(user))


class ServiceChangeQuerySet(models.QuerySet):
    def in_scope_of(self, user) -> "ServiceChangeQuerySet":
        """Changes to the services of providers that community staff oversee."""
        services = self.model._meta.get_field("service").related_model.objects
        return self.filter(service__in=services.in_scope_of(user))


def _after(now: datetime.datetime, count_field: str, unit: datetime.timedelta):
    """now + count × unit, where count is an integer column, on any database: SQLite
    cannot multiply a duration, but adds microseconds to a date happily."""
    if connection.vendor == "postgresql":
        span = models.F(count_field) * models.Value(unit, output_field=models.DurationField())
    else:
        span = models.ExpressionWrapper(
            models.F(count_field) * models.Value(unit // datetime.timedelta(microseconds=1)),
            output_field=models.DurationField(),
        )
    return models.ExpressionWrapper(models.Value(now) + span, output_field=models.DateTimeField())


class SlotQuerySet(models.QuerySet):
    def open_for_booking(self, *, now: datetime.datetime | None = None) -> "SlotQuerySet":
        """Slots a resident may still take: not closed, a place left, inside the service's
        notice and booking window."""
        return self.within_booking_window(now=now).filter(booked__lt=models.F("capacity"))

    def within_booking_window(self, *, now: datetime.datetime | None = None) -> "SlotQuerySet":
        """Not closed and inside the service's notice and booking window, full or not."""
        now = now or timezone.now()
        earliest = _after(now, "service__min_notice_hours", datetime.timedelta(hours=1))
        latest = _after(now, "service__max_days_ahead", datetime.timedelta(days=1))
        return self.filter(closed=False, starts_at__gte=earliest, starts_at__lte=latest)

    def on_day(self, day: datetime.date) -> "SlotQuerySet":
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        return self.filter(
            Q(starts_at__gte=start) & Q(starts_at__lt=start + datetime.timedelta(days=1))
        )
