"""The order deadlines in orders.policy (pure functions, no database): the moment
before which a completed order is due to close, and a visit counts as missed."""

import datetime

from orders.policy import auto_close_cutoff, missed_visit_cutoff, request_expires_at

NOW = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


def test_an_order_completed_exactly_72_hours_ago_is_due_to_close_and_a_later_one_is_not():
    cutoff = auto_close_cutoff(now=NOW, close_after_hours=72)
    completed_at = NOW - 72 * HOUR
    assert completed_at <= cutoff
    assert completed_at + datetime.timedelta(seconds=1) > cutoff


def test_a_visit_is_missed_once_its_grace_after_the_start_has_passed():
    cutoff = missed_visit_cutoff(now=NOW, grace_minutes=30)
    started_at = NOW - datetime.timedelta(minutes=30)
    assert started_at <= cutoff
    assert started_at + datetime.timedelta(minutes=1) > cutoff


def test_an_unanswered_request_expires_after_the_answer_time_or_at_the_start():
    soon = NOW + 3 * HOUR
    later = NOW + 48 * HOUR
    assert request_expires_at(requested_at=NOW, starts_at=later, answer_within_hours=12) == (
        NOW + 12 * HOUR
    )
    assert request_expires_at(requested_at=NOW, starts_at=soon, answer_within_hours=12) == soon
