from django.core.management.base import BaseCommand

from marketplace.tasks import extend_slots
from providers.tasks import check_document_expiry

# Every app's once-a-day task; cron runs this command once a day.
DAILY_TASKS = [check_document_expiry, extend_slots]


class Command(BaseCommand):
    help = "Queue the daily background jobs (document expiry, ...). Run once a day from cron."

    def handle(self, *args, **options):
        for daily_task in DAILY_TASKS:
            result = daily_task.enqueue()
            self.stdout.write(f"queued {daily_task.name}: {result.id}")
