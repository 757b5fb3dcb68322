from django.tasks import task
from django.utils import timezone

from marketplace import services
from marketplace.slots import materialise_all


@task()
def extend_slots() -> int:
    """Daily: keep every published service bookable six weeks ahead."""
    return materialise_all(today=timezone.localdate())


@task()
def reindex_renamed() -> int:
    """Every few minutes: a renamed provider is found under its new name."""
    return services.reindex_renamed()
