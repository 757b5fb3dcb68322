"""Faults: the database connection dies in the middle of placing an order or issuing a
statement, and Redis is gone while orders change and people are told.

The connection is really killed: at a step after the operation's first write, another
connection calls `pg_terminate_backend` on ours, and the operation's next statement meets
a dead connection, as it would after a database restart or a network cut.
"""

import datetime
import logging
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError, connection, connections
from django.test import override_settings
from django.urls import reverse

from accounts.models import Notification
from billing.models import MonthlyUsage, Programme
from marketplace.models import Slot
from orders import services
from orders.models import Order, OrderEvent, Payment
from statements import services as statement_services
from statements.models import Statement, StatementLine
from tests.billing.conftest import make_eligible
from tests.orders.conftest import book, delivered
from tests.reliability.conftest import slot_of
from tests.reliability.rows import changed_counts, row_counts

DEAD = (OperationalError, InterfaceError)


def kill_my_connection() -> None:
    """End this thread's database session from another session."""
    pid = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone() == (True,)
    finally:
        other.close()


def dying_before(real):
    """`real`, but the connection is killed just before it runs."""

    def call(*args, **kwargs):
        kill_my_connection()
        return real(*args, **kwargs)

    return call


@pytest.fixture
def eligible_family(grandma_li, programme, daughter):
    grandma_li.birth_date = datetime.date(1940, 1, 1)
    grandma_li.save(update_fields=["birth_date"])
    make_eligible(grandma_li, programme)
    return daughter, grandma_li


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_dropped_while_placing_an_order_leaves_no_partial_rows(
    bathing, programme, eligible_family
):
    """The place, the subsidy reservation, the order and its event are written; the
    connection dies before the payment row. None of it may remain."""
    daughter, grandma = eligible_family
    slot = slot_of(bathing, capacity=3)
    before = row_counts()
    budget_before = Programme.objects.values_list("reserved_fen", flat=True).get(pk=programme.pk)

    with (
        mock.patch.object(
            Payment.objects, "create", side_effect=dying_before(Payment.objects.create)
        ) as payment_step,
        pytest.raises(DEAD),
    ):
        book(daughter, slot, grandma, expected_copay_fen=2700)
    connection.close()  # the next query opens a fresh connection

    assert payment_step.called
    assert changed_counts(before, row_counts()) == {}
    assert Slot.objects.get(pk=slot.pk).booked == 0
    assert Programme.objects.get(pk=programme.pk).reserved_fen == budget_before
    assert not MonthlyUsage.objects.filter(used_fen__gt=0).exists()
    # And the same booking goes through once the database is back.
    order = book(daughter, slot, grandma, expected_copay_fen=2700)
    assert (order.subsidy_fen, order.status) == (4800, Order.Status.PENDING_PAYMENT)
    assert Slot.objects.get(pk=slot.pk).booked == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_dropped_while_issuing_a_statement_leaves_it_a_draft_without_lines(
    bathing, bureau, programme, eligible_family, caregiver, district_officer, provider_a
):
    """The lines are inserted; the connection dies as the statement is marked issued."""
    daughter, grandma = eligible_family
    slot = slot_of(bathing, capacity=3)
    visit = delivered(book(daughter, slot, grandma), caregiver, daughter)
    draft = statement_services.open_statement(
        purchaser=bureau, provider=provider_a, month=visit.starts_at.date(), by=district_officer
    )
    billed, _held = statement_services.preview(draft)
    assert list(billed) == [visit]
    before = row_counts()

    real_save = Statement.save

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") and "issued_at" in kwargs["update_fields"]:
            assert StatementLine.objects.filter(statement=self).count() == 1  # written
            kill_my_connection()
        return real_save(self, *args, **kwargs)

    with mock.patch.object(Statement, "save", save), pytest.raises(DEAD):
        statement_services.issue_statement(statement=draft, by=district_officer)
    connection.close()

    assert changed_counts(before, row_counts()) == {}
    draft.refresh_from_db()
    assert (draft.status, draft.issued_at, draft.number) == (Statement.Status.DRAFT, None, None)
    # Issued again, it bills the visit once.
    issued = statement_services.issue_statement(statement=draft, by=district_officer)
    assert list(issued.lines.values_list("order_id", flat=True)) == [visit.pk]


DEAD_REDIS = "redis://127.0.0.1:9/0"  # the discard port: nothing listens there


@pytest.mark.django_db
@override_settings(
    CHANNEL_LAYERS={
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [DEAD_REDIS]},
        }
    }
)
def test_with_redis_gone_order_changes_and_notifications_are_kept_and_pages_poll(
    client,
    cleaning,
    daughter,
    grandma_li,
    provider_manager,
    caplog,
    django_capture_on_commit_callbacks,
):
    slot = slot_of(cleaning, capacity=2)
    order = book(daughter, slot, grandma_li)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.REQUESTED)
    order.refresh_from_db()

    with (
        caplog.at_level(logging.WARNING),
        django_capture_on_commit_callbacks(execute=True) as pushes,
    ):
        services.accept_order(order=order, by=provider_manager)

    # The live pushes ran after commit and failed (Redis was really asked), quietly.
    assert pushes
    assert any("failed" in record.getMessage() for record in caplog.records)
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED
    assert order.events.filter(action="accept").count() == 1
    told = Notification.objects.filter(user=daughter, url=order.get_absolute_url())
    assert told.count() == 1

    # What the pages fall back to: the order page polls its live part, every page polls
    # the unread count; both show the change.
    client.force_login(daughter)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "js/order_live.js" in page and "js/live.js" in page
    live = client.get(reverse("orders:live", args=[order.code]))
    assert live.status_code == 200
    assert str(Order.Status.CONFIRMED.label) in live.content.decode()
    unread = client.get(reverse("accounts:notifications_unread")).json()
    assert unread["unread"] == 1
    assert unread["latest"][0]["url"] == order.get_absolute_url()
    assert OrderEvent.objects.filter(order=order).count() == 2


DEAD_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": DEAD_REDIS}
}


@pytest.mark.django_db
def test_with_the_redis_cache_gone_too_signed_in_pages_still_answer(client, daughter):
    client.force_login(daughter)
    client.raise_request_exception = False
    with override_settings(CACHES=DEAD_CACHE):
        answers = [
            client.get(url).status_code
            for url in (reverse("accounts:notifications_unread"), reverse("orders:mine"))
        ]
    assert answers == [200, 200]
