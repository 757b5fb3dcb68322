"""The daily look at document expiry dates: warn 30 and 7 days before, each warning
once; on expiry suspend exactly what the document covered (the provider, or one worker)
until a new document is approved."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.notifications import translatable
from providers import wording
from providers.models import Provider, ProviderDocument, ProviderEvent, ProviderMember
from providers.moves import lock, move, record
from providers.services import expired_documents

Action = ProviderEvent.Action
APPROVED = ProviderDocument.Status.APPROVED


@dataclass
class ExpiryReport:
    warned: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    suspended_providers: list[int] = field(default_factory=list)
    suspended_workers: list[int] = field(default_factory=list)


def process_document_expiry(*, today: datetime.date) -> ExpiryReport:
    """Run by the daily job; safe to run any number of times a day."""
    report = ExpiryReport()
    for document_id in _due_for_warning(today):
        with transaction.atomic():
            if _warn(document_id, today):
                report.warned.append(document_id)
    expired_ids = ProviderDocument.objects.filter(
        status=APPROVED, expires_on__lt=today, expiry_handled_at__isnull=True
    ).values_list("pk", flat=True)
    for document_id in list(expired_ids):
        with transaction.atomic():
            _expire(document_id, today, report)
    return report


def _due_for_warning(today: datetime.date) -> list[int]:
    soon = today + datetime.timedelta(days=30)
    return list(
        ProviderDocument.objects.filter(
            status=APPROVED, expires_on__gte=today, expires_on__lte=soon
        )
        .filter(
            Q(warned_30_days_at__isnull=True)
            | Q(warned_7_days_at__isnull=True, expires_on__lte=today + datetime.timedelta(days=7))
        )
        .values_list("pk", flat=True)
    )


def _renewed(document: ProviderDocument) -> bool:
    """A later document of the same kind, still valid after this one, is held already."""
    return (
        ProviderDocument.objects.filter(
            provider=document.provider_id,
            member=document.member_id,
            kind=document.kind,
            expires_on__gt=document.expires_on,
        )
        .exclude(status=ProviderDocument.Status.REJECTED)
        .exists()
    )


def _warn(document_id: int, today: datetime.date) -> bool:
    document = ProviderDocument.objects.select_related("provider", "member__user").get(
        pk=document_id
    )
    days_left = (document.expires_on - today).days
    now = timezone.now()
    rows = ProviderDocument.objects.filter(pk=document_id)
    # Claim the warning with a conditional update, so a second run sends nothing.
    if days_left <= 7:
        claimed = rows.filter(warned_7_days_at__isnull=True).update(warned_7_days_at=now)
        # A first look this late also stands for the 30-day warning: one message, not two.
        rows.filter(warned_30_days_at__isnull=True).update(warned_30_days_at=now)
    else:
        claimed = rows.filter(warned_30_days_at__isnull=True).update(warned_30_days_at=now)
    if claimed != 1 or _renewed(document):
        return False
    worker = [document.member.user] if document.member else []
    wording.tell_managers(
        document.provider,
        wording.EXPIRES_SOON,
        extra_users=worker,
        document=translatable(document.get_kind_display()),
        date=document.expires_on.isoformat(),
    )
    return True


def _expire(document_id: int, today: datetime.date, report: ExpiryReport) -> None:
    claimed = ProviderDocument.objects.filter(
        pk=document_id, expiry_handled_at__isnull=True
    ).update(expiry_handled_at=timezone.now())
    if claimed != 1:
        return
    document = ProviderDocument.objects.select_related("provider", "member__user").get(
        pk=document_id
    )
    report.expired.append(document_id)
    provider = lock(document.provider)
    record(provider, Action.DOCUMENT_EXPIRED, by=None, document=document, member=document.member)
    if document.member is None:
        if provider.status == Provider.Status.APPROVED and expired_documents(
            provider, member=None, today=today
        ):
            provider.suspension_cause = Provider.SuspensionCause.DOCUMENT_EXPIRED
            move(provider, action=Action.SUSPENDED, by=None)
            report.suspended_providers.append(provider.pk)
            wording.tell_managers(
                provider,
                wording.EXPIRED_PROVIDER,
                document=translatable(document.get_kind_display()),
            )
        return
    member = (
        ProviderMember.objects.select_for_update().select_related("user").get(pk=document.member_id)
    )
    if member.suspended_at is None and expired_documents(provider, member=member, today=today):
        member.suspended_at = timezone.now()
        member.suspension_reason = document.kind
        member.save(update_fields=["suspended_at", "suspension_reason"])
        record(provider, Action.WORKER_SUSPENDED, by=None, member=member, document=document)
        report.suspended_workers.append(member.pk)
        wording.tell_managers(
            provider,
            wording.EXPIRED_WORKER,
            extra_users=[member.user],
            document=translatable(document.get_kind_display()),
            worker=str(member.user),
        )
