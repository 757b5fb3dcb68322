"""The admission life of a provider as one table (pure, no database): each decision,
the statuses it may start from, and the status it leads to."""

from django.utils.translation import gettext_lazy as _

from providers.exceptions import ProvidersError
from providers.models import Provider, ProviderEvent

S = Provider.Status
A = ProviderEvent.Action

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    A.SUBMITTED: (frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.SUBMITTED),
    A.APPROVED: (frozenset({S.SUBMITTED}), S.APPROVED),
    A.REJECTED: (frozenset({S.SUBMITTED}), S.REJECTED),
    A.CHANGES_REQUESTED: (frozenset({S.SUBMITTED}), S.CHANGES_REQUESTED),
    A.SUSPENDED: (frozenset({S.APPROVED}), S.SUSPENDED),
    A.REINSTATED: (frozenset({S.SUSPENDED}), S.APPROVED),
}

# status → statuses reachable from it, derived from the table.
NEXT: dict[str, set[str]] = {status: set() for status in S.values}
for _sources, _target in TRANSITIONS.values():
    for _source in _sources:
        NEXT[_source].add(_target)


class TransitionNotAllowed(ProvidersError):
    def __init__(self, current: str, action: str):
        super().__init__(
            _("This provider is %(current)s: “%(action)s” is not possible now.")
            % {"current": S(current).label, "action": A(action).label}
        )


def target_of(action: str, current: str) -> str:
    sources, target = TRANSITIONS[action]
    if current not in sources:
        raise TransitionNotAllowed(current, action)
    return target
