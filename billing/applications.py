"""Applications for a subsidy programme (decision 0034): the doors for families and staff.
Each step is one transaction that locks the application, checks who acts and the step
(`NEXT`), writes an ApplicationEvent and tells the other side after commit."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import CareRecipient, Role, User
from assessments.levels import care_level_of
from billing import application_wording as wording
from billing import services as billing_services
from billing.exceptions import BillingError
from billing.models import (
    Application,
    ApplicationEvent,
    ApplicationEvidence,
    EligibilityEvidence,
    Programme,
)
from communities.scoping import may_act_on_community, regions_covering
from providers.uploads import save_private_document

S = Application.Status

NEXT = {
    S.SUBMITTED: {S.MORE_NEEDED, S.AWAITING_ASSESSMENT, S.APPROVED, S.REFUSED},
    S.MORE_NEEDED: {S.SUBMITTED, S.REFUSED},
    S.AWAITING_ASSESSMENT: {S.MORE_NEEDED, S.APPROVED, S.REFUSED},
    S.APPROVED: set(),
    S.REFUSED: set(),
}


def may_decide(user: User, recipient: CareRecipient) -> bool:
    """Community staff whose scope covers the person's community."""
    return may_act_on_community(user, recipient.community_id, role=Role.COMMUNITY_STAFF)


def may_apply(user: User, recipient: CareRecipient) -> bool:
    """The person's family (or the person), or staff who may decide for them."""
    return recipient.is_linked_to(user) or may_decide(user, recipient)


def programmes_open_to(recipient: CareRecipient, on: datetime.date):
    """The programmes covering the person's community that still run on `on`."""
    return Programme.objects.filter(
        region__in=regions_covering([recipient.community_id]), valid_until__gte=on
    ).select_related("purchaser")


def needs_assessment(programme: Programme, recipient: CareRecipient, on: datetime.date) -> bool:
    """The programme goes by care level and no needs assessment holds for the person on
    that day (a level typed in by staff is not enough for a new application)."""
    goes_by_level = programme.min_disability_level is not None or programme.entitlements.exists()
    return goes_by_level and care_level_of(recipient, on).assessment is None


def _check_step(application: Application, to: str) -> None:
    if to not in NEXT[application.status]:
        raise BillingError(
            _("This application is %(current)s and cannot become %(wanted)s.")
            % {"current": S(application.status).label, "wanted": S(to).label}
        )


def _move(application: Application, *, to: str, by: User, note: str = "") -> ApplicationEvent:
    _check_step(application, to)
    event = ApplicationEvent.objects.create(
        application=application,
        actor=by,
        old_status=application.status,
        new_status=to,
        note=note,
    )
    application.status = to
    application.save(update_fields=["status", "updated_at"])
    return event


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("care_recipient__community", "programme")
        .get(pk=application.pk)
    )


def _store(
    application: Application, upload: UploadedFile, description: str, by: User
) -> ApplicationEvidence:
    evidence = ApplicationEvidence(
        application=application, description=description.strip()[:200], uploaded_by=by
    )
    return save_private_document(evidence, upload)


@transaction.atomic
def apply_for_programme(
    *,
    care_recipient: CareRecipient,
    programme: Programme,
    by: User,
    upload: UploadedFile | None,
    description: str = "",
    note: str = "",
) -> Application:
    """A family member (or staff, for someone without an account) applies for a programme
    for a person, with a first piece of evidence."""
    recipient = CareRecipient.objects.select_for_update().get(pk=care_recipient.pk)
    if not may_apply(by, recipient):
        raise PermissionDenied
    today = timezone.localdate()
    if not programmes_open_to(recipient, today).filter(pk=programme.pk).exists():
        raise BillingError(
            _("%(programme)s does not take applications for %(community)s.")
            % {"programme": programme.name, "community": recipient.community.name}
        )
    if recipient.applications.still_open().filter(programme=programme).exists():
        raise BillingError(
            _("%(name)s already has an application for %(programme)s under way.")
            % {"name": recipient.name, "programme": programme.name}
        )
    if any(e.is_valid_on(today) for e in recipient.eligibilities.filter(programme=programme)):
        raise BillingError(
            _("%(name)s is already covered by %(programme)s.")
            % {"name": recipient.name, "programme": programme.name}
        )
    if upload is None:
        raise BillingError(
            _(
                "Please attach evidence (an ID card, a minimum living allowance certificate, a "
                "disability certificate…)."
            )
        )
    application = Application.objects.create(
        care_recipient=recipient, programme=programme, applied_by=by, note=note.strip()
    )
    ApplicationEvent.objects.create(
        application=application, actor=by, new_status=S.SUBMITTED, note=note.strip()
    )
    _store(application, upload, description, by)
    wording.tell_of_submission(application, by=by)
    return application


@transaction.atomic
def add_application_evidence(
    *, application: Application, by: User, upload: UploadedFile, description: str = ""
) -> ApplicationEvidence:
    """The applicant's side adds evidence to an application not yet decided."""
    application = _lock(application)
    if not may_apply(by, application.care_recipient):
        raise PermissionDenied
    if application.status not in (S.SUBMITTED, S.MORE_NEEDED):
        raise BillingError(_("Evidence can be added only before the application is decided."))
    return _store(application, upload, description, by)


@transaction.atomic
def resubmit_application(*, application: Application, by: User, note: str = "") -> Application:
    """After staff asked for more, the family sends the application back, with new
    evidence or a note saying why none is needed."""
    application = _lock(application)
    if not may_apply(by, application.care_recipient):
        raise PermissionDenied
    asked_at = application.events.filter(new_status=S.MORE_NEEDED).order_by("-at", "-pk").first()
    new_evidence = asked_at and application.evidence.filter(uploaded_at__gt=asked_at.at).exists()
    if application.status == S.MORE_NEEDED and not new_evidence and not note.strip():
        raise BillingError(
            _("Please add the evidence staff asked for, or say why it is not needed.")
        )
    _move(application, to=S.SUBMITTED, by=by, note=note.strip())
    wording.tell_of_submission(application, by=by)
    return application


def _require_decider(by: User, application: Application) -> None:
    if not may_decide(by, application.care_recipient):
        raise PermissionDenied


def _reason(reason: str) -> str:
    if not reason.strip():
        raise BillingError(_("Please give the reason: the family reads it."))
    return reason.strip()


@transaction.atomic
def ask_for_more(*, application: Application, by: User, reason: str) -> Application:
    """Staff ask the family for more evidence, saying what."""
    application = _lock(application)
    _require_decider(by, application)
    _move(application, to=S.MORE_NEEDED, by=by, note=_reason(reason))
    wording.tell_family_of_decision(application)
    return application


@transaction.atomic
def refuse_application(*, application: Application, by: User, reason: str) -> Application:
    """Staff refuse an application, with the reason the family reads."""
    application = _lock(application)
    _require_decider(by, application)
    _move(application, to=S.REFUSED, by=by, note=_reason(reason))
    wording.tell_family_of_decision(application)
    return application


@transaction.atomic
def approve_application(
    *,
    application: Application,
    by: User,
    valid_from: datetime.date,
    valid_until: datetime.date,
    note: str = "",
) -> Application:
    """Staff approve: the person's eligibility is recorded with the application's evidence.
    Where the programme goes by care level and no assessment holds, the application waits
    for one instead (it shows in the assessments queue) and staff approve again after."""
    application = _lock(application)
    _require_decider(by, application)
    recipient, programme = application.care_recipient, application.programme
    _check_step(application, S.APPROVED)
    unmet = billing_services.criteria_unmet(programme, recipient, valid_from, level=False)
    if needs_assessment(programme, recipient, valid_from) and not unmet:
        if application.status == S.AWAITING_ASSESSMENT:
            raise BillingError(
                _("%(name)s has not been assessed yet: record the needs assessment first.")
                % {"name": recipient.name}
            )
        _move(application, to=S.AWAITING_ASSESSMENT, by=by, note=note.strip())
        wording.ask_for_assessment(application, by=by)
        return application
    eligibility = billing_services.record_eligibility(
        care_recipient=recipient,
        programme=programme,
        by=by,
        valid_from=valid_from,
        valid_until=valid_until,
        note=note,
    )
    # The eligibility shares the stored scans: evidence rows are never deleted.
    EligibilityEvidence.objects.bulk_create(
        EligibilityEvidence(
            eligibility=eligibility,
            file=item.file.name,
            content_type=item.content_type,
            original_name=item.original_name,
            description=item.description,
            uploaded_by=item.uploaded_by,
            uploaded_at=item.uploaded_at,
        )
        for item in application.evidence.all()
    )
    application.eligibility = eligibility
    application.save(update_fields=["eligibility", "updated_at"])
    _move(application, to=S.APPROVED, by=by, note=note.strip())
    return application
