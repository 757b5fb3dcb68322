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


def missing_papers(member: ProviderMember, service: Service, on: datetime.date) -> list[str]:
    required = worker_documents_for(service)
    held = set(
        member.documents.filter(
            kind__in=required, status=ProviderDocument.Status.APPROVED, expires_on__gte=on
        ).values_list("kind", flat=True)
    )
    return [kind for kind in required if kind not in held]


def worker_is_qualified(member: ProviderMember, service: Service, on: datetime.date) -> bool:
    return member.suspended_at is None and not missing_papers(member, service, on)


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
