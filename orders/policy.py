"""Pure rules about money and time for orders: refunds under the cancellation policy,
and the deadlines that close or expire an order. No database."""

import datetime
from dataclasses import dataclass

from marketplace.money import percent_of


@dataclass(frozen=True)
class RefundDecision:
    refund_fen: int
    fee_fen: int
    rule: str  # which line of the policy applied, for the receipt and the audit trail


def refund_for_cancellation(
    *,
    paid_fen: int,
    starts_at: datetime.datetime,
    cancelled_at: datetime.datetime,
    by_provider: bool,
    free_cancel_hours: int,
    late_cancel_fee_percent: int,
) -> RefundDecision:
    """What goes back to the resident when an order is cancelled.

    1. The provider cancels (or declines, or lets the request expire): everything.
    2. The resident cancels at least `free_cancel_hours` before the start: everything.
    3. Later than that (even after the start): the fee is kept, rounded down to the fen so
       the remainder goes back to the resident.
    """
    if paid_fen <= 0:
        return RefundDecision(0, 0, "nothing_paid")
    if by_provider:
        return RefundDecision(paid_fen, 0, "provider_cancelled")
    if starts_at - cancelled_at >= datetime.timedelta(hours=free_cancel_hours):
        return RefundDecision(paid_fen, 0, "free_cancellation")
    fee = percent_of(paid_fen, late_cancel_fee_percent)
    return RefundDecision(paid_fen - fee, fee, "late_cancellation")


def refund_for_no_show(
    *, paid_fen: int, provider_absent: bool, late_cancel_fee_percent: int
) -> RefundDecision:
    """The provider did not come: everything back. Nobody opened the door: the late
    cancellation fee is kept, as if cancelled at the last minute."""
    if paid_fen <= 0:
        return RefundDecision(0, 0, "nothing_paid")
    if provider_absent:
        return RefundDecision(paid_fen, 0, "provider_absent")
    fee = percent_of(paid_fen, late_cancel_fee_percent)
    return RefundDecision(paid_fen - fee, fee, "resident_absent")


def request_expires_at(
    *, requested_at: datetime.datetime, starts_at: datetime.datetime, answer_within_hours: int
) -> datetime.datetime:
    """An unanswered request gives its place back after the answer time, or at the start
    of the slot if that comes first."""
    return min(requested_at + datetime.timedelta(hours=answer_within_hours), starts_at)


def auto_close_cutoff(*, now: datetime.datetime, close_after_hours: int) -> datetime.datetime:
    """A completed order that nobody confirms or disputes closes `close_after_hours` after
    completion: those completed at or before the moment returned are due at `now`."""
    return now - datetime.timedelta(hours=close_after_hours)


def missed_visit_cutoff(*, now: datetime.datetime, grace_minutes: int) -> datetime.datetime:
    """A visit nobody has checked in to counts as missed `grace_minutes` after its start:
    those starting at or before the moment returned are missed at `now`."""
    return now - datetime.timedelta(minutes=grace_minutes)


@dataclass(frozen=True)
class VisitMeasure:
    """A visit's check-in and check-out against what was booked, and what is wrong with it
    under the limits (ADR 0019). Empty `findings`: nothing to review."""

    booked_minutes: int
    stayed_minutes: int
    check_in_offset_minutes: int  # negative: early
    findings: tuple[str, ...]


SHORT, LONG, FAR_FROM_START = "short", "long", "far_from_start"


def measure_visit(
    *,
    booked_start: datetime.datetime,
    booked_end: datetime.datetime,
    checked_in: datetime.datetime,
    checked_out: datetime.datetime,
    shortest_percent: int,
    longest_percent: int,
    check_in_within_minutes: int,
) -> VisitMeasure:
    """Limits are inclusive: a visit of exactly the shortest share, or checked in exactly the
    allowed minutes from the start, passes. Compared in whole seconds, no rounding."""
    booked = int((booked_end - booked_start).total_seconds())
    stayed = int((checked_out - checked_in).total_seconds())
    offset = int((checked_in - booked_start).total_seconds())
    findings = []
    if stayed * 100 < booked * shortest_percent:
        findings.append(SHORT)
    if stayed * 100 > booked * longest_percent:
        findings.append(LONG)
    if abs(offset) > check_in_within_minutes * 60:
        findings.append(FAR_FROM_START)
    return VisitMeasure(
        booked_minutes=booked // 60,
        stayed_minutes=max(stayed, 0) // 60,
        check_in_offset_minutes=int(offset / 60),
        findings=tuple(findings),
    )
