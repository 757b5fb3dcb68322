from django.tasks import task
from django.utils import timezone

from marketplace.slots import materialise_all


@task()
def extend_slots() -> int:
    """Daily: keep every published service bookable six weeks ahead."""
    return materialise_all(today=timezone.localdate())
