"""The periodic grade formula (pure, no database). docs/decisions/0012-grades.md explains
it; tests/providers/test_grading.py walks a table of cases."""

import datetime
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class QuarterFigures:
    visits: int = 0  # visits that took place (completed or closed)
    rating_average: float | None = None  # published reviews, 1–5
    rating_count: int = 0
    upheld_complaints: int = 0
    provider_no_shows: int = 0
    late_check_ins: int = 0  # more than 15 minutes after the start
    verification_exceptions: int = 0  # closed without a verified visit, or corrected records
    negative_feedback: int = 0  # "no, it did not happen as recorded" or "asked to pay extra"
    expired_documents: int = 0
    failed_spot_checks: int = 0  # staff's checks of its visits or of itself that failed

    def as_dict(self) -> dict:
        return asdict(self)


def per_hundred(count: int, visits: int) -> int:
    """Events per 100 visits, so small and large providers are judged alike."""
    return count * 100 // max(visits, 1)


def score(figures: QuarterFigures) -> int:
    """100 points, less penalties, each capped so no single figure decides alone.

    1. Ratings: 10 points per star below 5 on the average (at most 40); no ratings, none.
    2. Upheld complaints: 2 points per complaint per 100 visits (at most 20).
    3. Provider no-shows: 2 points each per 100 visits (at most 20).
    4. Late check-ins: 1 point each per 100 visits (at most 10).
    5. Verification exceptions: 1 point each per 100 visits (at most 10).
    6. Negative beneficiary feedback: 3 points each per 100 visits (at most 20).
    7. Expired documents: 10 points each (at most 20).
    8. Failed spot checks: 3 points each per 100 visits (at most 20), as negative feedback.
    """
    rating = 0
    if figures.rating_count and figures.rating_average is not None:
        rating = min(40, round((5 - figures.rating_average) * 10))
    visits = figures.visits
    penalty = (
        rating
        + min(20, 2 * per_hundred(figures.upheld_complaints, visits))
        + min(20, 2 * per_hundred(figures.provider_no_shows, visits))
        + min(10, per_hundred(figures.late_check_ins, visits))
        + min(10, per_hundred(figures.verification_exceptions, visits))
        + min(20, 3 * per_hundred(figures.negative_feedback, visits))
        + min(20, 10 * figures.expired_documents)
        + min(20, 3 * per_hundred(figures.failed_spot_checks, visits))
    )
    return max(0, 100 - penalty)


GRADES = "ABCD"  # best first


def grade_for(points: int) -> str:
    if points >= 90:
        return "A"
    if points >= 75:
        return "B"
    if points >= 60:
        return "C"
    return "D"


def quarter_of(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter(quarter: datetime.date) -> datetime.date:
    month = quarter.month + 3
    return datetime.date(quarter.year + (month > 12), (month - 1) % 12 + 1, 1)


def previous_quarter(quarter: datetime.date) -> datetime.date:
    month = quarter.month - 3
    return datetime.date(quarter.year - (month < 1), (month - 1) % 12 + 1, 1)
