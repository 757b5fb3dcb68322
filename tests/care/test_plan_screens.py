"""The plan screens: staff make a plan, the provider accepts it with a carer, the family
pauses and skips; the form says what is wrong in the reader's language."""

import datetime

import pytest
from django.urls import reverse

from care.models import CarePlan, Occurrence
from tests.care.conftest import FRIDAY, TUESDAY, tomorrow

pytestmark = pytest.mark.django_db


def plan_form(bath, programme=None, **changes) -> dict:
    data = {
        "provider": bath.provider_id,
        "programme": programme.pk if programme else "",
        "starts_on": tomorrow().isoformat(),
        "ends_on": "",
        "goals": "每周两次洗澡，保持清洁",
        "notes": "膝盖不好",
        "service_0": bath.pk,
        "weekday_0": TUESDAY,
        "time_0": "09:00",
        "service_1": bath.pk,
        "weekday_1": FRIDAY,
        "time_1": "09:00",
    }
    data.update(changes)
    return data


def test_staff_make_a_plan_and_the_provider_accepts_it_with_a_carer(
    client, covered_grandma, community_staff, bath, bureau_programme, provider_manager, carer
):
    client.force_login(community_staff)
    url = reverse("care:new_plan", args=[covered_grandma.pk])
    page = client.get(url, {"provider": bath.provider_id}).content.decode()
    assert "每周服务 1" in page and "上门助浴" in page
    response = client.post(url, plan_form(bath, bureau_programme))
    plan = CarePlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/care/plans/{plan.pk}/"
    assert (plan.programme, plan.assisted, plan.items.count()) == (bureau_programme, True, 2)

    client.force_login(provider_manager)
    page = client.get(reverse("care:plan", args=[plan.pk])).content.decode()
    assert 'data-testid="accept-plan"' in page and "周阿姨" in page
    client.post(reverse("care:accept", args=[plan.pk]), {"worker": carer.pk})
    plan.refresh_from_db()
    assert plan.status == CarePlan.Status.ACTIVE and plan.worker == carer
    assert plan.occurrences.filter(status=Occurrence.Status.BOOKED).exists()


def test_a_half_filled_weekly_visit_and_a_bad_time_are_shown_not_saved(
    client, covered_grandma, community_staff, bath
):
    client.force_login(community_staff)
    url = reverse("care:new_plan", args=[covered_grandma.pk])
    half = client.post(url, plan_form(bath, weekday_1="", time_1="09:00"))
    assert "每周服务 2" in half.content.decode() and "需要" in half.content.decode()
    early = client.post(url, plan_form(bath, time_0="07:00"))
    assert "不在服务商的服务时间内" in early.content.decode()
    assert not CarePlan.objects.exists()


def test_the_family_pauses_and_skips_from_the_plan_page(
    client, covered_grandma, community_staff, bath, bureau_programme, provider_manager, daughter
):
    from care import services
    from tests.care.test_plans import propose

    plan = propose(covered_grandma, community_staff, bath, bureau_programme)
    services.accept_plan(plan=plan, by=provider_manager)
    first, second = plan.occurrences.filter(status="booked").order_by("day")[:2]
    client.force_login(daughter)
    client.post(reverse("care:skip", args=[first.pk]), {"reason": "去医院复查"})
    first.refresh_from_db()
    assert first.status == Occurrence.Status.SKIPPED
    later = second.day + datetime.timedelta(days=7)
    client.post(
        reverse("care:pause", args=[plan.pk]),
        {"starts_on": second.day.isoformat(), "ends_on": later.isoformat(), "reason": "住院"},
    )
    second.refresh_from_db()
    assert second.status == Occurrence.Status.PAUSED


@pytest.mark.parametrize("who", ["other_resident", "other_street_staff", "other_provider_manager"])
def test_outsiders_reach_no_plan_action(client, cast, covered_grandma, community_staff, bath, who):
    from tests.care.test_plans import propose

    plan = propose(covered_grandma, community_staff, bath)
    client.force_login(cast[who])
    for name in ("accept", "decline", "choose_worker", "pause", "end"):
        assert (
            client.post(reverse(f"care:{name}", args=[plan.pk]), {"reason": "x"}).status_code == 404
        )
    assert client.get(reverse("care:new_plan", args=[covered_grandma.pk])).status_code == 404
    plan.refresh_from_db()
    assert plan.status == CarePlan.Status.PROPOSED


def test_the_provider_sees_the_week_per_carer_with_plan_visits(
    client, active_plan_for_screens, provider_manager, other_provider_manager, carer
):
    plan = active_plan_for_screens
    first = plan.occurrences.filter(status="booked").order_by("day").first()
    url = reverse("orders:provider_roster", args=[plan.provider_id])
    client.force_login(provider_manager)
    page = client.get(url, {"week": first.day.isoformat()}).content.decode()
    assert "周阿姨" in page and "李秀兰" in page
    client.force_login(other_provider_manager)
    assert client.get(url).status_code == 404


@pytest.fixture
def active_plan_for_screens(
    covered_grandma, community_staff, bath, bureau_programme, provider_manager, carer
):
    from care import services
    from tests.care.test_plans import propose

    plan = propose(covered_grandma, community_staff, bath, bureau_programme)
    return services.accept_plan(plan=plan, by=provider_manager, worker=carer)


def test_the_carer_sees_the_plans_notes_with_each_visit(client, active_plan_for_screens, caregiver):
    client.force_login(caregiver)
    page = client.get(reverse("orders:visits")).content.decode()
    assert "膝盖不好" in page


def test_staff_see_plans_with_held_or_uncovered_visits_first(
    client, active_plan_for_screens, community_staff, provider_manager, other_street_staff
):
    plan = active_plan_for_screens
    first = plan.occurrences.filter(status="booked").order_by("day").first()
    from care import services

    services.skip_occurrence(occurrence=first, by=provider_manager, reason="护理员生病")
    client.force_login(community_staff)
    page = client.get(reverse("care:plans"))
    assert page.context["others"][0] == plan and page.context["others"][0].needs_attention == 1
    client.force_login(other_street_staff)
    assert list(client.get(reverse("care:plans")).context["others"]) == []
