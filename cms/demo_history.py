"""The demo's six past months (decision 0038): visits of the subsidised people, each month's
statement issued, reviewed, approved and paid by the officer, so the purchaser dashboard,
the statements and the provider's side of the bill show something right after start-up.

A booking can only be made for a time still to come, so the past visits are written here
as the booking and visit services would have left them: a slot place, the subsidy quoted
and reserved by `billing.subsidy` (monthly usage and programme reservation), check-in,
check-out and the family's confirmation, the order closed. Everything after the visits
goes through the statement services; only their dates are moved back to the month after
each visit month, where the officer would have done the work."""

import datetime

from django.db.models import F
from django.utils import timezone

from accounts.models import CareRecipient, User
from billing import services as billing_services
from billing import subsidy
from billing.models import Programme, Purchaser
from marketplace.models import Service, Slot
from orders.models import Order, OrderEvent, VisitRecord
from providers.models import Provider
from statements import payments
from statements import services as statements
from statements.models import LineExclusion, Statement

MONTHS = 6
PROVIDER = "安馨居家养老服务社"
# person, service, day of the month, time. Days up to the 28th exist in every month.
VISITS = [
    ("李秀兰", "上门助浴服务", 6, "09:30"),
    ("李秀兰", "独居老人探访陪伴", 10, "16:00"),
    ("李秀兰", "上门助浴服务", 20, "09:30"),
    ("陈秀英", "上门助浴服务", 13, "14:00"),
    ("陈秀英", "独居老人探访陪伴", 24, "10:00"),
]
# person, programmes: the eligibilities community staff recorded. 刘建国 is eligible for
# meals but ordered none: the dashboard lists him as eligible but not served.
ELIGIBLE = [
    ("陈秀英", ["高龄助浴补贴", "独居老人关爱探访"]),
    ("刘建国", ["居家助餐补贴"]),
]
EXCLUSION = (1, "evidence_missing", "服务照片缺失，家属确认单未上传 / Photo and sign-off missing")
ADJUSTMENT = (2, -1200, "助浴少做 20 分钟，按比例扣减 / Bath cut short by 20 minutes")
WRONG_REFERENCE = (0, "PD-DEMO-0000", "银行流水号录错 / Bank reference typed wrongly")


def first_month(today: datetime.date) -> datetime.date:
    """The first of the six past months: programmes and eligibilities start there."""
    month = today.replace(day=1)
    for _step in range(MONTHS):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return month


def past_months(today: datetime.date) -> list[datetime.date]:
    months = [first_month(today)]
    while len(months) < MONTHS:
        months.append(statements.next_month(months[-1]))
    return months


def seed(*, purchaser: Purchaser, officer: User, staff: User, today: datetime.date) -> None:
    """Once: on a demo that already has statements this does nothing."""
    if Statement.objects.filter(purchaser=purchaser).exists():
        return
    start, until = first_month(today), today.replace(year=today.year + 1, month=12, day=31)
    for name, programmes in ELIGIBLE:
        for programme in Programme.objects.filter(name_zh__in=programmes):
            billing_services.record_eligibility(
                care_recipient=CareRecipient.objects.get(name=name),
                programme=programme,
                by=staff,
                valid_from=start,
                valid_until=until,
                note="民政局名册核对",
            )
    provider = Provider.objects.get(name=PROVIDER)
    worker = provider.members.get(user__email="carer.anxin@linli.local")
    months = past_months(today)
    for month in months:
        for name, title, day, at in VISITS:
            _visit(
                CareRecipient.objects.get(name=name),
                provider.services.get(title_zh=title),
                worker,
                timezone.make_aware(
                    datetime.datetime.combine(
                        month.replace(day=day), datetime.time.fromisoformat(at)
                    )
                ),
            )
    for index, month in enumerate(months):
        _settle(index, purchaser, provider, month, officer, today)


def _visit(person: CareRecipient, service: Service, worker, starts_at: datetime.datetime) -> None:
    ends_at = starts_at + datetime.timedelta(minutes=service.duration_minutes)
    slot, _created = Slot.objects.get_or_create(
        service=service, starts_at=starts_at, defaults={"ends_at": ends_at, "capacity": 2}
    )
    split = subsidy.quote(
        service=service, care_recipient=person, quantity=1, on=timezone.localdate(starts_at)
    )
    subsidy.reserve(split, care_recipient=person)
    family = person.links.first().account
    order = written_order(
        slot=slot,
        person=person,
        booked_by=family,
        status=Order.Status.CLOSED,
        split=split,
        address=person.address,
        worker=worker,
        completed_at=ends_at,
        closed_at=ends_at + datetime.timedelta(days=2),
    )
    OrderEvent.objects.create(order=order, action="close", to_status=order.status)
    for kind, method, at, by in (
        (VisitRecord.Kind.CHECK_IN, VisitRecord.Method.WORKER_APP, starts_at, worker.user),
        (VisitRecord.Kind.CHECK_OUT, VisitRecord.Method.WORKER_APP, ends_at, worker.user),
        (VisitRecord.Kind.RECIPIENT_CONFIRMED, VisitRecord.Method.FAMILY, ends_at, family),
    ):
        VisitRecord.objects.create(
            order=order,
            kind=kind,
            method=method,
            at=at,
            worker=worker,
            recorded_by=by,
            created_at=at,
        )


def written_order(
    *, slot: Slot, person: CareRecipient, booked_by: User, status: str, split=None, **extra
) -> Order:
    """An order as booking would have left it (a place taken, the split frozen, paid at the
    door), for a time a booking no longer accepts."""
    service = slot.service
    price = service.price_fen
    split = split or subsidy.Split(list_price_fen=price, subsidy_fen=0, copay_fen=price)
    Slot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
    order = Order.objects.create(
        status=status,
        service=service,
        provider=service.provider,
        slot=slot,
        community_id=person.community_id,
        booked_by=booked_by,
        care_recipient=person,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        title=service.title_zh,
        title_en=service.title_en,
        unit_price_fen=split.unit_price_fen,  # the contracted price, where a programme pays
        list_price_fen=split.price_fen,
        subsidy_fen=split.subsidy_fen,
        copay_fen=split.copay_fen,
        copay_offline=True,
        programme_id=split.programme_id,
        subsidy_month=split.month,
        subsidy_minutes=split.minutes,
        free_cancel_hours=service.free_cancel_hours,
        late_cancel_fee_percent=service.late_cancel_fee_percent,
        idempotency_key=f"demo-{slot.pk}-{person.pk}",
        **extra,
    )
    OrderEvent.objects.create(order=order, actor=booked_by, action="place", to_status=status)
    return order


def _on(day: datetime.date, today: datetime.date) -> datetime.datetime:
    """Ten in the morning of `day`, never later than now."""
    at = timezone.make_aware(datetime.datetime.combine(min(day, today), datetime.time(10)))
    return min(at, timezone.now())


def _settle(
    index: int,
    purchaser: Purchaser,
    provider: Provider,
    month: datetime.date,
    officer: User,
    today: datetime.date,
) -> None:
    """The month's statement through the officer's steps, then dated in the month after."""
    after = statements.next_month(month)
    statement = statements.open_statement(
        purchaser=purchaser, provider=provider, month=month, by=officer
    )
    statements.issue_statement(statement=statement, by=officer)
    statements.start_review(statement=statement, by=officer)
    lines = statement.lines.filter(kind="billed").order_by("visit_started_at", "pk")
    if index == EXCLUSION[0]:
        statements.exclude_line(
            line=lines.last(), by=officer, reason=EXCLUSION[1], note=EXCLUSION[2]
        )
    statements.approve_statement(statement=statement, by=officer)
    approved_at = _on(after.replace(day=8), today)
    Statement.objects.filter(pk=statement.pk).update(
        issued_at=_on(after.replace(day=2), today),
        review_started_at=_on(after.replace(day=3), today),
        approved_at=approved_at,
        created_at=_on(after.replace(day=1), today),
    )
    LineExclusion.objects.filter(line__statement=statement).update(
        excluded_at=_on(after.replace(day=5), today)
    )
    statement.refresh_from_db()
    paid_on = min(after.replace(day=15), today)
    reference = f"PD{month:%Y%m}-{provider.pk:04d}"
    if index == WRONG_REFERENCE[0]:
        payments.record_payment(
            statement=statement, by=officer, reference=WRONG_REFERENCE[1], paid_on=paid_on
        )
        payments.correct_payment(
            statement=statement,
            by=officer,
            reference=reference,
            paid_on=paid_on,
            reason=WRONG_REFERENCE[2],
        )
    else:
        payments.record_payment(
            statement=statement, by=officer, reference=reference, paid_on=paid_on
        )
    if index == ADJUSTMENT[0]:
        # Lands on the next month's statement, which is issued and approved after it.
        statements.add_adjustment(
            line=lines.first(), by=officer, amount_fen=ADJUSTMENT[1], reason=ADJUSTMENT[2]
        )
