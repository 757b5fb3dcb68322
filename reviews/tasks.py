import datetime

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from providers.grading import previous_quarter, quarter_of
from reviews import grading, services, spotchecks


@task()
def complaint_clock() -> int:
    """Every few minutes: flag complaints past their answer time to the street."""
    return services.flag_overdue_complaints(now=timezone.now())


@task()
def ask_beneficiaries() -> int:
    """Daily: ask the families of a sample of subsidised visits closed in the last week
    (a week, so a day the job did not run is caught up)."""
    return services.request_feedback(
        since=timezone.now() - datetime.timedelta(days=7),
        percent=settings.FEEDBACK_SAMPLE_PERCENT,
    )


@task()
def draw_call_backs() -> int:
    """Daily: the day's call-back list of spot checks (decision 0037)."""
    return spotchecks.draw_call_backs(day=timezone.localdate())


@task()
def propose_grades() -> int:
    """Daily, effective once a quarter: propose grades for the quarter just ended."""
    return grading.grade_quarter(previous_quarter(quarter_of(timezone.localdate())))
