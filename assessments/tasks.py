from django.tasks import task
from django.utils import timezone

from assessments.services import send_reassessment_reminders


@task()
def remind_reassessments() -> int:
    """Daily: assessments lapsing within ASSESSMENT_REMINDER_DAYS."""
    return send_reassessment_reminders(today=timezone.localdate())
