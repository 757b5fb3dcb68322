"""Who may be sent on a visit, and who may still go: a worker of the order's provider, not
suspended, holding every document the service's category and the service ask for, valid
on the day of the visit (ADR 0020). Assignment, check-in and the assign list all ask here."""

import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.models import Service
from marketplace.worker_papers import worker_documents_for
from orders.models import Order
from providers.models import DocumentKind, Provider, ProviderDocument, ProviderMember


def _valid(kind: str, on: datetime.date):
    return ProviderDocument.objects.filter(
        member=OuterRef("pk"),
        kind=kind,
        status=ProviderDocument.Status.APPROVED,
        expires_on__gte=on,
    )


def qualified_workers(provider: Provider, service: Service, on: datetime.date) -> QuerySet:
    """The provider's members who may be sent on this service on this day."""
    members = provider.members.filter(suspended_at__isnull=True)
    for kind in worker_documents_for(service):
        members = members.filter(Exists(_valid(kind, on)))
    return members


def papers_of(member_ids, *, valid_on: datetime.date) -> dict[int, dict[str, datetime.date]]:
    """Each member's approved papers still valid on `valid_on`: kind → latest expiry."""
    papers: dict[int, dict[str, datetime.date]] = {}
    for member_id, kind, expires_on in ProviderDocument.objects.filter(
        member_id__in=member_ids,
        status=ProviderDocument.Status.APPROVED,
        expires_on__gte=valid_on,
    ).values_list("member_id", "kind", "expires_on"):
        held = papers.setdefault(member_id, {})
        held[kind] = max(expires_on, held.get(kind, expires_on))
    return papers


def missing_from(
    papers: dict[str, datetime.date], service: Service, on: datetime.date
) -> list[str]:
    """The kinds the service asks for that these papers (kind → expiry) lack on `on`."""
    return [
        kind for kind in worker_documents_for(service) if kind not in papers or papers[kind] < on
    ]


def missing_papers(member: ProviderMember, service: Service, on: datetime.date) -> list[str]:
    return missing_from(papers_of([member.pk], valid_on=on).get(member.pk, {}), service, on)


def worker_is_qualified(
    member: ProviderMember,
    service: Service,
    on: datetime.date,
    *,
    papers: dict[int, dict[str, datetime.date]] | None = None,
) -> bool:
    """`papers`: every worker's loaded at once (`papers_of`, the daily run of plans)."""
    if member.suspended_at is not None:
        return False
    if papers is None:
        return not missing_papers(member, service, on)
    return not missing_from(papers.get(member.pk, {}), service, on)


def why_not_sendable(member: ProviderMember, order: Order) -> str:
    """Why this worker may not do this visit, in words; empty if they may."""
    if member.suspended_at is not None:
        return _("%(worker)s is suspended (%(reason)s) and cannot be sent on visits.") % {
            "worker": member.user,
            "reason": member.suspension_label or "—",
        }
    missing = missing_papers(member, order.service, timezone.localdate(order.starts_at))
    if missing:
        return _("%(worker)s needs a valid %(documents)s for this service.") % {
            "worker": member.user,
            "documents": "、".join(str(DocumentKind(kind).label) for kind in missing),
        }
    return ""
