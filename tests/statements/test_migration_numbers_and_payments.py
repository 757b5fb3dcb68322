"""Migration 0003 gives statements issued before numbers existed their numbers, in the order
their purchaser issued them, and turns each recorded payment into its first payment record."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from statements import payments
from statements.models import PaymentRecord, Statement

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BEFORE = [("statements", "0002_visit_review")]


@pytest.fixture
def statements_before_numbers(db):
    """The historical models before migration 0003; the database is back at the latest
    migration afterwards, whatever the test did."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_issued_statements_get_numbers_in_issue_order_and_paid_ones_a_payment_record(
    bureau, provider_a, district_officer, other_provider_manager, statements_before_numbers
):
    old = statements_before_numbers.get_model("statements", "Statement")
    november, december = datetime.date(2026, 11, 1), datetime.date(2026, 12, 1)
    other_provider = other_provider_manager.provider_memberships.get().provider
    now = timezone.now()

    def old_statement(provider, month, status, issued_minutes_ago, **fields):
        return old.objects.create(
            purchaser_id=bureau.pk,
            provider_id=provider.pk,
            month=month,
            status=status,
            issued_at=now - datetime.timedelta(minutes=issued_minutes_ago),
            issued_by_id=district_officer.pk,
            **fields,
        )

    issued_second = old_statement(provider_a, november, "issued", 10)
    paid_first = old_statement(
        other_provider,
        november,
        "paid",
        60,
        approved_at=now,
        approved_by_id=district_officer.pk,
        paid_on=datetime.date(2026, 11, 5),
        payment_reference="ZF-OLD",
        paid_recorded_by_id=district_officer.pk,
    )
    december_one = old_statement(provider_a, december, "issued", 5)
    draft = old.objects.create(
        purchaser_id=bureau.pk, provider_id=provider_a.pk, month=datetime.date(2027, 1, 1)
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    prefix = f"{bureau.region.code}-{bureau.pk:02d}"
    numbers = dict(Statement.objects.values_list("pk", "number"))
    assert numbers == {
        paid_first.pk: f"{prefix}-202611-001",
        issued_second.pk: f"{prefix}-202611-002",
        december_one.pk: f"{prefix}-202612-001",
        draft.pk: None,
    }
    record = PaymentRecord.objects.get()
    assert (record.statement_id, record.paid_on, record.reference, record.recorded_by) == (
        paid_first.pk,
        datetime.date(2026, 11, 5),
        "ZF-OLD",
        district_officer,
    )
    assert payments.current_payment(Statement.objects.get(pk=paid_first.pk)) == record
