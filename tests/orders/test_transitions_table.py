"""Every action of the order's life tried from every status: allowed ones move and write one
event; forbidden ones change nothing and write nothing."""

import datetime

import pytest
from django.utils import timezone

from marketplace.models import Slot
from marketplace.slots import materialise_slots
from orders import provider_change, roll_call, services, visits
from orders.exceptions import OrdersError
from orders.models import Order, OrderEvent, Payment, ProviderChange, VisitRecord
from orders.transitions import NEXT, TRANSITIONS
from providers.models import Provider, Venue
from tests.marketplace.conftest import publish
from tests.orders.conftest import book

pytestmark = pytest.mark.django_db

Status = Order.Status
BATCH = {"expire", "auto_close", "pay"}


@pytest.fixture
def other_slot(slot):
    from marketplace.models import Slot

    return Slot.objects.filter(service=slot.service).exclude(pk=slot.pk).first()


def prepare(order: Order, status: str, worker) -> Order:
    """An order in `status`, paid, with its worker, whose visit began ten minutes ago."""
    now = timezone.now()
    Order.objects.filter(pk=order.pk).update(
        status=status,
        worker=worker,
        starts_at=now - datetime.timedelta(minutes=10),
        expires_at=now - datetime.timedelta(minutes=1),
        completed_at=now - datetime.timedelta(hours=100),
    )
    Payment.objects.filter(order=order).update(
        status=Payment.Status.CREATED
        if status == Status.PENDING_PAYMENT
        else Payment.Status.SUCCEEDED,
        stripe_payment_intent_id=f"pi_table_{order.pk}",
    )
    order.refresh_from_db()
    return order


def proposed_elsewhere(order: Order, cast) -> Order:
    """Fixture data: staff have proposed another provider's time for this order."""
    provider = Provider.objects.create(
        name="绿城物业潍坊项目部", kind="property_company", status=Provider.Status.APPROVED
    )
    provider.communities.add(order.community)
    service = publish(provider, title_zh="深度保洁")
    materialise_slots(service, start=timezone.localdate() + datetime.timedelta(days=2), days=1)
    ProviderChange.objects.create(
        order=order,
        from_provider=order.provider,
        to_slot=Slot.objects.filter(service=service).first(),
        reason="原服务商已暂停",
        proposed_by=cast["community_staff"],
    )
    return order


def marked_present_at_a_venue(order: Order, cast) -> Order:
    """Fixture data: the order is a canteen's, and a roll call marked the person present."""
    venue = Venue.objects.create(
        provider=order.provider, name="幸福食堂", address="潍坊一村", community=order.community
    )
    Order.objects.filter(pk=order.pk).update(venue=venue)
    VisitRecord.objects.create(
        order=order,
        kind=VisitRecord.Kind.CHECK_IN,
        method=VisitRecord.Method.ROLL_CALL,
        at=order.starts_at,
        recorded_by=cast["provider_manager"],
    )
    order.refresh_from_db()
    return order


def act(action, order, cast, other_slot):
    now = timezone.now()
    calls = {
        "pay": lambda: services.confirm_payment(
            order=order, stripe_payment_intent_id=f"pi_table_{order.pk}", amount_fen=order.copay_fen
        ),
        "accept": lambda: services.accept_order(order=order, by=cast["provider_manager"]),
        "decline": lambda: services.decline_order(order=order, by=cast["provider_manager"]),
        "cancel": lambda: services.cancel_order(order=order, by=cast["daughter"]),
        "expire": lambda: services.expire_overdue(now=now),
        "reschedule": lambda: services.reschedule_order(
            order=order, by=cast["daughter"], slot=other_slot
        ),
        "check_in": lambda: visits.check_in(order=order, by=cast["caregiver"]),
        "check_out": lambda: visits.check_out(order=order, by=cast["caregiver"]),
        "no_show": lambda: services.report_no_show(order=order, by=cast["daughter"]),
        "confirm": lambda: services.confirm_completion(order=order, by=cast["daughter"]),
        "auto_close": lambda: services.close_overdue_orders(now=now),
        "dispute": lambda: services.open_dispute(
            order=order, by=cast["daughter"], reason="没有打扫卫生间"
        ),
        "change_provider": lambda: provider_change.accept_provider_change(
            order=proposed_elsewhere(order, cast), by=cast["daughter"]
        ),
        "resolve": lambda: services.resolve_dispute(
            order=order, by=cast["street_staff"], outcome="已协调补做"
        ),
        "roll_call_absent": lambda: roll_call.correct_to_absent(
            order=marked_present_at_a_venue(order, cast), by=cast["provider_manager"]
        ),
    }
    return calls[action]()


@pytest.mark.parametrize(
    ("status", "action"), [(status, action) for status in Status.values for action in TRANSITIONS]
)
def test_each_action_from_each_status(cast, slot, other_slot, grandma_li, status, action):
    worker = cast["caregiver"].provider_memberships.get()
    order = prepare(book(cast["daughter"], slot, grandma_li), status, worker)
    events_before = OrderEvent.objects.filter(order=order).count()
    sources, target = TRANSITIONS[action]

    if status in sources:
        act(action, order, cast, other_slot)
        order.refresh_from_db()
        assert order.status == target
        event = order.events.last()
        assert (event.action, event.from_status, event.to_status) == (action, status, target)
        assert order.events.count() == events_before + 1
    elif action in BATCH:
        act(action, order, cast, other_slot)  # looks past orders it does not concern
        order.refresh_from_db()
        assert order.status == status
        assert order.events.count() == events_before
    else:
        with pytest.raises(OrdersError):
            act(action, order, cast, other_slot)
        order.refresh_from_db()
        assert order.status == status
        assert order.events.count() == events_before


def test_the_table_is_design_section_6_plus_what_it_leaves_unsaid():
    documented = {
        Status.PENDING_PAYMENT: {Status.REQUESTED, Status.CANCELLED, Status.EXPIRED},
        Status.REQUESTED: {
            Status.CONFIRMED,
            Status.DECLINED,
            Status.CANCELLED,
            Status.EXPIRED,
            Status.REQUESTED,
        },
        Status.CONFIRMED: {Status.IN_SERVICE, Status.CANCELLED, Status.NO_SHOW, Status.REQUESTED},
        Status.IN_SERVICE: {Status.COMPLETED},
        # A venue's roll call corrected before closing: absent after all (decision 0028).
        Status.COMPLETED: {Status.CLOSED, Status.DISPUTED, Status.NO_SHOW},
        Status.DISPUTED: {Status.CLOSED},
        Status.DECLINED: set(),
        Status.CANCELLED: set(),
        Status.EXPIRED: set(),
        Status.NO_SHOW: set(),
        Status.CLOSED: set(),
    }
    assert documented == NEXT
