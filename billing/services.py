"""Doors to the subsidy layer: purchaser officers, eligibility (资格认定) with evidence.
Care recipients themselves (registering one for assisted booking, their circumstances) are
written by accounts.services. Statements are in the `statements` app."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import services as account_services
from accounts.models import CareRecipient, Role, User
from assessments.instrument import LEVEL_NAMES
from assessments.levels import care_level_of
from billing import wording
from billing.exceptions import BillingError
from billing.models import (
    Eligibility,
    EligibilityEvidence,
    Entitlement,
    Programme,
    Purchaser,
    PurchaserOfficer,
)
from communities.scoping import may_act_on_community, regions_covering
from providers.uploads import check_document_upload

STAFF = Role.COMMUNITY_STAFF


def is_officer(user: User, purchaser: Purchaser) -> bool:
    return (
        user.is_superuser
        or PurchaserOfficer.objects.filter(purchaser=purchaser, user=user).exists()
    )


@transaction.atomic
def add_officer(*, purchaser: Purchaser, user: User, by: User) -> PurchaserOfficer:
    """A platform admin makes someone an officer of a purchaser, scoped to its region."""
    officer, _created = PurchaserOfficer.objects.get_or_create(purchaser=purchaser, user=user)
    account_services.grant_role(
        user=user, role=Role.PURCHASER_OFFICER, region=purchaser.region, by=by
    )
    return officer


@transaction.atomic
def set_entitlement(
    *,
    programme: Programme,
    care_level: int,
    minutes_per_month: int | None,
    fen_per_month: int | None,
    by: User,
) -> Entitlement | None:
    """An officer says what the programme grants a month at one care level; neither
    minutes nor money: the level is no longer entitled. Orders already booked keep what
    they reserved; new bookings follow the new figures."""
    if not is_officer(by, programme.purchaser):
        raise PermissionDenied
    if care_level not in LEVEL_NAMES:
        raise BillingError(_("Please choose a care level from 0 to 4."))
    if (minutes_per_month or 0) < 0 or (fen_per_month or 0) < 0:
        raise BillingError(_("An allowance cannot be negative."))
    if minutes_per_month is None and fen_per_month is None:
        Entitlement.objects.filter(programme=programme, care_level=care_level).delete()
        return None
    entitlement, _created = Entitlement.objects.update_or_create(
        programme=programme,
        care_level=care_level,
        defaults={"minutes_per_month": minutes_per_month, "fen_per_month": fen_per_month},
    )
    return entitlement


def _require_staff_of(by: User, recipient: CareRecipient) -> None:
    if not may_act_on_community(by, recipient.community_id, role=STAFF):
        raise PermissionDenied


def criteria_unmet(programme: Programme, recipient: CareRecipient, on: datetime.date) -> list:
    """The programme's criteria this person does not meet, as labels (empty: all met)."""
    unmet = []
    age = recipient.age_on(on)
    if programme.min_age is not None and (age is None or age < programme.min_age):
        unmet.append(_("aged %(age)s or over") % {"age": programme.min_age})
    if programme.requires_living_alone and not recipient.living_alone:
        unmet.append(_("living alone"))
    if programme.requires_minimum_living_allowance and not recipient.minimum_living_allowance:
        unmet.append(_("a minimum living allowance household"))
    if programme.requires_low_income and not recipient.low_income:
        unmet.append(_("a low-income household"))
    if programme.min_disability_level is not None:
        level = care_level_of(recipient, on)
        if level.counts_as < programme.min_disability_level:
            unmet.append(
                _("care level %(level)s or higher (now: %(now)s)")
                % {"level": programme.min_disability_level, "now": level.describe()}
            )
    if programme.requires_special_care and not recipient.special_care:
        unmet.append(_("a special-care recipient"))
    return unmet


@transaction.atomic
def record_eligibility(
    *,
    care_recipient: CareRecipient,
    programme: Programme,
    by: User,
    valid_from: datetime.date,
    valid_until: datetime.date,
    note: str = "",
) -> Eligibility:
    """Community staff record that someone qualifies for a programme, for a period."""
    recipient = CareRecipient.objects.select_for_update().get(pk=care_recipient.pk)
    _require_staff_of(by, recipient)
    if not Programme.objects.filter(
        pk=programme.pk, region__in=regions_covering([recipient.community_id])
    ).exists():
        raise BillingError(
            _("%(programme)s does not cover %(community)s.")
            % {"programme": programme.name, "community": recipient.community.name}
        )
    if valid_until < valid_from:
        raise BillingError(_("The end of the period is before its start."))
    unmet = criteria_unmet(programme, recipient, valid_from)
    if unmet:
        raise BillingError(
            _(
                "%(name)s does not meet the programme's criteria: %(unmet)s. Correct the "
                "person's details first if they are out of date."
            )
            % {"name": recipient.name, "unmet": "；".join(str(u) for u in unmet)}
        )
    eligibility = Eligibility.objects.create(
        care_recipient=recipient,
        programme=programme,
        valid_from=valid_from,
        valid_until=valid_until,
        verified_by=by,
        note=note.strip(),
    )
    wording.tell_family_of_eligibility(eligibility)
    return eligibility


@transaction.atomic
def add_evidence(
    *, eligibility: Eligibility, by: User, upload: UploadedFile, description: str = ""
) -> EligibilityEvidence:
    """Staff attach a scan of the evidence (低保证, disability certificate...)."""
    _require_staff_of(by, eligibility.care_recipient)
    checked = check_document_upload(upload)
    evidence = EligibilityEvidence(
        eligibility=eligibility,
        content_type=checked.content_type,
        original_name=(upload.name or "")[:200],
        description=description[:200],
        uploaded_by=by,
    )
    evidence.file.save(checked.stored_name, upload, save=False)
    try:
        evidence.save()
    except BaseException:
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def revoke_eligibility(*, eligibility: Eligibility, by: User, reason: str) -> Eligibility:
    """Staff end an eligibility early (the person moved away, circumstances changed)."""
    eligibility = Eligibility.objects.select_for_update().get(pk=eligibility.pk)
    _require_staff_of(by, eligibility.care_recipient)
    if not reason.strip():
        raise BillingError(_("Please say why."))
    eligibility.revoked_at = timezone.now()
    eligibility.note = (eligibility.note + "\n" + reason.strip()).strip()
    eligibility.save(update_fields=["revoked_at", "note"])
    return eligibility


def send_renewal_reminders(*, today: datetime.date, days_before: int = 30) -> int:
    """Daily: eligibilities that lapse within `days_before` days; staff and family are
    reminded once."""
    due = Eligibility.objects.filter(
        revoked_at__isnull=True,
        reminded_at__isnull=True,
        valid_until__gte=today,
        valid_until__lte=today + datetime.timedelta(days=days_before),
    ).values_list("pk", flat=True)
    sent = 0
    for eligibility_id in list(due):
        with transaction.atomic():
            claimed = Eligibility.objects.filter(
                pk=eligibility_id, reminded_at__isnull=True
            ).update(reminded_at=timezone.now())
            if claimed == 1:
                wording.remind_renewal(
                    Eligibility.objects.select_related("care_recipient", "programme").get(
                        pk=eligibility_id
                    )
                )
                sent += 1
    return sent
