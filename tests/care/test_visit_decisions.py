"""Staff decide about plan visits that need them: a held visit (the allowance used up under a
programme that holds) is booked anyway with the family paying what is not covered, a visit
not covered (the provider declined it) is tried again, and either can be let go; the family
is told each time, in their language. Only staff of the person's community decide."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Notification
from accounts.notifications import text_for
from billing.models import Programme
from care import services
from care.exceptions import CareError
from care.models import Occurrence
from marketplace.models import Slot
from orders.models import Order
from tests.care.test_plans import propose
from tests.orders.conftest import book

pytestmark = pytest.mark.django_db


@pytest.fixture
def holding_plan(covered_grandma, community_staff, bath, bureau_programme, provider_manager, carer):
    """Two baths a month are paid; the programme holds the others for staff."""
    Programme.objects.filter(pk=bureau_programme.pk).update(when_used_up=Programme.WhenUsedUp.HOLD)
    bureau_programme.refresh_from_db()
    plan = propose(covered_grandma, community_staff, bath, bureau_programme)
    return services.accept_plan(plan=plan, by=provider_manager, worker=carer)


@pytest.fixture
def active_plan(covered_grandma, community_staff, bath, bureau_programme, provider_manager, carer):
    plan = propose(covered_grandma, community_staff, bath, bureau_programme)
    return services.accept_plan(plan=plan, by=provider_manager, worker=carer)


def held(plan) -> Occurrence:
    return plan.occurrences.filter(status=Occurrence.Status.HELD).order_by("day").first()


def declined_by_provider(plan, manager) -> Occurrence:
    first = plan.occurrences.filter(status=Occurrence.Status.BOOKED).order_by("day").first()
    return services.skip_occurrence(occurrence=first, by=manager, reason="护理员生病")


def told(user, words: str) -> bool:
    return any(words in text_for(n, user) for n in Notification.objects.filter(user=user))


def test_staff_book_a_held_visit_anyway_and_the_family_is_told_what_they_pay(
    holding_plan, community_staff, daughter
):
    daughter.language = "en"
    daughter.save(update_fields=["language"])
    visit = held(holding_plan)
    services.book_held_visit(occurrence=visit, by=community_staff)
    visit.refresh_from_db()
    order = visit.order
    assert visit.status == Occurrence.Status.BOOKED and visit.reason == ""
    # The month's two paid baths are gone: the family pays the whole ¥75 at the door.
    assert (order.status, order.subsidy_fen, order.copay_fen) == (Order.Status.CONFIRMED, 0, 7500)
    assert order.copay_offline and order.worker is not None
    assert holding_plan.events.filter(action="book_held", actor=community_staff).exists()
    assert told(daughter, "booked after all") and told(daughter, "¥75.00")
    assert told(community_staff, "仍然预约") and told(community_staff, "¥75.00")


def test_staff_let_a_held_visit_go_with_a_reason_and_the_family_is_told(
    holding_plan, community_staff, daughter
):
    visit = held(holding_plan)
    with pytest.raises(CareError):
        services.let_visit_go(occurrence=visit, by=community_staff, reason="  ")
    services.let_visit_go(occurrence=visit, by=community_staff, reason="本月已用完，下月再约")
    visit.refresh_from_db()
    assert (visit.status, visit.order, visit.reason) == (
        Occurrence.Status.SKIPPED,
        None,
        "本月已用完，下月再约",
    )
    assert holding_plan.events.filter(action="let_go").exists()
    assert told(daughter, "本月已用完，下月再约") and told(daughter, "不再进行")
    with pytest.raises(CareError):
        services.book_held_visit(occurrence=visit, by=community_staff)


def test_a_visit_the_provider_declined_is_not_covered_and_staff_are_told(
    active_plan, provider_manager, community_staff, daughter
):
    visit = declined_by_provider(active_plan, provider_manager)
    assert visit.status == Occurrence.Status.UNCOVERED and visit.reason == "护理员生病"
    assert visit.order.status == Order.Status.CANCELLED
    assert active_plan.events.filter(action="decline_visit").exists()
    assert told(community_staff, "护理员生病") and told(daughter, "护理员生病")


def test_staff_try_a_declined_visit_again_and_it_is_booked_as_a_new_order(
    active_plan, provider_manager, community_staff, daughter
):
    visit = declined_by_provider(active_plan, provider_manager)
    cancelled = visit.order
    services.retry_visit(occurrence=visit, by=community_staff)
    visit.refresh_from_db()
    assert visit.status == Occurrence.Status.BOOKED and visit.order != cancelled
    assert visit.order.status == Order.Status.CONFIRMED
    # The allowance the cancelled order gave back pays it again.
    assert visit.order.subsidy_fen == 7500 and visit.order.copay_fen == 0
    cancelled.refresh_from_db()
    assert cancelled.status == Order.Status.CANCELLED
    assert active_plan.events.filter(action="retry").exists()
    assert told(daughter, "仍然预约")


def test_a_retry_that_still_cannot_book_says_why_and_changes_nothing(
    active_plan, provider_manager, community_staff
):
    from providers.services import suspend_provider

    visit = declined_by_provider(active_plan, provider_manager)
    suspend_provider(provider=active_plan.provider, by=community_staff, reason="资质过期")
    with pytest.raises(CareError), translation.override("en"):
        services.retry_visit(occurrence=visit, by=community_staff)
    visit.refresh_from_db()
    assert visit.status == Occurrence.Status.UNCOVERED and visit.reason == "护理员生病"
    assert not active_plan.events.filter(action="retry").exists()
    # Let go instead.
    services.let_visit_go(occurrence=visit, by=community_staff, reason="服务商暂停")
    visit.refresh_from_db()
    assert visit.status == Occurrence.Status.SKIPPED


def test_only_staff_of_her_community_decide(
    holding_plan, daughter, provider_manager, cast, community_staff
):
    visit = held(holding_plan)
    for outsider in (daughter, provider_manager, cast["other_street_staff"]):
        with pytest.raises(PermissionDenied):
            services.book_held_visit(occurrence=visit, by=outsider)
        with pytest.raises(PermissionDenied):
            services.let_visit_go(occurrence=visit, by=outsider, reason="不要了")
    visit.refresh_from_db()
    assert visit.status == Occurrence.Status.HELD
    with pytest.raises(CareError):  # held, not uncovered: book it, or let it go
        services.retry_visit(occurrence=visit, by=community_staff)


def test_staff_see_the_visits_to_decide_in_their_scope_with_the_reason_and_act_there(
    client, holding_plan, provider_manager, community_staff, cast
):
    declined = declined_by_provider(holding_plan, provider_manager)
    visit = held(holding_plan)
    waiting = holding_plan.occurrences.filter(status__in=["held", "uncovered"]).count()
    client.force_login(community_staff)
    page = client.get(reverse("care:plans")).content.decode()
    assert 'data-testid="visits-to-decide-link"' in page and f"{waiting} 次计划上门" in page
    page = client.get(reverse("care:visits_to_decide")).content.decode()
    assert "护理员生病" in page and "用完" in page
    assert f'action="/care/visits/{visit.pk}/book-held/"' in page
    assert f'action="/care/visits/{declined.pk}/retry/"' in page
    assert "仍然预约：家属支付 ¥" in page  # what the family would pay if booked now
    # The declined visit gave its allowance back: tried again, it takes it again.
    response = client.post(reverse("care:retry", args=[declined.pk]))
    assert response["Location"] == f"/care/plans/{holding_plan.pk}/"
    declined.refresh_from_db()
    assert declined.status == Occurrence.Status.BOOKED and declined.order.subsidy_fen == 7500
    response = client.post(reverse("care:book_held", args=[visit.pk]), {"next": "visits"})
    assert response.status_code == 302 and response["Location"] == "/care/visits/to-decide/"
    visit.refresh_from_db()
    assert visit.status == Occurrence.Status.BOOKED and visit.order.copay_fen == 7500

    other = cast["other_street_staff"]
    client.force_login(other)
    page = client.get(reverse("care:visits_to_decide")).content.decode()
    assert "护理员生病" not in page and holding_plan.care_recipient.name not in page
    still_held = held(holding_plan)
    for name in ("book_held", "retry", "let_go"):
        response = client.post(reverse(f"care:{name}", args=[still_held.pk]), {"reason": "x"})
        assert response.status_code == 404
    still_held.refresh_from_db()
    assert still_held.status == Occurrence.Status.HELD


def test_the_plan_page_offers_staff_the_decisions_and_the_provider_to_decline_a_visit(
    client, holding_plan, community_staff, provider_manager, daughter
):
    url = reverse("care:plan", args=[holding_plan.pk])
    client.force_login(community_staff)
    page = client.get(url).content.decode()
    assert 'data-testid="book-held"' in page and 'data-testid="let-go"' in page
    client.force_login(provider_manager)
    page = client.get(url).content.decode()
    assert "拒绝这次上门" in page and 'data-testid="book-held"' not in page
    booked = holding_plan.occurrences.filter(status=Occurrence.Status.BOOKED).first()
    client.post(reverse("care:skip", args=[booked.pk]), {"reason": "当天无人"})
    booked.refresh_from_db()
    assert booked.status == Occurrence.Status.UNCOVERED
    client.force_login(daughter)
    page = client.get(url).content.decode()
    assert 'data-testid="book-held"' not in page and "当天无人" in page


def test_the_family_sees_the_month_of_visits_week_by_week_with_what_is_left(
    client, holding_plan, daughter, provider_manager
):
    """Her care page: the month's visits under the weeks they fall in (plan visits with
    their carer, held ones with why), next to what is left of the month's allowance."""
    declined_by_provider(holding_plan, provider_manager)
    first = holding_plan.occurrences.order_by("day").first()
    month = first.day.replace(day=1)
    client.force_login(daughter)
    url = reverse("care:person", args=[holding_plan.care_recipient_id])
    page = client.get(url, {"month": f"{month:%Y-%m}"}).content.decode()
    assert 'data-testid="month-of-visits"' in page and 'data-testid="allowance"' in page
    assert f"{month:%Y-%m} 的上门服务" in page
    in_month = holding_plan.occurrences.filter(day__month=month.month)
    for occurrence in in_month:
        assert occurrence.day.strftime("%m-%d") in page
    if in_month.filter(status="booked").exists():
        assert 'data-testid="visit-confirmed"' in page and "周阿姨" in page
    if in_month.filter(status="held").exists():
        assert 'data-testid="visit-held"' in page and "用完" in page
    assert 'data-testid="visit-uncovered"' in page and "护理员生病" in page
    assert "起的一周" in page


def test_a_one_off_booking_shows_in_her_month_too_and_others_see_nothing(
    client, active_plan, bath, daughter, cast
):
    day = timezone.localdate() + datetime.timedelta(days=2)
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    slot = Slot.objects.get(service=bath, starts_at=noon)
    order = book(daughter, slot, active_plan.care_recipient)
    client.force_login(daughter)
    url = reverse("care:person", args=[active_plan.care_recipient_id])
    page = client.get(url, {"month": f"{day:%Y-%m}"}).content.decode()
    assert f'href="{order.get_absolute_url()}"' in page and "12:00" in page
    assert "照护计划" in page  # the plan's visits say where they come from
    # The month's third bath is past the allowance: the family sees what they pay for it.
    assert "家属支付 ¥75.00" in page
    for outsider in ("other_resident", "other_street_staff", "other_provider_manager"):
        client.force_login(cast[outsider])
        assert client.get(url).status_code == 404


def test_a_retry_under_a_self_pay_programme_books_at_the_higher_copay_and_says_so(
    active_plan, provider_manager, community_staff, daughter, covered_grandma, bath
):
    """The month's paid baths are taken meanwhile: tried again, the visit goes ahead (the
    programme's rule is self-pay) and the family is told what they pay."""
    visit = declined_by_provider(active_plan, provider_manager)
    # A one-off bath the same month takes the minutes the declined visit gave back.
    noon = timezone.make_aware(datetime.datetime.combine(visit.day, datetime.time(12)))
    one_off = book(daughter, Slot.objects.get(service=bath, starts_at=noon), covered_grandma)
    assert one_off.subsidy_fen == 7500
    services.retry_visit(occurrence=visit, by=community_staff)
    visit.refresh_from_db()
    assert visit.status == Occurrence.Status.BOOKED
    assert (visit.order.subsidy_fen, visit.order.copay_fen) == (0, 7500)
    assert told(daughter, "¥75.00")


def test_the_month_reads_in_english_too(client, active_plan, daughter):
    first = active_plan.occurrences.order_by("day").first()
    daughter.language = "en"
    daughter.save(update_fields=["language"])
    client.force_login(daughter)
    url = reverse("care:person", args=[active_plan.care_recipient_id])
    page = client.get(url, {"month": f"{first.day:%Y-%m}"}).content.decode()
    assert f"Visits in {first.day:%Y-%m}" in page and "Week from" in page
    assert "Bathing at home" in page and "care plan" in page
