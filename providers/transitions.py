"""The admission life of a provider as one table (pure, no database): each decision,
the statuses it may start from, and the status it leads to."""

from django.utils.translation import gettext_lazy as _

from providers.exceptions import ProvidersError
from providers.models import Provider, ProviderEvent

Status = Provider.Status
Action = ProviderEvent.Action

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    Action.SUBMITTED: (frozenset({Status.DRAFT, Status.CHANGES_REQUESTED}), Status.SUBMITTED),
    Action.APPROVED: (frozenset({Status.SUBMITTED}), Status.APPROVED),
    Action.REJECTED: (frozenset({Status.SUBMITTED}), Status.REJECTED),
    Action.CHANGES_REQUESTED: (frozenset({Status.SUBMITTED}), Status.CHANGES_REQUESTED),
    Action.SUSPENDED: (frozenset({Status.APPROVED}), Status.SUSPENDED),
    Action.REINSTATED: (frozenset({Status.SUSPENDED}), Status.APPROVED),
}

# status → statuses reachable from it, derived from the table.
NEXT: dict[str, set[str]] = {status: set() for status in Status.values}
for _sources, _target in TRANSITIONS.values():
    for _source in _sources:
        NEXT[_source].add(_target)


class TransitionNotAllowed(ProvidersError):
    def __init__(self, current: str, action: str):
        super().__init__(
            _("This provider is %(current)s: “%(action)s” is not possible now.")
            % {"current": Status(current).label, "action": Action(action).label}
        )


def target_of(action: str, current: str) -> str:
    sources, target = TRANSITIONS[action]
    if current not in sources:
        raise TransitionNotAllowed(current, action)
    return target
