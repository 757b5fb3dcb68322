import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import CareLink
from marketplace.models import Slot
from orders.exceptions import OrdersError, SlotFull
from orders.models import Order, OrderEvent, Payment
from tests.marketplace.conftest import publish
from tests.orders.conftest import book

pytestmark = pytest.mark.django_db


def test_a_daughter_books_for_her_mother_and_the_split_is_frozen(daughter, slot, grandma_li):
    order = book(daughter, slot, grandma_li, notes="请带拖鞋套")

    assert order.status == Order.Status.PENDING_PAYMENT
    assert (order.list_price_fen, order.subsidy_fen, order.copay_fen) == (12000, 0, 12000)
    assert order.address == grandma_li.address
    assert order.community == grandma_li.community
    assert order.payment.amount_fen == 12000
    assert list(order.events.values_list("action", "to_status")) == [("place", "pending_payment")]
    slot.refresh_from_db()
    assert slot.booked == 1

    slot.service.price_fen = 99900
    slot.service.save(update_fields=["price_fen"])
    order.refresh_from_db()
    assert order.list_price_fen == 12000


def test_submitting_twice_gives_one_order_and_takes_one_place(daughter, slot, grandma_li):
    first = book(daughter, slot, grandma_li, key="same-form")
    second = book(daughter, slot, grandma_li, key="same-form")

    assert first.pk == second.pk
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1
    slot.refresh_from_db()
    assert slot.booked == 1


def test_sending_the_form_again_after_the_slot_filled_up_gives_the_first_order(
    daughter, slot, grandma_li
):
    Slot.objects.filter(pk=slot.pk).update(capacity=1)
    first = book(daughter, slot, grandma_li, key="same-form")

    again = book(daughter, slot, grandma_li, key="same-form")

    assert again.pk == first.pk
    slot.refresh_from_db()
    assert slot.booked == 1


def test_the_last_place_goes_once_and_the_next_person_hears_why(daughter, son, slot, grandma_li):
    CareLink.objects.create(care_recipient=grandma_li, account=son, relationship="child")
    Slot.objects.filter(pk=slot.pk).update(capacity=1)
    book(daughter, slot, grandma_li)

    with pytest.raises(SlotFull) as error:
        book(son, slot, grandma_li)

    assert "约满" in str(error.value.message)
    assert Order.objects.count() == 1
    slot.refresh_from_db()
    assert slot.booked == 1


def test_nobody_books_for_a_stranger(other_resident, slot, grandma_li):
    with pytest.raises(PermissionDenied):
        book(other_resident, slot, grandma_li)
    assert not Order.objects.exists()


def test_a_service_is_not_booked_outside_its_communities(daughter, slot, grandma_li, laoshan):
    grandma_li.community = laoshan
    grandma_li.save(update_fields=["community"])
    with pytest.raises(OrdersError) as error:
        book(daughter, slot, grandma_li)
    assert "不在这项服务的范围内" in str(error.value.message)
    slot.refresh_from_db()
    assert slot.booked == 0


def test_a_suspended_providers_service_takes_no_new_orders(
    daughter, slot, grandma_li, provider_a, street_staff
):
    from providers import services as provider_services

    provider_services.suspend_provider(provider=provider_a, by=street_staff, reason="投诉")
    with pytest.raises(OrdersError):
        book(daughter, slot, grandma_li)
    assert not Order.objects.exists()


def test_a_closed_slot_cannot_be_booked(daughter, slot, grandma_li):
    Slot.objects.filter(pk=slot.pk).update(closed=True)
    with pytest.raises(SlotFull):
        book(daughter, slot, grandma_li)


def test_a_free_service_goes_straight_to_the_provider(daughter, grandma_li, provider_a):
    from django.utils import timezone

    from marketplace.slots import materialise_slots

    free = publish(provider_a, title_zh="免费测血压", price_fen=0)
    materialise_slots(free, start=timezone.localdate(), days=3)
    slot = Slot.objects.open_for_booking().filter(service=free).first()

    order = book(daughter, slot, grandma_li)

    assert order.status == Order.Status.REQUESTED
    assert not Payment.objects.filter(order=order).exists()
    assert order.expires_at is not None


def test_hourly_services_are_charged_for_their_length(daughter, grandma_li, provider_a):
    from django.utils import timezone

    from marketplace.slots import materialise_slots

    hourly = publish(provider_a, title_zh="按小时保洁", price_fen=5000, duration_minutes=150)
    hourly.unit = "hour"
    hourly.save(update_fields=["unit"])
    materialise_slots(hourly, start=timezone.localdate(), days=3)
    slot = Slot.objects.open_for_booking().filter(service=hourly).first()

    order = book(daughter, slot, grandma_li)

    assert (order.quantity, order.list_price_fen) == (3, 15000)


def test_nothing_is_written_when_booking_is_refused(other_resident, slot, grandma_li):
    events = OrderEvent.objects.count()
    with pytest.raises(PermissionDenied):
        book(other_resident, slot, grandma_li)
    assert OrderEvent.objects.count() == events
    slot.refresh_from_db()
    assert slot.booked == 0


def test_the_order_keeps_the_service_name_in_both_languages_for_its_readers(
    client, daughter, slot, grandma_li
):
    slot.service.title_en = "Home cleaning"
    slot.service.save(update_fields=["title_en"])
    order = book(daughter, slot, grandma_li)
    slot.service.title_en = "Renamed later"
    slot.service.save(update_fields=["title_en"])

    client.force_login(daughter)
    assert "家庭保洁" in client.get("/orders/").content.decode()
    client.cookies["django_language"] = "en"
    page = client.get(order.get_absolute_url()).content.decode()
    assert "<h1>Home cleaning</h1>" in page
    assert "Renamed later" not in page
