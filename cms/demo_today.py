"""The demo's visit due today (issue 20, point 8): whatever the day and hour `make run` is
started, 李秀兰 has a home visit today, confirmed, with the carer 周阿姨 sent, so the carer's
"my visits" and the family's orders show it at once.

Her plan's own visits cannot promise that: it books only visits still to come, and there is
none on a Sunday or after 16:00. A booking can only be made for a time still to come, so the
visit is written as booking, acceptance and assignment would have left it
(`demo_history.written_order`): at the next half hour today, or, in today's last half hour,
at 23:30, a moment ago, so the carer can still check in within the hour."""

import datetime

from django.utils import timezone

from accounts.models import CareRecipient, User
from cms import demo_history
from marketplace.models import Slot
from orders.models import Order
from providers.models import Provider

PERSON = "李秀兰"
SERVICE = "独居老人探访陪伴"
FAMILY = "wang.fang@linli.local"
CARER = "carer.anxin@linli.local"
NOTE = "今天的演示上门：先电话告知，再敲门。/ Today's demo visit: phone first, then knock."


def visit_start(now: datetime.datetime) -> datetime.datetime:
    """The next half hour still to come today, or today's last half hour when none is."""
    local = timezone.localtime(now)
    start = local.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(
        minutes=30 if local.minute < 30 else 60
    )
    if start.date() != local.date():
        start = local.replace(hour=23, minute=30, second=0, microsecond=0)
    return start


def seed(*, now: datetime.datetime | None = None) -> Order:
    """Once a day: a seed run again the same day finds today's visit and keeps it."""
    now = now or timezone.now()
    person = CareRecipient.objects.get(name=PERSON)
    provider = Provider.objects.get(name=demo_history.PROVIDER)
    carer = provider.members.get(user__email=CARER)
    today = timezone.localdate(now)
    existing = Order.objects.filter(
        care_recipient=person, worker=carer, starts_at__date=today, notes=NOTE
    ).first()
    if existing is not None:
        return existing
    service = provider.services.get(title_zh=SERVICE)
    starts_at = visit_start(now)
    slot, _created = Slot.objects.get_or_create(
        service=service,
        starts_at=starts_at,
        defaults={
            "ends_at": starts_at + datetime.timedelta(minutes=service.duration_minutes),
            "capacity": 2,
        },
    )
    taken = Order.objects.filter(slot=slot, care_recipient=person).first()
    if taken is not None:
        return taken  # her plan booked this very time (a Friday at 15:30–16:00)
    return demo_history.written_order(
        slot=slot,
        person=person,
        booked_by=User.objects.get(email=FAMILY),
        status=Order.Status.CONFIRMED,
        address=person.address,
        worker=carer,
        notes=NOTE,
    )
