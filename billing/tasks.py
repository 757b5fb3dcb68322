from django.tasks import task
from django.utils import timezone

from billing.services import send_renewal_reminders


@task()
def remind_eligibility_renewals() -> int:
    """Daily: eligibilities ending within 30 days."""
    return send_renewal_reminders(today=timezone.localdate())
