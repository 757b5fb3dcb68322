"""The only doors to changes of providers: registration, documents, admission review,
suspension, members. Each runs in one transaction, checks who may act, and writes one
`ProviderEvent` per decision."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model

from accounts.models import User
from accounts.notifications import translatable
from providers import wording
from providers.access import can_manage_provider, may_decide_application, may_vet
from providers.areas import set_communities
from providers.exceptions import ProvidersError
from providers.grading import grade_for, previous_quarter, score
from providers.models import (
    DocumentKind,
    Provider,
    ProviderDocument,
    ProviderEvent,
    ProviderGrade,
    ProviderMember,
    ProviderPhoto,
)
from providers.moves import lock, move, record
from providers.rules import missing_kinds, required_for_provider, required_for_worker
from providers.transitions import target_of
from providers.uploads import check_document_upload, check_photo_upload, without_metadata

Action = ProviderEvent.Action
# Fields that identify the organisation: fixed once staff have approved it.
LEGAL_FIELDS = ("kind", "legal_name", "credit_code")
EDITABLE_FIELDS = (
    "name",
    "legal_name",
    "credit_code",
    "description_zh",
    "description_en",
    "contact_name",
    "contact_phone",
    "contact_email",
    "address",
)
# Settings a manager changes after registering: how families pay self-paid care plan visits
# (decision 0029).
SETTING_FIELDS = ("plan_payment",)


def _require_reason(reason: str, message) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ProvidersError(message)
    return reason


@transaction.atomic
def register_provider(*, by: User, kind: str, name: str, communities, **details) -> Provider:
    """Someone registers their organisation; they become its owner. Nothing is public yet."""
    if kind not in Provider.Kind.values:
        raise ProvidersError(_("Please choose the kind of organisation."))
    communities = list(communities)
    if not communities or any(c.level != "community" for c in communities):
        raise ProvidersError(_("Please choose at least one community you serve."))
    unknown = set(details) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not provider details: {sorted(unknown)}")
    provider = Provider.objects.create(kind=kind, name=name, **details)
    provider.communities.set(communities)
    owner = ProviderMember.objects.create(
        provider=provider, user=by, role=ProviderMember.Role.OWNER
    )
    record(provider, Action.REGISTERED, by=by, after=Provider.Status.DRAFT, member=owner)
    return provider


@transaction.atomic
def update_provider(*, provider: Provider, by: User, communities=None, **details) -> Provider:
    """A manager edits the organisation's details (and how families pay care plan visits);
    legal details only before approval. A community added after approval waits for its
    staff (providers.areas)."""
    provider = lock(provider)
    if not can_manage_provider(by, provider.pk):
        raise PermissionDenied
    unknown = set(details) - set(EDITABLE_FIELDS) - set(SETTING_FIELDS)
    if unknown:
        raise ValueError(f"not provider details: {sorted(unknown)}")
    editable_legal = provider.status in {Provider.Status.DRAFT, Provider.Status.CHANGES_REQUESTED}
    changed_legal = [
        field
        for field in LEGAL_FIELDS
        if field in details and details[field] != getattr(provider, field)
    ]
    if changed_legal and not editable_legal:
        raise ProvidersError(
            _(
                "The legal name and credit code cannot change after review; "
                "please contact your community."
            )
        )
    if details.get("plan_payment", Provider.PlanPayment.EITHER) not in Provider.PlanPayment.values:
        raise ValueError("not a way to pay plan visits")
    for field, value in details.items():
        setattr(provider, field, value)
    provider.save(update_fields=list(details))
    if communities is not None:
        set_communities(provider, by=by, wanted=list(communities))
    return provider


def _held_expiries(provider: Provider, *, member: ProviderMember | None, statuses) -> dict:
    """kind → latest expiry among this provider's (or worker's) documents in `statuses`."""
    held: dict[str, datetime.date] = {}
    documents = provider.documents.filter(member=member, status__in=statuses)
    for kind, expires_on in documents.values_list("kind", "expires_on"):
        if held.get(kind) is None or expires_on > held[kind]:
            held[kind] = expires_on
    return held


def missing_documents(provider: Provider, *, today: datetime.date | None = None) -> list[str]:
    """Organisation documents still needed before the application can be reviewed."""
    today = today or timezone.localdate()
    held = _held_expiries(
        provider,
        member=None,
        statuses=[ProviderDocument.Status.PENDING, ProviderDocument.Status.APPROVED],
    )
    return missing_kinds(required_for_provider(provider.kind), held, today)


def expired_documents(
    provider: Provider, *, member: ProviderMember | None, today: datetime.date
) -> list[str]:
    """Kinds the provider (or, given `member`, that worker) must hold and holds no approved
    document of that is valid on `today`."""
    held = _held_expiries(provider, member=member, statuses=[ProviderDocument.Status.APPROVED])
    required = (
        required_for_worker(gives_eldercare=member.gives_eldercare)
        if member
        else required_for_provider(provider.kind)
    )
    return missing_kinds(required, held, today)


@transaction.atomic
def upload_document(
    *,
    provider: Provider,
    by: User,
    kind: str,
    upload: UploadedFile,
    expires_on: datetime.date,
    member: ProviderMember | None = None,
) -> ProviderDocument:
    """A manager (or a worker, for their own papers) uploads a document with its expiry."""
    provider = lock(provider)
    own_papers = member is not None and member.user_id == by.pk
    if not (can_manage_provider(by, provider.pk) or own_papers):
        raise PermissionDenied
    if member is not None and member.provider_id != provider.pk:
        raise PermissionDenied
    if provider.status == Provider.Status.REJECTED:
        raise ProvidersError(_("This application was rejected; documents can no longer be added."))
    allowed = (
        required_for_worker(gives_eldercare=True)
        if member
        else required_for_provider(provider.kind)
    )
    if kind not in allowed:
        raise ProvidersError(
            _("%(document)s is not one of the documents asked for here.")
            % {"document": DocumentKind(kind).label if kind in DocumentKind.values else kind}
        )
    if expires_on <= timezone.localdate():
        raise ProvidersError(_("This document has already expired; please upload a valid one."))
    checked = check_document_upload(upload)
    document = ProviderDocument(
        provider=provider,
        member=member,
        kind=kind,
        content_type=checked.content_type,
        original_name=(upload.name or "")[:200],
        size_bytes=checked.size_bytes,
        expires_on=expires_on,
        uploaded_by=by,
    )
    document.file.save(checked.stored_name, upload, save=False)
    try:
        document.save()
        record(provider, Action.DOCUMENT_UPLOADED, by=by, document=document, member=member)
    except BaseException:
        document.file.delete(save=False)  # no file without its row
        raise
    return document


@transaction.atomic
def submit_application(*, provider: Provider, by: User) -> Provider:
    """A manager sends the application (details and documents) to community staff."""
    provider = lock(provider)
    if not can_manage_provider(by, provider.pk):
        raise PermissionDenied
    target_of(Action.SUBMITTED, provider.status)  # a wrong moment is said before what is missing
    problems = []
    if not provider.legal_name or not provider.credit_code:
        problems.append(_("the legal name and the unified social credit code"))
    if not provider.contact_phone:
        problems.append(_("a contact phone number"))
    problems.extend(DocumentKind(kind).label for kind in missing_documents(provider))
    if problems:
        raise ProvidersError(
            _("Before submitting, please add: %(missing)s.")
            % {"missing": "; ".join(str(p) for p in problems)}
        )
    move(provider, action=Action.SUBMITTED, by=by)
    wording.tell_staff_application_waits(provider)
    return provider


@transaction.atomic
def approve_application(*, provider: Provider, by: User, note: str = "") -> Provider:
    """Community staff whose scope covers all its communities admit the provider: its
    pending documents are approved with it."""
    provider = lock(provider)
    if not may_decide_application(by, provider):
        raise PermissionDenied
    target_of(Action.APPROVED, provider.status)  # refuse before looking at documents
    missing = missing_documents(provider)
    if missing:
        raise ProvidersError(
            _("Documents are missing or expired: %(missing)s.")
            % {"missing": "; ".join(str(DocumentKind(kind).label) for kind in missing)}
        )
    now = timezone.now()
    provider.documents.filter(member=None, status=ProviderDocument.Status.PENDING).update(
        status=ProviderDocument.Status.APPROVED, reviewed_by=by, reviewed_at=now
    )
    move(provider, action=Action.APPROVED, by=by, reason=note.strip())
    wording.tell_managers(provider, wording.APPROVED)
    return provider


@transaction.atomic
def reject_application(*, provider: Provider, by: User, reason: str) -> Provider:
    """Community staff refuse admission, saying why."""
    reason = _require_reason(reason, _("Please say why the application is rejected."))
    provider = lock(provider)
    if not may_decide_application(by, provider):
        raise PermissionDenied
    move(provider, action=Action.REJECTED, by=by, reason=reason)
    wording.tell_managers(provider, wording.REJECTED, reason=reason)
    return provider


@transaction.atomic
def request_changes(*, provider: Provider, by: User, note: str) -> Provider:
    """Community staff send the application back with a note of what to change."""
    note = _require_reason(note, _("Please say what needs to change."))
    provider = lock(provider)
    if not may_decide_application(by, provider):
        raise PermissionDenied
    move(provider, action=Action.CHANGES_REQUESTED, by=by, reason=note)
    wording.tell_managers(provider, wording.CHANGES_REQUESTED, reason=note)
    return provider


@transaction.atomic
def suspend_provider(*, provider: Provider, by: User, reason: str) -> Provider:
    """Community staff suspend an approved provider: its services leave the catalogue and
    it takes no new orders; orders already confirmed stay listed for staff."""
    reason = _require_reason(reason, _("Please say why the provider is suspended."))
    provider = lock(provider)
    if not may_vet(by, provider):
        raise PermissionDenied
    provider.suspension_cause = Provider.SuspensionCause.STAFF
    move(provider, action=Action.SUSPENDED, by=by, reason=reason)
    wording.tell_managers(provider, wording.SUSPENDED, reason=reason)
    return provider


@transaction.atomic
def reinstate_provider(*, provider: Provider, by: User, reason: str) -> Provider:
    """Community staff lift a suspension, once the provider's documents are valid again."""
    reason = _require_reason(reason, _("Please say why the provider is reinstated."))
    provider = lock(provider)
    if not may_vet(by, provider):
        raise PermissionDenied
    target_of(Action.REINSTATED, provider.status)
    expired = expired_documents(provider, member=None, today=timezone.localdate())
    if expired:
        raise ProvidersError(
            _("A new document must be approved first: %(missing)s.")
            % {"missing": "; ".join(str(DocumentKind(kind).label) for kind in expired)}
        )
    move(provider, action=Action.REINSTATED, by=by, reason=reason)
    wording.tell_managers(provider, wording.REINSTATED, reason=reason)
    return provider


def _lock_document(document: ProviderDocument) -> ProviderDocument:
    return ProviderDocument.objects.select_for_update().get(pk=document.pk)


@transaction.atomic
def approve_document(*, document: ProviderDocument, by: User) -> ProviderDocument:
    """Community staff accept a renewed or added document; what its expiry suspended
    comes back once nothing else is missing."""
    provider = lock(document.provider)
    document = _lock_document(document)
    if not may_vet(by, provider):
        raise PermissionDenied
    if document.status != ProviderDocument.Status.PENDING:
        raise ProvidersError(_("This document has already been reviewed."))
    document.status = ProviderDocument.Status.APPROVED
    document.reviewed_by = by
    document.reviewed_at = timezone.now()
    document.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    record(provider, Action.DOCUMENT_APPROVED, by=by, document=document, member=document.member)
    today = timezone.localdate()
    if document.member is None:
        if (
            provider.status == Provider.Status.SUSPENDED
            and provider.suspension_cause == Provider.SuspensionCause.DOCUMENT_EXPIRED
            and not expired_documents(provider, member=None, today=today)
        ):
            move(
                provider,
                action=Action.REINSTATED,
                by=by,
                reason=str(_("A new document was approved.")),
            )
            wording.tell_managers(provider, wording.REINSTATED_BY_DOCUMENT)
    else:
        _reinstate_worker_if_covered(document.member, by=by, today=today)
    return document


def _reinstate_worker_if_covered(member: ProviderMember, *, by: User, today) -> None:
    member = ProviderMember.objects.select_for_update().get(pk=member.pk)
    if member.suspended_at is None or expired_documents(
        member.provider, member=member, today=today
    ):
        return
    member.suspended_at = None
    member.suspension_reason = ""
    member.save(update_fields=["suspended_at", "suspension_reason"])
    record(
        member.provider,
        Action.WORKER_REINSTATED,
        by=by,
        member=member,
        reason=str(_("A new document was approved.")),
    )


@transaction.atomic
def reject_document(*, document: ProviderDocument, by: User, reason: str) -> ProviderDocument:
    """Community staff refuse a document, saying why; the provider uploads another."""
    reason = _require_reason(reason, _("Please say why the document is rejected."))
    provider = lock(document.provider)
    document = _lock_document(document)
    if not may_vet(by, provider):
        raise PermissionDenied
    if document.status != ProviderDocument.Status.PENDING:
        raise ProvidersError(_("This document has already been reviewed."))
    document.status = ProviderDocument.Status.REJECTED
    document.reviewed_by = by
    document.reviewed_at = timezone.now()
    document.review_note = reason[:300]
    document.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
    record(
        provider,
        Action.DOCUMENT_REJECTED,
        by=by,
        document=document,
        member=document.member,
        reason=reason,
    )
    wording.tell_managers(
        provider,
        wording.DOCUMENT_REJECTED,
        document=translatable(document.get_kind_display()),
        reason=reason,
    )
    return document


@transaction.atomic
def add_photo(*, provider: Provider, by: User, upload: UploadedFile, caption: str = ""):
    """A manager adds a picture to the provider's public page."""
    provider = lock(provider)
    if not can_manage_provider(by, provider.pk):
        raise PermissionDenied
    checked = check_photo_upload(upload)
    image = get_image_model()(title=caption or provider.name)
    image.file.save(checked.stored_name, without_metadata(upload), save=False)
    try:
        image.save()
        return ProviderPhoto.objects.create(provider=provider, image=image, caption=caption)
    except BaseException:
        image.file.delete(save=False)
        raise


@transaction.atomic
def remove_photo(*, photo: ProviderPhoto, by: User) -> None:
    """A manager takes a picture off the public page."""
    provider = lock(photo.provider)
    if not can_manage_provider(by, provider.pk):
        raise PermissionDenied
    image = photo.image
    photo.delete()
    image.delete()


@transaction.atomic
def propose_grade(*, provider: Provider, quarter: datetime.date, figures) -> ProviderGrade:
    """The quarterly job records the formula's score and proposed grade (once a quarter)."""
    points = score(figures)
    grade, _created = ProviderGrade.objects.get_or_create(
        provider=provider,
        quarter=quarter,
        defaults={"score": points, "proposed": grade_for(points), "inputs": figures.as_dict()},
    )
    return grade


@transaction.atomic
def confirm_grade(*, grade: ProviderGrade, by: User, confirmed: str, note: str) -> ProviderGrade:
    """Community staff confirm (or change) the proposed grade with a note. A D puts the
    provider on warning; a second D in a row suspends it."""
    grade = ProviderGrade.objects.select_for_update().get(pk=grade.pk)
    provider = lock(grade.provider)
    if not may_vet(by, provider):
        raise PermissionDenied
    if confirmed not in {"A", "B", "C", "D"}:
        raise ProvidersError(_("Please choose a grade from A to D."))
    if grade.confirmed:
        raise ProvidersError(_("This grade has already been confirmed."))
    if not note.strip():
        raise ProvidersError(_("Please add a note to the grade."))
    grade.confirmed = confirmed
    grade.note = note.strip()
    grade.confirmed_by = by
    grade.confirmed_at = timezone.now()
    grade.save(update_fields=["confirmed", "note", "confirmed_by", "confirmed_at"])
    provider.grade = confirmed
    provider.save(update_fields=["grade"])
    if confirmed != "D":
        return grade
    previous_was_d = ProviderGrade.objects.filter(
        provider=provider, quarter=previous_quarter(grade.quarter), confirmed="D"
    ).exists()
    if previous_was_d and provider.status == Provider.Status.APPROVED:
        provider.suspension_cause = Provider.SuspensionCause.GRADE
        move(
            provider,
            action=Action.SUSPENDED,
            by=by,
            reason=str(_("Grade D two quarters in a row.")),
        )
        wording.tell_managers(
            provider, wording.SUSPENDED, reason=str(_("Grade D two quarters in a row."))
        )
    else:
        wording.tell_managers(provider, wording.ON_WARNING)
    return grade
