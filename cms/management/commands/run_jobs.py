import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from cms.jobs import DAILY, FREQUENT


class Command(BaseCommand):
    help = (
        "Queue the recurring jobs: the frequent ones always, the daily ones with --daily. "
        "--loop N keeps doing so every N seconds (daily ones once a day), for the demo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--daily", action="store_true", help="also queue the daily jobs")
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS")

    def handle(self, *args, daily: bool, loop: int, **options):
        last_daily = None
        while True:
            today = timezone.localdate()
            jobs = list(FREQUENT)
            if daily or (loop and last_daily != today):
                jobs += DAILY
                last_daily = today
            for job in jobs:
                result = job.enqueue()
                if options["verbosity"] > 1 or not loop:
                    self.stdout.write(f"queued {job.name}: {result.id}")
            if not loop:
                return
            time.sleep(loop)
