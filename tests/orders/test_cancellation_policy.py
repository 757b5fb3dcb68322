"""The refund rule, as a table (pure function, no database)."""

import datetime

import pytest

from orders.policy import refund_for_cancellation, refund_for_no_show

START = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)


def hours_before(hours: float) -> datetime.datetime:
    return START - datetime.timedelta(hours=hours)


@pytest.mark.parametrize(
    ("paid", "cancelled_at", "by_provider", "fee_percent", "refund", "fee", "rule"),
    [
        (12000, hours_before(48), False, 30, 12000, 0, "free_cancellation"),
        (12000, hours_before(24), False, 30, 12000, 0, "free_cancellation"),
        (12000, hours_before(23.99), False, 30, 8400, 3600, "late_cancellation"),
        (12000, hours_before(1), False, 30, 8400, 3600, "late_cancellation"),
        (12000, hours_before(-2), False, 30, 8400, 3600, "late_cancellation"),
        (12000, hours_before(1), True, 30, 12000, 0, "provider_cancelled"),
        (12000, hours_before(1), False, 0, 12000, 0, "late_cancellation"),
        (12000, hours_before(1), False, 100, 0, 12000, "late_cancellation"),
        # A fee of 33% of ¥0.01 rounds down: the resident keeps the remainder.
        (1, hours_before(1), False, 33, 1, 0, "late_cancellation"),
        (999, hours_before(1), False, 33, 670, 329, "late_cancellation"),
        (0, hours_before(1), False, 30, 0, 0, "nothing_paid"),
    ],
)
def test_the_refund_follows_the_policy_to_the_fen(
    paid, cancelled_at, by_provider, fee_percent, refund, fee, rule
):
    decision = refund_for_cancellation(
        paid_fen=paid,
        starts_at=START,
        cancelled_at=cancelled_at,
        by_provider=by_provider,
        free_cancel_hours=24,
        late_cancel_fee_percent=fee_percent,
    )
    assert (decision.refund_fen, decision.fee_fen, decision.rule) == (refund, fee, rule)
    assert decision.refund_fen + decision.fee_fen == paid


@pytest.mark.parametrize(
    ("provider_absent", "refund", "fee"),
    [(True, 12000, 0), (False, 8400, 3600)],
)
def test_a_missed_visit_refunds_by_who_was_absent(provider_absent, refund, fee):
    decision = refund_for_no_show(
        paid_fen=12000, provider_absent=provider_absent, late_cancel_fee_percent=30
    )
    assert (decision.refund_fen, decision.fee_fen) == (refund, fee)
