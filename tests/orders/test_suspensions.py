"""Issue 19 (3): suspensions bite. A suspended provider takes nothing on; a suspended
worker neither checks in nor is sent, and their visits are listed for the provider; each
category's worker documents are asked for at assignment and at check-in, where the service
names no qualification too; staff move a suspended provider's open orders to another
approved provider, which the family accepts or declines (ADR 0020)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Slot
from marketplace.slots import materialise_slots
from orders import provider_change, services, visits
from orders.exceptions import OrdersError
from orders.forms import AssignForm
from orders.models import Order, ProviderChange, Refund
from providers import services as provider_services
from providers.models import DocumentKind, Provider, ProviderMember
from tests.conftest import give_papers, make_user
from tests.marketplace.conftest import publish
from tests.orders.conftest import book, now_starting, put_in
from tests.reviews.test_screens import in_both_languages

pytestmark = pytest.mark.django_db


def suspend(provider, by):
    return provider_services.suspend_provider(provider=provider, by=by, reason="投诉较多，暂停整改")


def suspend_worker(user) -> ProviderMember:
    member = user.provider_memberships.get()
    ProviderMember.objects.filter(pk=member.pk).update(
        suspended_at=timezone.now(), suspension_reason=DocumentKind.HEALTH_CERTIFICATE
    )
    member.refresh_from_db()
    return member


# A suspended provider


def test_a_suspended_providers_manager_cannot_accept_a_request(
    requested, provider_manager, street_staff
):
    suspend(requested.provider, street_staff)
    with pytest.raises(OrdersError):
        services.accept_order(order=requested, by=provider_manager)
    requested.refresh_from_db()
    assert requested.status == Order.Status.REQUESTED


def test_a_suspended_provider_cannot_send_a_worker(
    confirmed, provider_manager, caregiver, street_staff
):
    Order.objects.filter(pk=confirmed.pk).update(worker=None)
    suspend(confirmed.provider, street_staff)
    with pytest.raises(OrdersError):
        services.assign_worker(
            order=confirmed, by=provider_manager, worker=caregiver.provider_memberships.get()
        )
    confirmed.refresh_from_db()
    assert confirmed.worker is None


def test_the_order_page_offers_a_suspended_provider_only_to_decline(
    client, requested, provider_manager, street_staff
):
    suspend(requested.provider, street_staff)
    client.force_login(provider_manager)
    body = client.get(requested.get_absolute_url()).content.decode()
    assert 'data-testid="accept"' not in body
    assert 'data-testid="assign"' not in body
    assert reverse("orders:decline", args=[requested.code]) in body


# A suspended worker, and the documents each category asks for


def test_a_suspended_worker_cannot_check_in(confirmed, caregiver):
    order = now_starting(confirmed)
    suspend_worker(caregiver)
    with pytest.raises(OrdersError):
        visits.check_in(order=order, by=caregiver)
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED
    assert not order.visit_records.exists()


def test_a_suspended_worker_is_not_sent_nor_offered(requested, provider_manager, caregiver):
    member = suspend_worker(caregiver)
    assert member not in AssignForm(order=requested).fields["worker"].queryset
    with pytest.raises(OrdersError):
        services.assign_worker(order=requested, by=provider_manager, worker=member)


def test_a_suspended_workers_open_visits_are_listed_for_the_provider(
    client, confirmed, caregiver, provider_manager
):
    suspend_worker(caregiver)
    client.force_login(provider_manager)
    url = reverse("orders:provider_orders", args=[confirmed.provider_id])
    body = client.get(url).content.decode()
    assert 'data-testid="to-reassign"' in body and confirmed.code in body
    in_both_languages(client, url, "需要改派的服务", "Visits to give to another worker")


@pytest.fixture
def meals(provider_a, daughter, grandma_li):
    """Meals at home: eldercare, and the service names no qualification."""
    service = publish(provider_a, title_zh="老年助餐送餐", category="meal-assistance")
    day = timezone.localdate() + datetime.timedelta(days=2)
    materialise_slots(service, start=day, days=1)
    order = book(daughter, Slot.objects.filter(service=service).first(), grandma_li)
    return put_in(order, Order.Status.CONFIRMED)


@pytest.fixture
def worker_without_papers(provider_a) -> ProviderMember:
    user = make_user("wu@anxin.example.cn", "吴阿姨")
    return ProviderMember.objects.create(provider=provider_a, user=user, role="worker")


def test_meals_ask_for_a_health_certificate_though_the_service_names_none(
    meals, provider_manager, worker_without_papers
):
    assert meals.service.required_qualification == ""
    assert worker_without_papers not in AssignForm(order=meals).fields["worker"].queryset
    with pytest.raises(OrdersError) as refused:
        services.assign_worker(order=meals, by=provider_manager, worker=worker_without_papers)
    assert "健康证" in str(refused.value.message)

    give_papers(worker_without_papers, DocumentKind.HEALTH_CERTIFICATE)
    assert worker_without_papers in AssignForm(order=meals).fields["worker"].queryset
    services.assign_worker(order=meals, by=provider_manager, worker=worker_without_papers)


def test_a_certificate_that_runs_out_before_the_visit_does_not_count(
    meals, provider_manager, worker_without_papers
):
    give_papers(
        worker_without_papers,
        DocumentKind.HEALTH_CERTIFICATE,
        expires_on=timezone.localdate(meals.starts_at) - datetime.timedelta(days=1),
    )
    with pytest.raises(OrdersError):
        services.assign_worker(order=meals, by=provider_manager, worker=worker_without_papers)


def test_a_worker_whose_papers_lapsed_after_being_sent_cannot_check_in(
    meals, worker_without_papers
):
    Order.objects.filter(pk=meals.pk).update(worker=worker_without_papers)
    order = now_starting(meals)
    with pytest.raises(OrdersError):
        visits.check_in(order=order, by=worker_without_papers.user)
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED


def test_household_cleaning_asks_for_no_papers(requested, provider_manager, worker_without_papers):
    services.assign_worker(order=requested, by=provider_manager, worker=worker_without_papers)
    requested.refresh_from_db()
    assert requested.worker == worker_without_papers


# Moving a suspended provider's orders to another provider


@pytest.fixture
def lvcheng(weifang_1) -> Provider:
    provider = Provider.objects.create(
        name="绿城物业潍坊项目部", kind="property_company", status=Provider.Status.APPROVED
    )
    provider.communities.add(weifang_1)
    make_user("manager@lvcheng.example.cn", "吴强")
    service = publish(provider, title_zh="深度保洁", title_en="Deep cleaning")
    materialise_slots(service, start=timezone.localdate() + datetime.timedelta(days=2), days=1)
    return provider


@pytest.fixture
def elsewhere_slot(lvcheng) -> Slot:
    return Slot.objects.filter(service__provider=lvcheng).order_by("starts_at").first()


@pytest.fixture
def stranded(confirmed, street_staff):
    """Grandma Li's paid cleaning, confirmed by a provider that is now suspended."""
    suspend(confirmed.provider, street_staff)
    confirmed.refresh_from_db()
    return confirmed


def propose(order, by, slot):
    return provider_change.propose_provider_change(
        order=order, by=by, slot=slot, reason="原服务商暂停整改，改由绿城物业上门"
    )


def test_the_family_accepts_another_provider_which_is_asked_to_confirm(
    stranded, elsewhere_slot, community_staff, daughter, lvcheng
):
    old_slot = stranded.slot
    old_booked = old_slot.booked
    propose(stranded, community_staff, elsewhere_slot)

    order = provider_change.accept_provider_change(order=stranded, by=daughter)

    assert (order.provider, order.slot, order.status) == (lvcheng, elsewhere_slot, "requested")
    assert (order.starts_at, order.title) == (elsewhere_slot.starts_at, "深度保洁")
    assert order.worker is None
    old_slot.refresh_from_db()
    elsewhere_slot.refresh_from_db()
    assert (old_slot.booked, elsewhere_slot.booked) == (old_booked - 1, 1)
    assert order.events.last().action == "change_provider"
    assert ProviderChange.objects.get(order=order).status == "accepted"
    assert not Refund.objects.exists()


def test_declining_cancels_with_everything_refunded(
    stranded, elsewhere_slot, community_staff, daughter
):
    propose(stranded, community_staff, elsewhere_slot)

    provider_change.decline_provider_change(order=stranded, by=daughter)

    stranded.refresh_from_db()
    assert stranded.status == Order.Status.CANCELLED
    refund = Refund.objects.get(payment__order=stranded)
    assert refund.amount_fen == stranded.copay_fen == 12000
    assert ProviderChange.objects.get(order=stranded).status == "declined"


def test_only_a_suspended_providers_open_orders_are_moved(
    confirmed, elsewhere_slot, community_staff
):
    with pytest.raises(OrdersError):
        propose(confirmed, community_staff, elsewhere_slot)


def test_the_new_time_must_be_another_approved_providers_of_the_same_kind(
    stranded, community_staff, lvcheng, slot
):
    other_kind = publish(lvcheng, title_zh="水电维修", category="plumbing")
    materialise_slots(other_kind, start=timezone.localdate() + datetime.timedelta(days=2), days=1)
    for wrong in (slot, Slot.objects.filter(service=other_kind).first()):
        with pytest.raises(OrdersError):
            propose(stranded, community_staff, wrong)
    Provider.objects.filter(pk=lvcheng.pk).update(
        status=Provider.Status.SUSPENDED, suspension_cause=Provider.SuspensionCause.STAFF
    )
    with pytest.raises(OrdersError):
        propose(stranded, community_staff, Slot.objects.filter(service__title_zh="深度保洁")[0])


@pytest.mark.parametrize(
    "who", ["other_street_staff", "provider_manager", "daughter", "district_officer"]
)
def test_only_community_staff_in_scope_propose(stranded, elsewhere_slot, cast, who):
    with pytest.raises(PermissionDenied):
        propose(stranded, cast[who], elsewhere_slot)


@pytest.mark.parametrize("who", ["son", "other_resident", "provider_manager", "community_staff"])
def test_only_the_family_answers(stranded, elsewhere_slot, community_staff, cast, who):
    propose(stranded, community_staff, elsewhere_slot)
    for answer in (provider_change.accept_provider_change, provider_change.decline_provider_change):
        with pytest.raises(PermissionDenied):
            answer(order=stranded, by=cast[who])
    assert ProviderChange.objects.get(order=stranded).status == "proposed"


def test_the_family_reads_the_proposal_in_both_languages(
    client, stranded, elsewhere_slot, community_staff, daughter
):
    propose(stranded, community_staff, elsewhere_slot)
    client.force_login(daughter)
    in_both_languages(
        client, stranded.get_absolute_url(), "接受新的服务商", "Accept the new provider"
    )


def test_staff_propose_from_the_workspace(client, stranded, elsewhere_slot, community_staff):
    client.force_login(community_staff)
    url = reverse("community_orders:move", args=[stranded.code])
    in_both_languages(client, url, "向家属提出", "Propose to the family")
    in_both_languages(
        client, reverse("community_orders:index"), "转给其他服务商", "Move to another provider"
    )

    client.post(url, {"slot": elsewhere_slot.pk, "reason": "原服务商暂停整改"})

    change = ProviderChange.objects.get(order=stranded)
    assert (change.to_slot, change.proposed_by) == (elsewhere_slot, community_staff)


@pytest.mark.parametrize(
    "who",
    ["other_street_staff", "provider_manager", "daughter", "caregiver", "other_provider_manager"],
)
def test_the_workspace_move_page_is_404_to_everyone_else(
    client, stranded, elsewhere_slot, cast, who
):
    client.force_login(cast[who])
    url = reverse("community_orders:move", args=[stranded.code])
    assert client.get(url).status_code == 404
    assert client.post(url, {"slot": elsewhere_slot.pk, "reason": "x"}).status_code == 404
    assert not ProviderChange.objects.exists()


def test_no_late_fee_follows_the_family_to_the_new_provider(
    stranded, elsewhere_slot, community_staff, daughter
):
    Order.objects.filter(pk=stranded.pk).update(fee_counts_from=stranded.starts_at)
    propose(stranded, community_staff, elsewhere_slot)

    order = provider_change.accept_provider_change(order=stranded, by=daughter)

    order.refresh_from_db()
    assert order.fee_counts_from is None
