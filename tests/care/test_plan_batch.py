"""The daily run makes a chunk of plans' visits set-wise (decision 0030), and gives every
visit exactly what booking it alone through `orders.plan_visits.place_plan_visit` gives,
visit by visit in date order, plan after plan: the same outcome, reason, order, place,
carer, subsidy, payment and event."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import CareLink, CareRecipient
from billing.models import Contract, ContractItem, MonthlyUsage, Programme
from care.models import CarePlan, Occurrence, PlanPause
from care.occurrences import make_all_occurrences
from care.patterns import VisitPattern
from care.plan_runs import horizon, terms_for
from linli.refusals import Refusal
from marketplace.models import Slot
from marketplace.slots import materialise_slots
from orders.models import Order, OrderEvent, Payment
from orders.plan_visits import AllowanceUsedUp, place_plan_visit
from tests.assessments.conftest import MODERATE, assess
from tests.billing.conftest import make_eligible, make_programme
from tests.care.conftest import NINE, TUESDAY
from tests.care.test_plans import mid_november, propose  # noqa: F401 (a fixture)
from tests.care.test_venue_plans import meal  # noqa: F401 (a fixture)
from tests.conftest import make_user
from tests.orders.canteen import LUNCH

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def person(name, community, staff, *programmes):
    family = make_user(f"{name}@example.cn")
    someone = CareRecipient.objects.create(
        name=name, community=community, address="潍坊路", birth_date=datetime.date(1940, 1, 1)
    )
    CareLink.objects.create(care_recipient=someone, account=family, relationship="child")
    for programme in programmes:
        make_eligible(someone, programme, staff)
    assess(someone, staff, MODERATE, on=timezone.localdate())
    return someone


@pytest.fixture
def city(
    mid_november,  # noqa: F811 (the imported fixture)
    covered_grandma,
    community_staff,
    bath,
    bureau,
    bureau_programme,
    carer,
    weifang_1,
    meal,  # noqa: F811 (the imported fixture)
):
    """Plans on the same baths (Tuesday and Friday at 09:00, two places each), the same
    carer on the first two, and one at a canteen:
    - grandma's, under the bureau's programme (two baths a month, then the family pays
      more), paused for a week, crossing into December;
    - grandpa's, under a programme that holds visits when its budget (three baths) is
      used up, paid by card, whose contract's quota (two baths) runs out first;
    - auntie's, self-paid by card, at 10:30 on Tuesdays only;
    - grandma's lunches at a canteen on Mondays, at the venue's sitting, whose slots do
      not exist yet.
    The bureau's programme buys the baths at a contracted rate below the list price
    (decision 0033). One Friday's slot is already full."""
    hold = make_programme(
        bureau,
        rule=Programme.Rule.FULL,
        rate_cap_fen=None,
        monthly_cap_fen=None,
        min_age=None,
        budget_fen=3 * 7500,
        when_used_up=Programme.WhenUsedUp.HOLD,
        name_zh="助浴补贴（保留）",
        name_en="Bathing help that holds",
    )
    Contract.objects.filter(programme=hold).update(quota_fen=2 * bath.price_fen)
    ContractItem.objects.create(
        contract=Contract.objects.get(programme=bureau_programme, provider=bath.provider),
        service=bath,
        rate_fen=bath.price_fen - 1500,
    )
    grandpa = person("张伯伯", weifang_1, community_staff, hold)
    auntie = person("刘阿姨", weifang_1, community_staff)
    plans = [
        propose(covered_grandma, community_staff, bath, bureau_programme),
        propose(grandpa, community_staff, bath, hold),
        propose(
            auntie,
            community_staff,
            bath,
            patterns=[VisitPattern(bath, TUESDAY, datetime.time(10, 30))],
        ),
        propose(covered_grandma, community_staff, meal, patterns=[VisitPattern(meal, 0, LUNCH)]),
    ]
    Slot.objects.filter(service=meal).delete()
    CarePlan.objects.filter(pk__in=[p.pk for p in plans[:2]]).update(worker=carer)
    CarePlan.objects.filter(pk__in=[p.pk for p in plans[1:]]).update(pays_by=CarePlan.PaysBy.CARD)
    CarePlan.objects.filter(pk__in=[p.pk for p in plans]).update(status=CarePlan.Status.ACTIVE)
    first = plans[0]
    PlanPause.objects.create(
        plan=first,
        starts_on=first.starts_on + datetime.timedelta(days=7),
        ends_on=first.starts_on + datetime.timedelta(days=13),
        reason="住院",
        created_by=community_staff,
    )
    last_friday = horizon(timezone.localdate())
    while last_friday.weekday() != 4:
        last_friday -= datetime.timedelta(days=1)
    full = _slot(bath, last_friday, NINE)
    Slot.objects.filter(pk=full.pk).update(booked=full.capacity)
    return [CarePlan.objects.get(pk=p.pk) for p in plans]


def _slot(service, day, time) -> Slot:
    materialise_slots(service, start=day, days=1)
    return Slot.objects.get(
        service=service, starts_at=timezone.make_aware(datetime.datetime.combine(day, time))
    )


def test_the_set_wise_run_gives_every_visit_what_booking_it_alone_gives(city):
    batch = _outcome(lambda: make_all_occurrences())
    alone = _outcome(lambda: _one_by_one(city))
    statuses = {row[3] for row in batch["visits"]}
    # The scenario reaches every case it is meant to.
    assert {"booked", "paused", "held", "uncovered"} <= statuses
    assert any(row[6] and row[6][1] > 0 for row in batch["visits"])  # the family pays more
    assert batch["payments"] and any(row[6] and row[6][3] is None for row in batch["visits"])
    assert len({row[6][0].month for row in batch["visits"] if row[6]}) == 2  # Nov and Dec
    assert any(row[6][14] for row in batch["visits"] if row[6])  # at the venue
    prices = {row[6][13] for row in batch["visits"] if row[6]}
    assert ContractItem.objects.get(rate_fen__isnull=False).rate_fen in prices  # contracted
    assert any(used for _pk, used, _minutes in batch["contracts"])  # a quota was drawn on
    assert batch == alone


def _outcome(make) -> dict:
    """What `make` leaves, then rolled back so the other way starts from the same state."""
    with transaction.atomic():
        make()
        seen = {
            "visits": sorted(
                (
                    o.plan_id,
                    o.item_id,
                    o.day,
                    o.status,
                    o.reason,
                    o.order_id is not None,
                    _order(o.order) if o.order_id else None,
                )
                for o in Occurrence.objects.select_related("order__slot")
            ),
            # Slots by time, not id: the slots made by the first way, rolled back, took ids.
            "places": sorted(
                Slot.objects.filter(booked__gt=0).values_list("service_id", "starts_at", "booked")
            ),
            "usage": sorted(
                MonthlyUsage.objects.values_list(
                    "care_recipient_id", "programme_id", "month", "used_fen", "used_minutes"
                ).filter(used_fen__gt=0)
            ),
            "budgets": sorted(Programme.objects.values_list("pk", "reserved_fen")),
            "contracts": sorted(
                Contract.objects.values_list("pk", "used_fen", "used_minutes").filter(
                    quota_fen__isnull=False
                )
            ),
            "payments": sorted(
                Payment.objects.values_list("order__idempotency_key", "amount_fen", "kind")
            ),
            "events": sorted(
                OrderEvent.objects.values_list(
                    "order__idempotency_key", "actor_id", "action", "to_status", "reason"
                )
            ),
        }
        transaction.set_rollback(True)
    return seen


def _order(order: Order) -> tuple:
    return (
        order.subsidy_month or order.starts_at,
        order.copay_fen,
        order.subsidy_fen,
        order.worker_id,
        order.programme_id,
        order.subsidy_minutes,
        (order.slot.service_id, order.slot.starts_at, order.slot.capacity),
        order.status,
        order.copay_offline,
        order.address,
        order.idempotency_key,
        order.booked_by_id,
        order.assisted_by_id,
        order.list_price_fen,
        order.venue_id,
        order.notes,
    )


def _one_by_one(plans) -> None:
    """Decision 0027's daily run, kept here as the reference: each visit alone, in date
    order, plan after plan."""
    today = timezone.localdate()
    start, end = today + datetime.timedelta(days=1), horizon(today)
    for plan in sorted(plans, key=lambda p: p.pk):
        pauses = list(plan.pauses.all())
        wanted = []
        for item in plan.items.all():
            day = start + datetime.timedelta(days=(item.weekday - start.weekday()) % 7)
            while day <= end:
                wanted.append((day, item.starts_at, item.pk, item))
                day += datetime.timedelta(days=7)
        for day, time, _pk, item in sorted(wanted, key=lambda w: w[:3]):
            occurrence = Occurrence(plan=plan, item=item, day=day, status="uncovered")
            paused = [p.reason for p in pauses if p.starts_on <= day <= p.ends_on]
            if paused:
                occurrence.status, occurrence.reason = "paused", paused[0]
                occurrence.save()
                continue
            try:
                with transaction.atomic():
                    visit = place_plan_visit(
                        terms=terms_for(plan, item, day),
                        service=item.service,
                        starts_at=timezone.make_aware(datetime.datetime.combine(day, time)),
                        care_recipient=plan.care_recipient,
                        quantity=item.quantity,
                        tell_carer=False,
                    )
            except AllowanceUsedUp as refusal:
                occurrence.status, occurrence.reason = "held", str(refusal.message)
            except Refusal as refusal:
                occurrence.reason = str(refusal.message)
            else:
                occurrence.status, occurrence.order = "booked", visit.order
            occurrence.save()
