# ruff: noqa: F811 (the care fixtures, imported, are parameters here)
"""Issue 16 point 5 (decision 0029): a self-paid care plan (weekly bathing for grandma Li,
made by her daughter) paid with the daughter's saved card. Each visit is charged off-session
a day and a half before it, once only; a refused card tells her (in her language) and sends
her to the pay page, on the same PaymentIntent; a removed card falls back to the door or the
pay page, as the provider allows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import Notification
from care import services as care_services
from care.exceptions import CareError
from care.models import CarePlan
from orders import ledger, payments, saved_cards
from orders.models import Order, Payment
from providers.models import Provider
from tests import clock
from tests.care.conftest import bath, carer, tomorrow, twice_a_week  # noqa: F401 (fixtures)
from tests.orders.cards import (
    ALWAYS_ASKS,
    DECLINES_LATER,
    VISA,
    intents_created_for,
    save_card,
)
from tests.orders.test_pay_flow import stripe_js_confirms
from tests.orders.test_stripe_request_shapes import misfits, recorded, recording  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_stripe")]


def self_paid_plan(daughter, grandma_li, bath, manager, carer, pays_by=CarePlan.PaysBy.CARD):
    plan = care_services.propose_plan(
        care_recipient=grandma_li,
        provider=bath.provider,
        by=daughter,
        starts_on=tomorrow(),
        patterns=twice_a_week(bath),
        pays_by=pays_by,
    )
    return care_services.accept_plan(plan=plan, by=manager, worker=carer)


def first_visit(plan) -> Order:
    return Order.objects.filter(occurrence__plan=plan).order_by("starts_at").first()


def runs_the_job(hours_before: float, order: Order) -> dict:
    """The frequent job, run this many hours before the visit."""
    traveller = clock.travel_to(order.starts_at - datetime.timedelta(hours=hours_before))
    try:
        return payments.charge_due_plan_visits(now=datetime.datetime.now(datetime.UTC))
    finally:
        traveller.stop()


def told(user, order) -> Notification:
    return Notification.objects.filter(user=user, params__code=order.code).latest("pk")


@pytest.fixture
def card_plan(fake_stripe, daughter, grandma_li, bath, provider_manager, carer):
    save_card(fake_stripe, daughter)
    return self_paid_plan(daughter, grandma_li, bath, provider_manager, carer)


def test_the_visits_of_a_plan_paid_by_card_wait_for_the_card_with_nothing_charged_yet(
    card_plan, fake_stripe
):
    visit = first_visit(card_plan)
    assert visit.status == Order.Status.CONFIRMED and not visit.copay_offline
    assert (visit.payment.kind, visit.payment.status) == (
        Payment.Kind.SAVED_CARD,
        Payment.Status.CREATED,
    )
    assert visit.payment.amount_fen == visit.copay_fen == 7500
    assert intents_created_for(fake_stripe, visit.code) == []


def test_a_visit_is_charged_off_session_a_day_and_a_half_before_and_only_once(
    card_plan, daughter, fake_stripe
):
    visit = first_visit(card_plan)
    assert runs_the_job(40, visit) == {}  # too early: a cancellation now touches no card

    assert runs_the_job(30, visit).get("paid", 0) >= 1
    assert runs_the_job(29, visit).get("paid", 0) == 0  # a second run charges nothing more

    visit.refresh_from_db()
    assert visit.status == Order.Status.CONFIRMED
    assert visit.payment.status == Payment.Status.SUCCEEDED
    sent = intents_created_for(fake_stripe, visit.code)
    assert len(sent) == 1
    params = dict(sent[0]["params"])
    card = saved_cards.active_card(daughter)
    assert (params["off_session"], params["confirm"]) == ("true", "true")
    assert (params["customer"], params["payment_method"]) == (
        card.stripe_customer_id,
        card.stripe_payment_method_id,
    )
    remote = payments.client().v1.payment_intents.retrieve(visit.payment.stripe_payment_intent_id)
    assert (remote.status, remote.amount) == ("succeeded", 7500)
    assert ledger.differences(ledger.with_money(Order.objects.filter(pk=visit.pk))) == []


def test_an_answer_lost_on_the_way_back_is_asked_again_with_the_same_key_and_pays_once(
    card_plan, fake_stripe
):
    visit = first_visit(card_plan)
    payment = saved_cards.prepare_charge(payment=visit.payment)
    card = payment.saved_card
    # Stripe charged the card, but its answer never reached us.
    payments.client().v1.payment_intents.create(
        params={
            "amount": payment.amount_fen,
            "currency": "cny",
            "customer": card.stripe_customer_id,
            "payment_method": card.stripe_payment_method_id,
            "allowed_payment_method_types": ["card"],
            "confirm": True,
            "off_session": True,
            "metadata": {"order": visit.code},
        },
        options={"idempotency_key": payments.intent_key(payment, payment.intent_attempt)},
    )
    runs_the_job(30, visit)

    visit.refresh_from_db()
    assert visit.payment.status == Payment.Status.SUCCEEDED
    ids = {
        intent.id
        for intent in payments.client()
        .v1.payment_intents.list(params={"limit": 100})
        .auto_paging_iter()
        if intent.metadata and intent.metadata.to_dict().get("order") == visit.code
    }
    assert ids == {visit.payment.stripe_payment_intent_id}


def test_a_declined_card_tells_the_family_sends_them_to_pay_and_is_not_tried_again(
    client,
    fake_stripe,
    daughter,
    grandma_li,
    bath,
    provider_manager,
    carer,
):
    save_card(fake_stripe, daughter, DECLINES_LATER)  # saved fine, its charges declined
    plan = self_paid_plan(daughter, grandma_li, bath, provider_manager, carer)
    visit = first_visit(plan)

    assert runs_the_job(30, visit).get("refused", 0) >= 1
    assert runs_the_job(29, visit).get("refused", 0) == 0

    visit.refresh_from_db()
    assert visit.status == Order.Status.CONFIRMED  # not silently dropped
    assert visit.payment.status == Payment.Status.FAILED
    assert len(intents_created_for(fake_stripe, visit.code)) == 1
    notice = told(daughter, visit)
    assert notice.url == reverse("orders:pay", args=[visit.code])
    with translation.override("en"):
        assert "Your saved card was not charged" in notice.text
        assert "Your card was declined" in notice.text and "¥75.00" in notice.text
    with translation.override("zh-hans"):
        assert "未能从您已保存的银行卡扣款" in notice.text

    client.force_login(daughter)
    page = client.get(reverse("orders:pay", args=[visit.code]))
    assert page.status_code == 200
    payment = Payment.objects.get(order=visit)
    assert page.context["payment"].stripe_payment_intent_id == payment.stripe_payment_intent_id
    paid = stripe_js_confirms(fake_stripe, payment, page.context["return_url"], card=VISA)
    assert paid["status"] == "succeeded"
    client.get(reverse("orders:paid", args=[visit.code]))
    visit.refresh_from_db()
    assert visit.status == Order.Status.CONFIRMED
    assert visit.payment.status == Payment.Status.SUCCEEDED
    assert ledger.differences(ledger.with_money(Order.objects.filter(pk=visit.pk))) == []


def test_a_card_whose_bank_wants_the_payer_present_is_not_charged_and_the_family_is_told(
    fake_stripe,
    daughter,
    grandma_li,
    bath,
    provider_manager,
    carer,
):
    save_card(fake_stripe, daughter, ALWAYS_ASKS)  # 3-D Secure while saving, and every time
    plan = self_paid_plan(daughter, grandma_li, bath, provider_manager, carer)
    visit = first_visit(plan)

    runs_the_job(30, visit)

    visit.refresh_from_db()
    assert visit.payment.status == Payment.Status.FAILED
    remote = payments.client().v1.payment_intents.retrieve(visit.payment.stripe_payment_intent_id)
    assert remote.status == "requires_payment_method"
    assert remote.last_payment_error.code == "authentication_required"
    with translation.override("en"):
        assert "could not confirm that it was you" in told(daughter, visit).text


def test_a_removed_card_falls_back_to_the_door_with_a_notice(card_plan, daughter, fake_stripe):
    card = saved_cards.active_card(daughter)
    saved_cards.remove_saved_card(card=card, by=daughter)
    visit = first_visit(card_plan)

    runs_the_job(30, visit)

    visit.refresh_from_db()
    assert visit.copay_offline and not Payment.objects.filter(order=visit).exists()
    assert intents_created_for(fake_stripe, visit.code) == []
    with translation.override("en"):
        assert "is paid at the door" in told(daughter, visit).text


def test_a_removed_card_with_a_provider_taking_cards_only_sends_the_family_to_pay(
    card_plan, daughter, fake_stripe
):
    Provider.objects.filter(pk=card_plan.provider_id).update(plan_payment=Provider.PlanPayment.CARD)
    saved_cards.remove_saved_card(card=saved_cards.active_card(daughter), by=daughter)
    visit = first_visit(card_plan)

    runs_the_job(30, visit)

    visit.refresh_from_db()
    assert not visit.copay_offline and visit.payment.status == Payment.Status.FAILED
    assert told(daughter, visit).url == reverse("orders:pay", args=[visit.code])


def test_a_cancelled_visit_is_never_charged(card_plan, daughter, fake_stripe):
    from orders import services

    visit = first_visit(card_plan)
    services.cancel_order(order=visit, by=daughter, reason="住院")
    assert runs_the_job(30, visit) == {}
    assert intents_created_for(fake_stripe, visit.code) == []


def test_a_plan_is_paid_by_card_only_with_a_saved_card_and_a_provider_taking_cards(
    fake_stripe,
    daughter,
    grandma_li,
    bath,
    provider_manager,
    carer,
):
    with pytest.raises(CareError):
        self_paid_plan(daughter, grandma_li, bath, provider_manager, carer)  # no card yet
    save_card(fake_stripe, daughter)
    Provider.objects.filter(pk=bath.provider_id).update(plan_payment=Provider.PlanPayment.DOOR)
    bath.provider.refresh_from_db()
    with pytest.raises(CareError):
        self_paid_plan(daughter, grandma_li, bath, provider_manager, carer)
    Provider.objects.filter(pk=bath.provider_id).update(plan_payment=Provider.PlanPayment.CARD)
    bath.provider.refresh_from_db()
    with pytest.raises(CareError):
        self_paid_plan(
            daughter, grandma_li, bath, provider_manager, carer, pays_by=CarePlan.PaysBy.DOOR
        )
    plan = self_paid_plan(daughter, grandma_li, bath, provider_manager, carer)
    assert plan.pays_by == CarePlan.PaysBy.CARD


def test_every_request_of_saving_a_card_and_charging_it_fits_stripes_api(
    recording, daughter, grandma_li, bath, provider_manager, carer
):
    first = save_card(recording, daughter)
    save_card(recording, daughter, DECLINES_LATER)  # replaces the first, detached in Stripe
    saved_cards.remove_saved_card(card=saved_cards.active_card(daughter), by=daughter)
    payments.detach_card(saved_cards.active_card(daughter) or first)
    save_card(recording, daughter)
    plan = self_paid_plan(daughter, grandma_li, bath, provider_manager, carer)
    runs_the_job(30, first_visit(plan))

    requests = recorded(recording)
    touched = {(r["method"], r["path"].split("/")[2]) for r in requests}
    assert touched >= {
        ("POST", "customers"),
        ("POST", "setup_intents"),
        ("GET", "setup_intents"),
        ("GET", "payment_methods"),
        ("POST", "payment_methods"),
        ("POST", "payment_intents"),
    }
    assert [problem for request in requests for problem in misfits(request)] == []


def test_the_daughter_chooses_her_saved_card_on_the_plan_form_and_the_plan_page_says_so(
    client, fake_stripe, daughter, grandma_li, bath, provider_manager, carer
):
    from tests.care.test_plan_screens import plan_form

    url = reverse("care:new_plan", args=[grandma_li.pk])
    client.force_login(daughter)
    page = client.get(url, {"provider": bath.provider_id}).content.decode()
    assert "上门时付款" in page and "尾号" not in page  # no card yet: the door only
    assert reverse("orders:cards") in page

    save_card(fake_stripe, daughter)
    page = client.get(url, {"provider": bath.provider_id}).content.decode()
    assert "用已保存的银行卡（Visa，尾号 4242）" in page
    response = client.post(url, plan_form(bath, pays_by=CarePlan.PaysBy.CARD))

    plan = CarePlan.objects.get()
    assert response.status_code == 302 and plan.pays_by == CarePlan.PaysBy.CARD
    shown = client.get(reverse("care:plan", args=[plan.pk])).content.decode()
    assert "用已保存的银行卡" in shown


def test_staff_plans_never_offer_the_card(client, fake_stripe, community_staff, grandma_li, bath):
    save_card(fake_stripe, community_staff)
    client.force_login(community_staff)
    page = client.get(
        reverse("care:new_plan", args=[grandma_li.pk]), {"provider": bath.provider_id}
    )
    assert "pays_by" not in page.context["form"].fields
