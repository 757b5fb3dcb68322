"""Who works when: one worker is never sent to two visits at once, and a provider sees its
week per worker (one-off bookings and plan visits alike)."""

import datetime

from django.utils import timezone

from orders.models import Order
from providers.models import ProviderMember

Status = Order.Status
# A worker sent to these is busy for the visit's time.
KEEPS_A_WORKER_BUSY = frozenset({Status.REQUESTED, Status.CONFIRMED, Status.IN_SERVICE})


def worker_is_free(
    worker: ProviderMember,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    *,
    besides: int | None = None,
) -> bool:
    """No other visit of this worker overlaps [starts_at, ends_at) (`besides`: an order
    that does not count, the one being assigned)."""
    clashes = Order.objects.filter(
        worker=worker,
        status__in=KEEPS_A_WORKER_BUSY,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )
    if besides is not None:
        clashes = clashes.exclude(pk=besides)
    return not clashes.exists()


def busy_times(
    worker_ids, starts_at: datetime.datetime, ends_at: datetime.datetime
) -> dict[int, list[tuple[datetime.datetime, datetime.datetime]]]:
    """The visits keeping each of these workers busy between the two moments, in one query
    (the daily run of plans checks `is_free_among` these, adding each visit it gives one)."""
    times: dict[int, list] = {}
    for worker_id, start, end in Order.objects.filter(
        worker_id__in=worker_ids,
        status__in=KEEPS_A_WORKER_BUSY,
        starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    ).values_list("worker_id", "starts_at", "ends_at"):
        times.setdefault(worker_id, []).append((start, end))
    return times


def is_free_among(
    times: list[tuple[datetime.datetime, datetime.datetime]],
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
) -> bool:
    """`worker_is_free`, against visits already loaded: none overlaps [starts_at, ends_at)."""
    return not any(start < ends_at and end > starts_at for start, end in times)


def week_of(provider_id: int, monday: datetime.date):
    """The provider's visits of the week from `monday`, by start, with their workers."""
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))
    return (
        Order.objects.filter(
            provider_id=provider_id,
            starts_at__gte=start,
            starts_at__lt=start + datetime.timedelta(days=7),
        )
        .exclude(status__in=[Status.CANCELLED, Status.DECLINED, Status.EXPIRED])
        .select_related("worker__user", "care_recipient")
        .order_by("starts_at")
    )
