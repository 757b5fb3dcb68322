from django.tasks import task
from django.utils import timezone

from care.occurrences import make_all_occurrences


@task()
def make_plan_visits() -> int:
    """Daily: every active plan's visits up to CARE_PLAN_WEEKS_AHEAD weeks ahead."""
    return make_all_occurrences(today=timezone.localdate())
