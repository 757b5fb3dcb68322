"""A care plan, from the staff's proposal to its visits: made a few weeks ahead as ordinary
orders, each reserving its own month's allowance; paused, skipped, changed and ended with
their history; refused with a reason when it cannot be served."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from accounts.models import Notification
from billing.models import MonthlyUsage, Programme
from care import services
from care.exceptions import CareError
from care.models import CarePlan, Occurrence
from care.occurrences import make_occurrences
from care.patterns import VisitPattern
from orders.models import Order
from tests import clock
from tests.care.conftest import FRIDAY, NINE, TUESDAY, told_in_english, tomorrow, twice_a_week

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def propose(recipient, staff, service, programme=None, **changes):
    arguments = {
        "care_recipient": recipient,
        "provider": service.provider,
        "by": staff,
        "starts_on": tomorrow(),
        "patterns": twice_a_week(service),
        "programme": programme,
        "notes": "膝盖不好，洗澡时扶稳",
        **changes,
    }
    return services.propose_plan(**arguments)


@pytest.fixture
def active_plan(covered_grandma, community_staff, bath, bureau_programme, provider_manager, carer):
    plan = propose(covered_grandma, community_staff, bath, bureau_programme)
    return services.accept_plan(plan=plan, by=provider_manager, worker=carer)


def booked(plan):
    return Occurrence.objects.filter(plan=plan, status=Occurrence.Status.BOOKED)


@pytest.fixture
def mid_november():
    """Four weeks from here cross into December, whatever instant the suite runs at."""
    traveller = clock.travel_to(
        datetime.datetime(2026, 11, 18, 15, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
    )
    yield
    traveller.stop()


def test_an_accepted_plan_books_four_weeks_of_visits_each_in_its_own_month(
    mid_november, active_plan, carer
):
    today = timezone.localdate()
    occurrences = list(active_plan.occurrences.order_by("day"))
    days = [o.day for o in occurrences]
    assert all(d.weekday() in (TUESDAY, FRIDAY) for d in days)
    assert days[0] >= tomorrow() and days[-1] <= today + datetime.timedelta(weeks=4)
    assert len(days) == 8
    for occurrence in occurrences:
        if occurrence.order is None:
            continue
        order = occurrence.order
        assert order.status == Order.Status.CONFIRMED and order.worker == carer
        assert order.copay_offline is (order.copay_fen > 0)
        assert timezone.localtime(order.starts_at).time() == NINE
        if order.subsidy_fen:
            assert order.subsidy_month == occurrence.day.replace(day=1)
    assert {o.day.month for o in occurrences} == {11, 12}  # across the month boundary


def test_each_month_pays_its_allowance_then_the_rule_makes_the_family_pay(
    active_plan, covered_grandma, bureau_programme, daughter
):
    by_month: dict[datetime.date, list[Order]] = {}
    for occurrence in booked(active_plan).order_by("day"):
        by_month.setdefault(occurrence.day.replace(day=1), []).append(occurrence.order)
    for month, orders in by_month.items():
        subsidised = [o for o in orders if o.subsidy_fen]
        # 180 minutes a month: the first two 90-minute baths are paid, the rest cost ¥75.
        assert subsidised == orders[:2]
        assert all(o.copay_fen == 7500 for o in orders if not o.subsidy_fen)
        usage = MonthlyUsage.objects.get(
            care_recipient=covered_grandma, programme=bureau_programme, month=month
        )
        assert usage.used_minutes == 90 * len(subsidised)
    assert told_in_english("used up", user=daughter)


def test_a_programme_that_holds_keeps_the_visit_for_staff_instead(
    covered_grandma, community_staff, bath, bureau_programme, provider_manager, carer
):
    Programme.objects.filter(pk=bureau_programme.pk).update(when_used_up=Programme.WhenUsedUp.HOLD)
    bureau_programme.refresh_from_db()
    plan = propose(covered_grandma, community_staff, bath, bureau_programme)
    services.accept_plan(plan=plan, by=provider_manager, worker=carer)
    held = plan.occurrences.filter(status=Occurrence.Status.HELD)
    assert held.exists() and not held.filter(order__isnull=False).exists()
    assert all(o.order.subsidy_fen == 7500 for o in booked(plan))
    assert "used up" in held.first().reason


def test_making_the_visits_again_makes_nothing_twice(active_plan):
    before = (Occurrence.objects.count(), Order.objects.count())
    assert make_occurrences(active_plan) == []
    assert (Occurrence.objects.count(), Order.objects.count()) == before


def test_a_pause_cancels_the_visits_in_it_and_gives_the_allowance_back(
    active_plan, daughter, covered_grandma, bureau_programme
):
    first = booked(active_plan).order_by("day").first()
    month = first.day.replace(day=1)
    used_before = MonthlyUsage.objects.get(
        care_recipient=covered_grandma, programme=bureau_programme, month=month
    ).used_minutes
    services.pause_plan(
        plan=active_plan,
        by=daughter,
        starts_on=first.day,
        ends_on=first.day + datetime.timedelta(days=6),
        reason="住院",
    )
    paused = active_plan.occurrences.filter(status=Occurrence.Status.PAUSED)
    assert paused.count() == 2 and all(o.order.status == "cancelled" for o in paused)
    used_after = MonthlyUsage.objects.get(
        care_recipient=covered_grandma, programme=bureau_programme, month=month
    ).used_minutes
    assert used_after < used_before
    assert active_plan.events.filter(action="pause").exists()


def test_skipping_one_visit_cancels_only_that_one(active_plan, daughter):
    first, second = booked(active_plan).order_by("day")[:2]
    services.skip_occurrence(occurrence=first, by=daughter, reason="去女儿家")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Occurrence.Status.SKIPPED and first.order.status == "cancelled"
    assert second.status == Occurrence.Status.BOOKED


def test_the_provider_declines_one_visit_only_with_a_reason_and_staff_see_it_uncovered(
    active_plan, provider_manager
):
    first = booked(active_plan).order_by("day").first()
    with pytest.raises(CareError, match="say why"):
        services.skip_occurrence(occurrence=first, by=provider_manager, reason=" ")
    services.skip_occurrence(occurrence=first, by=provider_manager, reason="护理员生病")
    first.refresh_from_db()
    assert first.status == Occurrence.Status.UNCOVERED and first.reason == "护理员生病"


def test_changing_the_pattern_from_a_date_ends_the_old_visits_and_books_the_new(
    active_plan, community_staff, bath
):
    change_day = tomorrow() + datetime.timedelta(days=7)
    services.change_pattern(
        plan=active_plan,
        by=community_staff,
        from_day=change_day,
        patterns=[VisitPattern(bath, 2, datetime.time(10, 30))],  # Wednesdays
    )
    after = active_plan.occurrences.filter(day__gte=change_day)
    assert not after.filter(status=Occurrence.Status.BOOKED, day__week_day__in=[3, 6]).exists()
    wednesdays = after.filter(day__week_day=4).exclude(status=Occurrence.Status.ENDED)
    assert wednesdays.exists()
    assert after.filter(status=Occurrence.Status.ENDED).exists()
    before = active_plan.occurrences.filter(day__lt=change_day, status=Occurrence.Status.BOOKED)
    assert before.exists()
    assert active_plan.items.count() == 3  # the old two closed, kept for the history


def test_ending_the_plan_cancels_the_visits_after_the_last_day(active_plan, community_staff):
    last_day = tomorrow() + datetime.timedelta(days=7)
    services.end_plan(plan=active_plan, by=community_staff, last_day=last_day, reason="搬去养老院")
    later = active_plan.occurrences.filter(day__gt=last_day)
    assert later.exists() and all(o.status == Occurrence.Status.ENDED for o in later)
    assert all(o.order.status == "cancelled" for o in later if o.order)
    assert active_plan.occurrences.filter(day__lte=last_day, status="booked").exists()


def test_the_provider_declines_a_plan_with_a_reason_and_nothing_is_booked(
    covered_grandma, community_staff, bath, provider_manager, daughter
):
    plan = propose(covered_grandma, community_staff, bath)
    with pytest.raises(CareError, match="say why"):
        services.decline_plan(plan=plan, by=provider_manager, reason="")
    services.decline_plan(plan=plan, by=provider_manager, reason="周二没有护理员")
    plan.refresh_from_db()
    assert plan.status == CarePlan.Status.DECLINED and not Order.objects.exists()
    assert Notification.objects.filter(user=daughter, kind="plan").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"patterns": []}, "at least one"),
        ({"patterns": "overlap"}, "overlap"),
        ({"patterns": "early"}, "outside the provider's hours"),
        ({"patterns": "between"}, "between two visit times"),
        ({"ends_on": "before"}, "ends before it starts"),
        ({"starts_on": "today"}, "tomorrow at the earliest"),
    ],
)
def test_bad_plans_are_refused_with_the_reason_and_nothing_is_made(
    covered_grandma, community_staff, bath, change, message
):
    arguments = dict(change)
    special = {
        "overlap": [VisitPattern(bath, TUESDAY, NINE), VisitPattern(bath, TUESDAY, NINE)],
        "early": [VisitPattern(bath, TUESDAY, datetime.time(7))],
        "between": [VisitPattern(bath, TUESDAY, datetime.time(9, 30))],
    }
    if isinstance(arguments.get("patterns"), str):
        arguments["patterns"] = special[arguments["patterns"]]
    if arguments.get("ends_on") == "before":
        arguments["ends_on"] = tomorrow() - datetime.timedelta(days=1)
    if arguments.get("starts_on") == "today":
        arguments["starts_on"] = timezone.localdate()
    with pytest.raises(CareError, match=message):
        propose(covered_grandma, community_staff, bath, **arguments)
    assert not CarePlan.objects.exists()


def test_a_provider_that_does_not_serve_her_community_is_refused(
    covered_grandma, community_staff, bath, laoshan
):
    bath.provider.communities.set([laoshan])
    with pytest.raises(CareError, match="does not serve"):
        propose(covered_grandma, community_staff, bath)


def test_a_programme_she_is_not_eligible_for_is_refused(
    grandma_li, community_staff, bath, bureau_programme
):
    with pytest.raises(CareError, match="not registered as eligible"):
        propose(grandma_li, community_staff, bath, bureau_programme)


def test_only_her_family_and_her_communitys_staff_make_plans(
    grandma_li, bath, other_street_staff, other_resident, provider_manager
):
    for outsider in (other_street_staff, other_resident, provider_manager):
        with pytest.raises(PermissionDenied):
            propose(grandma_li, outsider, bath)
    assert not CarePlan.objects.exists()


def test_the_family_makes_a_self_paid_series_but_not_one_on_public_money(
    grandma_li, daughter, bath, bureau_programme
):
    with pytest.raises(CareError, match="Only community staff"):
        propose(grandma_li, daughter, bath, bureau_programme)
    plan = propose(grandma_li, daughter, bath)
    assert plan.programme is None and not plan.assisted


def test_a_carer_is_never_sent_to_two_visits_at_once(active_plan, provider_manager, bath, carer):
    from orders import services as order_services
    from orders.exceptions import OrdersError
    from tests.orders.conftest import book

    first = booked(active_plan).order_by("day").first().order
    slot = first.slot
    other = book(active_plan.created_by, slot, active_plan.care_recipient)
    with pytest.raises(OrdersError, match="another visit"):
        order_services.assign_worker(order=other, by=provider_manager, worker=carer)


def test_the_plan_page_is_shown_to_those_concerned_only(
    client, active_plan, daughter, community_staff, provider_manager, caregiver, cast
):
    url = f"/care/plans/{active_plan.pk}/"
    for allowed in (daughter, community_staff, provider_manager, caregiver):
        client.force_login(allowed)
        page = client.get(url)
        assert page.status_code == 200
        assert "膝盖不好" in page.content.decode()
    for outsider in ("other_resident", "other_street_staff", "other_provider_manager"):
        client.force_login(cast[outsider])
        assert client.get(url).status_code == 404


def test_the_family_finds_the_plan_from_her_care_page(client, active_plan, daughter):
    client.force_login(daughter)
    page = client.get(f"/care/people/{active_plan.care_recipient_id}/").content.decode()
    assert f"/care/plans/{active_plan.pk}/" in page


def test_a_suspended_provider_gets_no_new_plan_visits_and_staff_see_them_uncovered(
    active_plan, community_staff
):
    from providers.services import suspend_provider

    suspend_provider(provider=active_plan.provider, by=community_staff, reason="资质过期")
    later = timezone.localdate() + datetime.timedelta(days=7)
    made = make_occurrences(active_plan, today=later)
    assert made and all(o.status == Occurrence.Status.UNCOVERED and o.order is None for o in made)
    assert told_in_english("could not", user=community_staff)


def test_a_second_change_before_the_first_takes_effect_leaves_only_the_last_pattern(
    active_plan, community_staff, bath
):
    # A Wednesday beyond the four weeks made: the first change's line would begin then.
    far = tomorrow() + datetime.timedelta(days=36)
    later = far + datetime.timedelta(days=(2 - far.weekday()) % 7)
    services.change_pattern(
        plan=active_plan,
        by=community_staff,
        from_day=later,
        patterns=[VisitPattern(bath, 2, datetime.time(10, 30))],
    )
    services.change_pattern(
        plan=active_plan,
        by=community_staff,
        from_day=later - datetime.timedelta(days=7),
        patterns=[VisitPattern(bath, 3, datetime.time(12))],
    )
    weekdays = {item.weekday for item in active_plan.items.filter(valid_until__isnull=True)}
    assert weekdays == {3}
    make_occurrences(active_plan, today=later - datetime.timedelta(days=1))
    made_after = active_plan.occurrences.filter(day__gte=later)
    assert made_after.exists() and {o.day.weekday() for o in made_after} == {3}


def test_the_carer_is_told_of_the_plan_once_not_of_every_visit(
    covered_grandma, community_staff, bath, bureau_programme, provider_manager, carer
):
    plan = propose(covered_grandma, community_staff, bath, bureau_programme)
    services.accept_plan(plan=plan, by=provider_manager, worker=carer)
    assert Order.objects.filter(care_recipient=covered_grandma, worker=carer).count() > 1
    told = Notification.objects.filter(user=carer.user)
    assert told.count() == 1
    with translation.override("en"):
        assert "You are the carer of 李秀兰's care plan" in told.get().text
    assert told.get().url == f"/care/plans/{plan.pk}/"
