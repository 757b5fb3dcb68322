"""The statement models moved from `billing` to `statements` with migrations that change only
Django's state. A database that holds an issued statement, written before the move, is
migrated forward: its lines keep their amounts and their freeze, and the new app reads them."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from statements import services
from statements.models import Adjustment, FrozenStatement, Statement, StatementLine

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LAST_BEFORE_THE_MOVE = ("billing", "0004_frozen_lines_trigger")
BEFORE_THE_MOVE = [LAST_BEFORE_THE_MOVE, ("statements", None)]


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def billing_before_the_move():
    """The database as it was before the move, and the historical models of that time; the
    database is back at the latest migration afterwards, whatever the test did."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_THE_MOVE)
    yield executor.loader.project_state(LAST_BEFORE_THE_MOVE).apps
    migrate_to_latest()


def test_an_issued_statement_written_before_the_move_is_read_by_the_new_app_and_stays_frozen(
    bureau, provider_a, district_officer, three_visits, month, billing_before_the_move
):
    # The visits are booked first, on today's schema (booking reads tables newer than the
    # move); only the statement rows are written the old way.
    old = billing_before_the_move
    OldStatement = old.get_model("billing", "Statement")
    OldLine = old.get_model("billing", "StatementLine")
    OldAdjustment = old.get_model("billing", "Adjustment")
    issued = OldStatement.objects.create(
        purchaser_id=bureau.pk,
        provider_id=provider_a.pk,
        month=month,
        status="issued",
        issued_at=timezone.now(),
        issued_by_id=district_officer.pk,
    )
    for order in three_visits:
        OldLine.objects.create(
            statement=issued,
            order_id=order.pk,
            kind="billed",
            programme_id=order.programme_id,
            order_code=order.code,
            service_title=order.title,
            recipient_name=order.care_recipient.name,
            community_name=order.community.name_zh,
            list_price_fen=order.list_price_fen,
            subsidy_fen=order.subsidy_fen,
            copay_fen=order.copay_fen,
        )
    corrected = OldLine.objects.filter(statement=issued).order_by("pk").first()
    next_draft = OldStatement.objects.create(
        purchaser_id=bureau.pk,
        provider_id=provider_a.pk,
        month=(month + datetime.timedelta(days=32)).replace(day=1),
    )
    OldAdjustment.objects.create(
        statement=next_draft,
        corrects=corrected,
        amount_fen=-800,
        reason="实际服务 60 分钟，按比例扣减",
        created_by_id=district_officer.pk,
    )

    migrate_to_latest()

    statement = Statement.objects.get(pk=issued.pk)
    lines = StatementLine.objects.filter(statement=statement)
    copied = lines.values_list("order_id", "list_price_fen", "subsidy_fen", "copay_fen")
    written = [(o.pk, o.list_price_fen, o.subsidy_fen, o.copay_fen) for o in three_visits]
    assert sorted(copied) == sorted(written)
    assert services.totals(statement).billed_fen == 12000
    adjustment = Adjustment.objects.get(corrects_id=corrected.pk)
    assert (adjustment.statement_id, adjustment.amount_fen) == (next_draft.pk, -800)
    assert services.totals(adjustment.statement).payable_fen == -800
    assert three_visits[0].statement_lines.get().statement == statement

    line = lines.get(pk=corrected.pk)
    line.subsidy_fen = 1
    with pytest.raises(FrozenStatement):
        line.save()
    for sql in (
        "UPDATE billing_statementline SET subsidy_fen = 1, list_price_fen = 2701 WHERE id = %s",
        "UPDATE billing_adjustment SET amount_fen = 0 WHERE corrects_id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [corrected.pk])
    assert StatementLine.objects.get(pk=corrected.pk).subsidy_fen == corrected.subsidy_fen
    assert Adjustment.objects.get(pk=adjustment.pk).amount_fen == -800

    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(StatementLine).app_label == "statements"
    assert not ContentType.objects.filter(app_label="billing", model="statementline").exists()
