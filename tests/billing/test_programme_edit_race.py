"""On PostgreSQL: an officer saves a programme's form, opened before, while ten people book
against it at once (issue 17: "a programme edit racing a booking loses no reservation")."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts.models import Notification
from billing import services as billing_services
from billing.exceptions import BillingError
from billing.models import Programme
from marketplace.models import Slot
from orders.exceptions import OrdersError
from orders.models import Order
from tests.billing.conftest import eligible_families
from tests.orders.conftest import book

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_ten_bookings_racing_five_programme_edits_keep_every_reservation_and_alert_twice(
    bathing_slots, programme, weifang_1, district_officer
):
    # ¥1000 budget, ¥700 already held; each booking holds ¥48: six fit.
    Programme.objects.filter(pk=programme.pk).update(budget_fen=100_000, reserved_fen=70_000)
    slot = bathing_slots[0]
    Slot.objects.filter(pk=slot.pk).update(capacity=50)
    people = eligible_families(10, programme, weifang_1)
    # The officer's form, opened before anyone booked.
    opened = [Programme.objects.get(pk=programme.pk) for _ in range(5)]
    start = threading.Barrier(15)

    def booking(user, recipient):
        start.wait()
        try:
            return book(user, slot, recipient, expected_copay_fen=2700)
        except OrdersError as exc:
            return exc
        finally:
            connection.close()

    def edit(index):
        start.wait()
        try:
            return billing_services.update_programme(
                programme=opened[index],
                terms={"name_en": f"Bathing help, edit {index}"},
                categories=list(programme.categories.all()),
                by=district_officer,
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=15) as pool:
        bookings = [pool.submit(booking, *pair) for pair in people]
        edits = [pool.submit(edit, index) for index in range(5)]
        results = [future.result() for future in bookings]
        for future in edits:
            future.result()

    orders = [r for r in results if isinstance(r, Order)]
    assert len(orders) == 6
    programme.refresh_from_db()
    assert programme.name_en.startswith("Bathing help, edit ")
    assert programme.budget_fen == 100_000
    assert programme.reserved_fen == 70_000 + sum(o.subsidy_fen for o in orders) == 98_800
    # Crossed 80 % and 95 % once each, however the bookings interleaved.
    assert Notification.objects.filter(user=district_officer, kind="budget").count() == 2
    assert programme.alerted_percent == 95


def test_a_budget_cut_racing_bookings_never_leaves_more_reserved_than_the_budget(
    bathing_slots, programme, weifang_1, district_officer
):
    Programme.objects.filter(pk=programme.pk).update(budget_fen=100_000, reserved_fen=70_000)
    slot = bathing_slots[0]
    Slot.objects.filter(pk=slot.pk).update(capacity=50)
    people = eligible_families(6, programme, weifang_1, prefix="cut")
    start = threading.Barrier(7)

    def booking(user, recipient):
        start.wait()
        try:
            return book(user, slot, recipient, expected_copay_fen=2700)
        except OrdersError as exc:
            return exc
        finally:
            connection.close()

    def cut():
        start.wait()
        try:
            return billing_services.adjust_budget(
                programme=Programme.objects.get(pk=programme.pk),
                amount_fen=-10_000,
                reason="核减",
                by=district_officer,
            )
        except BillingError as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=7) as pool:
        bookings = [pool.submit(booking, *pair) for pair in people]
        cutting = pool.submit(cut)
        orders = [f.result() for f in bookings if isinstance(f.result(), Order)]
        cut_result = cutting.result()

    programme.refresh_from_db()
    held = 70_000 + sum(o.subsidy_fen for o in orders)
    assert programme.reserved_fen == held
    assert programme.reserved_fen + programme.spent_fen <= programme.budget_fen
    if isinstance(cut_result, BillingError):
        assert programme.budget_fen == 100_000
    else:
        assert programme.budget_fen == 90_000
        assert cut_result.budget_after_fen == 90_000
