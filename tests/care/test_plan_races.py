"""On PostgreSQL, at the same moment: two plans and a one-off booking reach for the same
places and the last of the budget; and one plan's visits are made by four runs at once.
No place and no fen is sold twice, and nothing is made twice."""

import datetime
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from accounts.models import CareLink, CareRecipient
from billing.models import MonthlyUsage, Programme
from care import services
from care.models import CarePlan, Occurrence
from care.occurrences import make_all_occurrences, make_occurrences
from marketplace.models import Slot
from orders.models import Order
from orders.moves import take_place
from orders.transitions import HOLDS_A_PLACE, SUBSIDY_RELEASED
from tests.assessments.conftest import MODERATE, assess
from tests.billing.conftest import make_eligible
from tests.care.conftest import FRIDAY, NINE, TUESDAY
from tests.care.test_plans import propose
from tests.conftest import make_user
from tests.orders.conftest import book

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def neighbour(name, community, programme, staff):
    family = make_user(f"{name}@example.cn")
    person = CareRecipient.objects.create(
        name=name, community=community, address="潍坊路", birth_date=datetime.date(1940, 1, 1)
    )
    CareLink.objects.create(care_recipient=person, account=family, relationship="child")
    make_eligible(person, programme, staff)
    assess(person, staff, MODERATE)
    return family, person


def run_at_once(*calls):
    def run(call):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001  (a refusal is an outcome to count)
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def assert_nothing_oversold(programme):
    for slot in Slot.objects.filter(booked__gt=0):
        holding = Order.objects.filter(slot=slot, status__in=HOLDS_A_PLACE).count()
        assert slot.booked == holding <= slot.capacity
    held = Order.objects.filter(programme=programme).exclude(status__in=SUBSIDY_RELEASED)
    programme.refresh_from_db()
    assert programme.reserved_fen == (held.aggregate(s=Sum("subsidy_fen"))["s"] or 0)
    assert programme.reserved_fen <= programme.budget_fen
    for usage in MonthlyUsage.objects.all():
        mine = held.filter(care_recipient=usage.care_recipient, subsidy_month=usage.month)
        assert usage.used_fen == (mine.aggregate(s=Sum("subsidy_fen"))["s"] or 0)
        assert usage.used_minutes == (mine.aggregate(s=Sum("subsidy_minutes"))["s"] or 0)


def test_two_plans_and_a_booking_race_for_the_last_places_and_budget(
    covered_grandma, community_staff, bath, bureau_programme, provider_manager, weifang_1
):
    # Budget for three baths in all; every 09:00 Tuesday and Friday has two places.
    Programme.objects.filter(pk=bureau_programme.pk).update(budget_fen=3 * 7500)
    _family_b, grandpa = neighbour("张伯伯", weifang_1, bureau_programme, community_staff)
    family_c, auntie = neighbour("刘阿姨", weifang_1, bureau_programme, community_staff)
    plan_a = propose(covered_grandma, community_staff, bath, bureau_programme)
    plan_b = propose(grandpa, community_staff, bath, bureau_programme)
    # The one-off booking takes the plans' first Tuesday at 09:00.
    first_tuesday = plan_a.starts_on + datetime.timedelta(days=(1 - plan_a.starts_on.weekday()) % 7)
    target = Slot.objects.get(
        service=bath,
        starts_at=timezone.make_aware(datetime.datetime.combine(first_tuesday, datetime.time(9))),
    )

    results = run_at_once(
        lambda: services.accept_plan(plan=plan_a, by=provider_manager),
        lambda: services.accept_plan(plan=plan_b, by=provider_manager),
        lambda: book(family_c, target, auntie),
    )
    assert not [r for r in results if isinstance(r, Exception) and not hasattr(r, "message")]
    assert_nothing_oversold(bureau_programme)
    subsidised = Order.objects.filter(subsidy_fen__gt=0).count()
    assert subsidised == 3  # the whole budget, never more
    # Three reached for the two places of the first Tuesday: two got one, one was told.
    target.refresh_from_db()
    plan_visits = Occurrence.objects.filter(day=first_tuesday, status=Occurrence.Status.BOOKED)
    assert target.booked == 2
    assert plan_visits.count() + isinstance(results[2], Order) == 2


def test_four_runs_at_once_make_each_visit_once(
    covered_grandma, community_staff, bath, bureau_programme, provider_manager
):
    plan = propose(covered_grandma, community_staff, bath, bureau_programme)
    CarePlan.objects.filter(pk=plan.pk).update(status=CarePlan.Status.ACTIVE)
    plan.refresh_from_db()
    run_at_once(*[lambda: make_occurrences(plan) for _ in range(4)])
    days = Counter(plan.occurrences.values_list("item_id", "day"))
    assert days and max(days.values()) == 1
    assert plan.occurrences.count() == 8
    assert Order.objects.count() == plan.occurrences.filter(order__isnull=False).count() == 8
    assert_nothing_oversold(bureau_programme)


def test_a_plan_accepted_while_a_booking_holds_its_second_visits_place_waits_without_deadlock(
    covered_grandma, community_staff, bath, bureau_programme, provider_manager
):
    # Accepting books every visit in one transaction: it must not hold the programme from its
    # first visit while waiting for a later visit's place that a booking holds, for that
    # booking reaches for the programme next.
    plan = propose(covered_grandma, community_staff, bath, bureau_programme)
    days = [
        plan.starts_on + datetime.timedelta(days=n)
        for n in range(14)
        if (plan.starts_on + datetime.timedelta(days=n)).weekday() in (TUESDAY, FRIDAY)
    ]
    second = Slot.objects.get(
        service=bath, starts_at=timezone.make_aware(datetime.datetime.combine(days[1], NINE))
    )
    holding = threading.Event()

    def booking():
        with transaction.atomic():
            take_place(second.pk)
            holding.set()
            time.sleep(2)  # the plan is being accepted meanwhile
            # Then the programme, as subsidy.reserve takes it.
            Programme.objects.filter(pk=bureau_programme.pk).update(reserved_fen=F("reserved_fen"))
        return "booked"

    def accepting():
        assert holding.wait(10)
        return services.accept_plan(plan=plan, by=provider_manager)

    results = run_at_once(booking, accepting)
    assert results[0] == "booked"
    assert not isinstance(results[1], Exception), results[1]
    assert Occurrence.objects.filter(plan=plan, day=days[1], status="booked").exists()


def test_two_daily_runs_and_a_booking_at_once_sell_no_place_or_fen_twice_and_make_nothing_twice(
    covered_grandma, community_staff, bath, bureau_programme, weifang_1
):
    # As above, but the plans are already active and two daily runs make their visits
    # set-wise (decision 0030) while the booking reaches for the first Tuesday's last place
    # and the budget's last fen.
    Programme.objects.filter(pk=bureau_programme.pk).update(budget_fen=3 * 7500)
    _family_b, grandpa = neighbour("张伯伯", weifang_1, bureau_programme, community_staff)
    family_c, auntie = neighbour("刘阿姨", weifang_1, bureau_programme, community_staff)
    plans = [
        propose(covered_grandma, community_staff, bath, bureau_programme),
        propose(grandpa, community_staff, bath, bureau_programme),
    ]
    CarePlan.objects.filter(pk__in=[p.pk for p in plans]).update(status=CarePlan.Status.ACTIVE)
    first_tuesday = plans[0].starts_on + datetime.timedelta(
        days=(1 - plans[0].starts_on.weekday()) % 7
    )
    target = Slot.objects.get(
        service=bath,
        starts_at=timezone.make_aware(datetime.datetime.combine(first_tuesday, datetime.time(9))),
    )

    results = run_at_once(
        make_all_occurrences, make_all_occurrences, lambda: book(family_c, target, auntie)
    )
    assert not [r for r in results if isinstance(r, Exception) and not hasattr(r, "message")]
    assert results[0] + results[1] == Occurrence.objects.count() == 16
    days = Counter(Occurrence.objects.values_list("item_id", "day"))
    assert max(days.values()) == 1
    assert_nothing_oversold(bureau_programme)
    assert Order.objects.filter(subsidy_fen__gt=0).count() == 3
    target.refresh_from_db()
    plan_visits = Occurrence.objects.filter(day=first_tuesday, status=Occurrence.Status.BOOKED)
    assert target.booked == 2
    assert plan_visits.count() + isinstance(results[2], Order) == 2
