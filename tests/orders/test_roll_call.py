"""A canteen's roll call (decision 0028): everyone booked for a sitting marked present or
absent in one action. Present is verified and billed like a home visit checked in and out;
absent is a no-show; a second roll call changes nothing twice; a present mark may be
corrected to absent until the order closes; nobody else may take it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from billing.models import MonthlyUsage
from marketplace.models import Slot
from orders import roll_call, services
from orders.exceptions import OrdersError, SlotFull
from orders.models import Order, VisitRecord
from providers import venues
from statements.services import billable_orders
from tests import clock
from tests.billing import conftest as billing_fixtures
from tests.billing.conftest import make_eligible
from tests.orders import canteen as canteen_fixtures
from tests.orders.canteen import LUNCH, canteen_meal, lunch_slot, make_canteen
from tests.orders.conftest import book
from tests.providers.test_views_authorisation import log_in

pytestmark = pytest.mark.django_db

bureau = billing_fixtures.bureau
canteen = canteen_fixtures.canteen
meal = canteen_fixtures.meal
meal_programme = canteen_fixtures.meal_programme


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def lunch_time(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, LUNCH))


@pytest.fixture
def old_neighbour(weifang_1, daughter):
    from accounts.models import CareRecipient

    return CareRecipient.objects.create(
        name="王大爷",
        community=weifang_1,
        address="潍坊二村5号101室",
        birth_date=datetime.date(1940, 5, 1),
        created_by=daughter,
    )


@pytest.fixture
def lunch_orders(
    meal, meal_programme, grandma_li, old_neighbour, community_staff, provider_manager
) -> list[Order]:
    """Tomorrow's lunch, booked by community staff for two eligible people (paid at the
    counter) and accepted by the canteen."""
    orders = []
    for person in (grandma_li, old_neighbour):
        person.birth_date = datetime.date(1941, 3, 8)
        person.save(update_fields=["birth_date"])
        make_eligible(person, meal_programme, community_staff)
        order = book(community_staff, lunch_slot(meal, tomorrow()), person)
        services.accept_order(order=order, by=provider_manager)
        order.refresh_from_db()
        orders.append(order)
    return orders


@pytest.fixture
def at_lunch(lunch_orders):
    """Tomorrow, a quarter of an hour into the sitting."""
    traveller = clock.travel_to(lunch_time(tomorrow()) + datetime.timedelta(minutes=15))
    yield
    traveller.stop()


def marks(grandma_mark, neighbour_mark, orders):
    return {orders[0].pk: grandma_mark, orders[1].pk: neighbour_mark}


def take(venue, orders, by, grandma=roll_call.PRESENT, neighbour=roll_call.ABSENT):
    return roll_call.take_roll_call(
        venue=venue,
        starts_at=orders[0].starts_at,
        marks=marks(grandma, neighbour, orders),
        by=by,
    )


def test_a_canteen_order_carries_the_venue_and_its_address_never_the_home_address(
    lunch_orders, canteen, grandma_li
):
    order = lunch_orders[0]
    assert order.venue == canteen
    assert order.address == "潍坊一村12号楼底层"
    assert grandma_li.address not in order.address
    assert order.starts_at == lunch_time(tomorrow())
    assert order.ends_at - order.starts_at == datetime.timedelta(minutes=60)


def test_the_sittings_places_limit_the_bookings(provider_a, weifang_1, grandma_li, daughter):
    venue = make_canteen(provider_a, weifang_1, places=1)
    meal = canteen_meal(provider_a, venue)
    slot = lunch_slot(meal, tomorrow())
    assert slot.capacity == 1
    book(daughter, slot, grandma_li)
    with pytest.raises(SlotFull):
        book(daughter, slot, grandma_li)
    assert Slot.objects.get(pk=slot.pk).booked == 1


def test_a_canteen_meal_has_one_slot_per_sitting_and_none_on_days_without_a_sitting(
    provider_a, weifang_1
):
    venue = make_canteen(provider_a, weifang_1, days=[0, 1, 2, 3, 4, 5])  # Mon–Sat
    meal = canteen_meal(provider_a, venue)
    starts = [timezone.localtime(s.starts_at) for s in Slot.objects.filter(service=meal)]
    assert starts
    assert {s.time() for s in starts} == {LUNCH}
    assert all(s.weekday() != 6 for s in starts)
    assert len({s.date() for s in starts}) == len(starts)


def test_a_new_sitting_makes_its_slots_at_once(
    provider_a, weifang_1, provider_manager, django_capture_on_commit_callbacks
):
    venue = make_canteen(provider_a, weifang_1, days=[])
    meal = canteen_meal(provider_a, venue)
    assert not Slot.objects.filter(service=meal).exists()
    with django_capture_on_commit_callbacks(execute=True):
        venues.add_sitting(
            venue=venue, by=provider_manager, weekday=2, starts_at=LUNCH, minutes=60, places=8
        )
    slots = Slot.objects.filter(service=meal)
    assert slots.exists()
    assert {(timezone.localtime(s.starts_at).weekday(), s.capacity) for s in slots} == {(2, 8)}


def test_present_is_verified_completed_and_after_closing_billed_on_the_statement(
    at_lunch, lunch_orders, canteen, provider_manager, bureau, provider_a
):
    result = take(canteen, lunch_orders, provider_manager)
    assert (result.present, result.absent, result.unchanged) == (1, 1, 0)
    grandma, neighbour = (Order.objects.get(pk=o.pk) for o in lunch_orders)
    assert grandma.status == Order.Status.COMPLETED
    assert Order.objects.filter(pk=grandma.pk).with_verified_visit().exists()
    kinds = set(grandma.visit_records.values_list("kind", "method"))
    assert kinds == {("check_in", "roll_call"), ("check_out", "roll_call")}
    # 72 hours later it closes as any visit does, and the purchaser is billed for it.
    services.close_overdue_orders(now=timezone.now() + datetime.timedelta(hours=73))
    grandma.refresh_from_db()
    assert grandma.status == Order.Status.CLOSED
    month = timezone.localdate(grandma.starts_at).replace(day=1)
    billed, held = billable_orders(bureau, provider_a, month)
    assert list(billed.values_list("pk", flat=True)) == [grandma.pk]
    assert neighbour.pk not in set(held.values_list("pk", flat=True))


def test_absent_is_a_no_show_of_the_resident_and_gives_the_subsidy_back(
    at_lunch, lunch_orders, canteen, community_staff, meal_programme
):
    neighbour = lunch_orders[1]
    usage_before = MonthlyUsage.objects.get(
        care_recipient=neighbour.care_recipient, programme=meal_programme
    ).used_fen
    take(canteen, lunch_orders, community_staff)  # community staff may take it too
    neighbour.refresh_from_db()
    assert neighbour.status == Order.Status.NO_SHOW
    assert neighbour.no_show_by == Order.Side.RESIDENT
    usage_after = MonthlyUsage.objects.get(
        care_recipient=neighbour.care_recipient, programme=meal_programme
    ).used_fen
    assert usage_before - usage_after == neighbour.subsidy_fen > 0
    assert not Order.objects.filter(pk=neighbour.pk).with_verified_visit().exists()


def test_taking_the_same_roll_call_twice_changes_nothing_the_second_time(
    at_lunch, lunch_orders, canteen, provider_manager, meal_programme
):
    take(canteen, lunch_orders, provider_manager)
    records = VisitRecord.objects.count()
    events = [o.events.count() for o in lunch_orders]
    usage = list(MonthlyUsage.objects.order_by("pk").values_list("used_fen", flat=True))
    again = take(canteen, lunch_orders, provider_manager)
    assert (again.present, again.absent, again.unchanged) == (0, 0, 2)
    assert VisitRecord.objects.count() == records
    assert [o.events.count() for o in lunch_orders] == events
    assert list(MonthlyUsage.objects.order_by("pk").values_list("used_fen", flat=True)) == usage


def test_a_present_mark_corrected_to_absent_before_closing_is_never_billed(
    at_lunch, lunch_orders, canteen, provider_manager, bureau, provider_a
):
    take(canteen, lunch_orders, provider_manager)
    result = take(canteen, lunch_orders, provider_manager, grandma=roll_call.ABSENT)
    assert (result.present, result.absent, result.unchanged) == (0, 1, 1)
    grandma = Order.objects.get(pk=lunch_orders[0].pk)
    assert grandma.status == Order.Status.NO_SHOW
    assert grandma.visit_records.filter(kind="correction").exists()
    assert grandma.events.last().action == "roll_call_absent"
    services.close_overdue_orders(now=timezone.now() + datetime.timedelta(hours=73))
    month = timezone.localdate(grandma.starts_at).replace(day=1)
    billed, _held = billable_orders(bureau, provider_a, month)
    assert not billed.exists()


def test_an_absent_mark_cannot_be_turned_into_present_and_nothing_is_marked(
    at_lunch, lunch_orders, canteen, provider_manager
):
    take(canteen, lunch_orders, provider_manager)
    with pytest.raises(OrdersError, match="王大爷 was marked absent already"):
        take(canteen, lunch_orders, provider_manager, neighbour=roll_call.PRESENT)
    assert Order.objects.get(pk=lunch_orders[1].pk).status == Order.Status.NO_SHOW


def test_a_closed_order_is_no_longer_corrected(at_lunch, lunch_orders, canteen, provider_manager):
    take(canteen, lunch_orders, provider_manager)
    services.close_overdue_orders(now=timezone.now() + datetime.timedelta(hours=73))
    with pytest.raises(OrdersError, match="closed or disputed"):
        take(canteen, lunch_orders, provider_manager, grandma=roll_call.ABSENT)


def test_the_roll_call_waits_for_the_sitting_to_begin(lunch_orders, canteen, provider_manager):
    with pytest.raises(OrdersError, match="once the sitting has begun"):
        take(canteen, lunch_orders, provider_manager)
    assert {o.status for o in Order.objects.filter(pk__in=[o.pk for o in lunch_orders])} == {
        Order.Status.CONFIRMED
    }


@pytest.mark.parametrize(
    "who", ["daughter", "caregiver", "other_provider_manager", "other_street_staff"]
)
def test_nobody_else_takes_the_roll_call(at_lunch, lunch_orders, canteen, cast, who):
    with pytest.raises(PermissionDenied):
        take(canteen, lunch_orders, cast[who])


def test_an_order_of_another_sitting_cannot_be_slipped_into_the_roll_call(
    at_lunch, lunch_orders, canteen, provider_manager, meal, daughter, grandma_li
):
    later = book(daughter, lunch_slot(meal, tomorrow() + datetime.timedelta(days=1)), grandma_li)
    with pytest.raises(OrdersError, match="not on this sitting's list"):
        roll_call.take_roll_call(
            venue=canteen,
            starts_at=lunch_orders[0].starts_at,
            marks={later.pk: roll_call.PRESENT},
            by=provider_manager,
        )


# The screens.


def sitting_url(venue, orders) -> str:
    when = timezone.localtime(orders[0].starts_at).strftime("%Y%m%d%H%M")
    return reverse("orders:roll_call_sitting", args=[venue.pk, when])


def test_the_manager_takes_the_roll_call_on_one_page_in_one_post(
    client, at_lunch, lunch_orders, canteen, provider_manager
):
    log_in(client, provider_manager)
    page = client.get(sitting_url(canteen, lunch_orders))
    assert page.status_code == 200
    body = page.content.decode()
    assert "李秀兰" in body and "王大爷" in body
    response = client.post(
        sitting_url(canteen, lunch_orders),
        {f"mark-{lunch_orders[0].pk}": "present", f"mark-{lunch_orders[1].pk}": "absent"},
        follow=True,
    )
    assert "到场 1 人，未到 1 人，未变 0 人" in response.content.decode()
    statuses = [Order.objects.get(pk=o.pk).status for o in lunch_orders]
    assert statuses == [Order.Status.COMPLETED, Order.Status.NO_SHOW]


def test_everyone_not_marked_present_in_one_press(
    client, at_lunch, lunch_orders, canteen, community_staff
):
    log_in(client, community_staff)
    client.post(sitting_url(canteen, lunch_orders), {"all_present": "1"})
    statuses = {Order.objects.get(pk=o.pk).status for o in lunch_orders}
    assert statuses == {Order.Status.COMPLETED}


def test_the_venues_page_lists_todays_sittings_for_those_who_take_roll_calls(
    client, at_lunch, canteen, provider_manager
):
    log_in(client, provider_manager)
    body = client.get(reverse("orders:venues")).content.decode()
    assert "幸福食堂" in body and "11:30" in body
    day = client.get(reverse("orders:roll_call_day", args=[canteen.pk]))
    assert day.status_code == 200 and "已预约 2 人" in day.content.decode()


@pytest.mark.parametrize("who", ["daughter", "caregiver", "other_provider_manager"])
def test_the_roll_call_pages_are_404_for_others(client, at_lunch, lunch_orders, canteen, cast, who):
    log_in(client, cast[who])
    assert client.get(sitting_url(canteen, lunch_orders)).status_code == 404
    post = client.post(sitting_url(canteen, lunch_orders), {"all_present": "1"})
    assert post.status_code == 404
    assert client.get(reverse("orders:roll_call_day", args=[canteen.pk])).status_code == 404
    assert "幸福食堂" not in client.get(reverse("orders:venues")).content.decode()
    assert {Order.objects.get(pk=o.pk).status for o in lunch_orders} == {Order.Status.CONFIRMED}


def test_the_order_and_booking_pages_show_the_venue_not_a_home_address(
    client, lunch_orders, meal, daughter
):
    log_in(client, daughter)
    order_page = client.get(lunch_orders[0].get_absolute_url()).content.decode()
    assert "幸福食堂" in order_page and "潍坊一村12号楼底层" in order_page
    booking = client.get(reverse("orders:book", args=[meal.pk])).content.decode()
    assert "幸福食堂" in booking
    assert 'name="address"' not in booking
