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
