"""The daily run over every plan (decision 0030): it loads a plan's slots once, making the
days that have none first, and its commits stop waiting for the disk only while it runs."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone, translation

from accounts.consumers import user_group
from care import services
from care.models import CarePlan, Occurrence
from care.occurrences import make_all_occurrences
from marketplace.models import Slot
from tests.care.test_plans import propose

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def test_days_without_slots_get_them_before_their_visits_are_booked(
    covered_grandma, community_staff, bath, bureau_programme, provider_manager, carer
):
    plan = propose(covered_grandma, community_staff, bath, bureau_programme)
    Slot.objects.filter(service=bath, starts_at__gt=timezone.now()).delete()
    services.accept_plan(plan=plan, by=provider_manager, worker=carer)
    visits = plan.occurrences.all()
    assert visits.count() >= 7  # Tuesdays and Fridays of four weeks, from tomorrow
    assert not visits.exclude(status=Occurrence.Status.BOOKED).exists()
    for visit in visits.select_related("order__slot"):
        slot = visit.order.slot
        assert (slot.service_id, slot.starts_at, slot.booked) == (
            bath.pk,
            visit.order.starts_at,
            1,
        )
        assert timezone.localdate(slot.starts_at) == visit.day


def test_the_daily_run_makes_the_plans_asked_for_once_and_counts_them(
    covered_grandma, community_staff, bath, bureau_programme, provider_manager, carer
):
    later = timezone.localdate() + datetime.timedelta(days=31)
    plan = propose(covered_grandma, community_staff, bath, bureau_programme, starts_on=later)
    plan = services.accept_plan(plan=plan, by=provider_manager, worker=carer)
    assert not plan.occurrences.exists()  # beyond four weeks
    a_week_on = timezone.localdate() + datetime.timedelta(days=7)
    assert make_all_occurrences(today=a_week_on, plan_ids=[plan.pk + 1]) == 0
    made = make_all_occurrences(today=a_week_on, plan_ids=[plan.pk])
    assert made >= 1 and plan.occurrences.count() == made
    assert not plan.occurrences.exclude(status=Occurrence.Status.BOOKED).exists()
    assert make_all_occurrences(today=a_week_on) == 0


@pytest.mark.postgres
def test_after_the_daily_run_commits_wait_for_the_disk_again(active_plan_for_run):
    make_all_occurrences()
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


@pytest.fixture
def active_plan_for_run(
    covered_grandma, community_staff, bath, bureau_programme, provider_manager, carer
):
    plan = propose(covered_grandma, community_staff, bath, bureau_programme)
    return services.accept_plan(plan=plan, by=provider_manager, worker=carer)


def test_the_daily_run_tells_each_person_concerned_once_of_their_new_visits(
    covered_grandma,
    community_staff,
    bath,
    bureau_programme,
    provider_manager,
    daughter,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    plan = propose(covered_grandma, community_staff, bath, bureau_programme)
    CarePlan.objects.filter(pk=plan.pk).update(status=CarePlan.Status.ACTIVE)
    sent = []
    monkeypatch.setattr("orders.events.send_live", sent.extend)
    with django_capture_on_commit_callbacks(execute=True):
        made = make_all_occurrences()
    assert made == 8
    groups = [group for group, _message in sent]
    assert len(groups) == len(set(groups))  # once each, not once per visit
    for person in (daughter, provider_manager, community_staff):
        assert user_group(person.pk) in groups
    assert {message["payload"]["type"] for _group, message in sent} == {"order_event"}
