"""Doors to the subsidy layer: purchaser officers, eligibility (资格认定) with evidence.
Care recipients themselves (registering one for assisted booking, their circumstances) are
written by accounts.services. Statements are in the `statements` app."""

import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from accounts import services as account_services
from accounts.models import CareRecipient, Role, User
from accounts.roles import has_second_factor
from assessments.instrument import LEVEL_NAMES
from assessments.levels import care_level_of
from billing import subsidy, wording
from billing.exceptions import BillingError
from billing.models import (
    BudgetAdjustment,
    Eligibility,
    EligibilityEvidence,
    Entitlement,
    Programme,
    Purchaser,
    PurchaserOfficer,
)
from communities.models import Region
from communities.scoping import may_act_on_community, regions_covering
from marketplace.money import yuan
from providers.uploads import save_private_document

STAFF = Role.COMMUNITY_STAFF


def is_officer(user: User, purchaser: Purchaser) -> bool:
    return (
        user.is_superuser
        or PurchaserOfficer.objects.filter(purchaser=purchaser, user=user).exists()
    )


@transaction.atomic
def add_officer(*, purchaser: Purchaser, user: User, by: User) -> PurchaserOfficer:
    """The demo seed's way to make someone an officer (its accounts set up their second
    factor on first sign-in, decision 0004). People use appoint_officer."""
    officer, _created = PurchaserOfficer.objects.get_or_create(purchaser=purchaser, user=user)
    account_services.grant_role(
        user=user, role=Role.PURCHASER_OFFICER, region=purchaser.region, by=by
    )
    return officer


# The audit log entries of purchasers (Wagtail's audit log, "Site history" in the admin;
# their labels are registered in cms/wagtail_hooks.py).
PURCHASER_CREATED = "linli.purchaser.create"
OFFICER_APPOINTED = "linli.purchaser.appoint_officer"
OFFICER_REMOVED = "linli.purchaser.remove_officer"


def _require_platform_admin(by: User) -> None:
    if not by.is_superuser:
        raise PermissionDenied


@transaction.atomic
def create_purchaser(*, name_zh: str, name_en: str, region: Region, by: User) -> Purchaser:
    """A platform admin sets up a purchasing body (e.g. a district civil-affairs bureau)
    for a district or street."""
    _require_platform_admin(by)
    if not name_zh.strip():
        raise BillingError(_("Please give the purchaser's name in Chinese."))
    if region.level == Region.Level.COMMUNITY:
        raise BillingError(_("A purchaser buys for a district or a street, not one community."))
    purchaser = Purchaser.objects.create(
        name_zh=name_zh.strip(), name_en=name_en.strip() or name_zh.strip(), region=region
    )
    log(
        instance=purchaser,
        action=PURCHASER_CREATED,
        user=by,
        data={"name_zh": purchaser.name_zh, "region": region.code},
    )
    return purchaser


@transaction.atomic
def appoint_officer(*, purchaser: Purchaser, email: str, by: User) -> PurchaserOfficer:
    """A platform admin appoints the holder of an account as an officer of a purchaser, for
    its region. The account must already have an authenticator app: an officer signs off
    public money (decision 0004), so nobody is an officer for a moment without one."""
    _require_platform_admin(by)
    purchaser = Purchaser.objects.select_for_update().get(pk=purchaser.pk)
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise BillingError(
            _("No active account uses %(email)s. Ask the person to sign up first.")
            % {"email": email.strip()}
        )
    if not has_second_factor(user):
        raise BillingError(
            _(
                "%(email)s has no authenticator app yet. Officers sign off public money: ask "
                "the person to sign in and set one up under Two-Factor Authentication in "
                "their account, then appoint them again."
            )
            % {"email": user.email}
        )
    if PurchaserOfficer.objects.filter(purchaser=purchaser, user=user).exists():
        raise BillingError(
            _("%(email)s is already an officer of %(purchaser)s.")
            % {"email": user.email, "purchaser": purchaser.name}
        )
    officer = PurchaserOfficer.objects.create(purchaser=purchaser, user=user)
    account_services.grant_role(
        user=user, role=Role.PURCHASER_OFFICER, region=purchaser.region, by=by
    )
    log(
        instance=purchaser,
        action=OFFICER_APPOINTED,
        user=by,
        data={"officer": user.email, "officer_id": user.pk},
    )
    wording.tell_officer_of_appointment(officer)
    return officer


@transaction.atomic
def remove_officer(*, officer: PurchaserOfficer, by: User) -> None:
    """A platform admin ends someone's office at a purchaser. The officer role for the
    region goes too, unless they are still an officer of another purchaser there."""
    _require_platform_admin(by)
    officer = PurchaserOfficer.objects.select_related("purchaser", "user").get(pk=officer.pk)
    purchaser, user = officer.purchaser, officer.user
    officer.delete()
    if not PurchaserOfficer.objects.filter(user=user, purchaser__region=purchaser.region).exists():
        account_services.revoke_role(
            user=user, role=Role.PURCHASER_OFFICER, region=purchaser.region, by=by
        )
    log(
        instance=purchaser,
        action=OFFICER_REMOVED,
        user=by,
        data={"officer": user.email, "officer_id": user.pk},
    )


# What an officer's programme form may write. Money held by orders (reserved) and billed
# (spent) is written only by billing.subsidy; the budget only by adjust_budget.
PROGRAMME_TERMS = (
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "region",
    "min_age",
    "requires_living_alone",
    "requires_minimum_living_allowance",
    "requires_low_income",
    "min_disability_level",
    "requires_special_care",
    "rule",
    "percent",
    "fixed_fen",
    "rate_cap_fen",
    "monthly_cap_fen",
    "monthly_cap_minutes",
    "valid_from",
    "valid_until",
    "minimum_grade",
)


@transaction.atomic
def create_programme(
    *, purchaser: Purchaser, terms: dict, budget_fen: int, categories, by: User
) -> Programme:
    """An officer sets up a programme with its first budget."""
    if not is_officer(by, purchaser):
        raise PermissionDenied
    if budget_fen <= 0:
        raise BillingError(_("Please give the programme a budget."))
    programme = Programme.objects.create(
        purchaser=purchaser,
        budget_fen=budget_fen,
        **{field: terms[field] for field in PROGRAMME_TERMS if field in terms},
    )
    programme.categories.set(categories)
    return programme


@transaction.atomic
def update_programme(*, programme: Programme, terms: dict, categories, by: User) -> Programme:
    """An officer changes a programme's terms. Only the terms are written (UPDATE ... SET of
    those columns), so money reserved by a booking while the form was open stays; the
    budget changes only through adjust_budget. The programme stays with its purchaser."""
    if not is_officer(by, programme.purchaser):
        raise PermissionDenied
    changed = [field for field in PROGRAMME_TERMS if field in terms]
    for field in changed:
        setattr(programme, field, terms[field])
    programme.save(update_fields=changed)
    programme.categories.set(categories)
    return programme


@transaction.atomic
def adjust_budget(
    *, programme: Programme, amount_fen: int, reason: str, by: User
) -> BudgetAdjustment:
    """An officer tops a programme's budget up (amount > 0) or cuts it (amount < 0), with a
    reason, recorded. A cut never goes below what is already reserved and spent: the
    condition is in the UPDATE itself, so a booking reserving at the same moment is
    counted."""
    if not is_officer(by, programme.purchaser):
        raise PermissionDenied
    if not amount_fen:
        raise BillingError(_("Please give the amount to add or take away."))
    if not reason.strip():
        raise BillingError(_("Please say why the budget changes."))
    changed = Programme.objects.filter(
        pk=programme.pk,
        budget_fen__gte=F("reserved_fen") + F("spent_fen") - amount_fen,
    ).update(budget_fen=F("budget_fen") + amount_fen)
    now = Programme.objects.get(pk=programme.pk)
    if changed != 1:
        raise BillingError(
            _(
                "The budget cannot be cut below what is already reserved and spent: "
                "at most ¥%(left)s can be taken away now."
            )
            % {"left": yuan(now.budget_left_fen)}
        )
    adjustment = BudgetAdjustment.objects.create(
        programme=now,
        amount_fen=amount_fen,
        budget_before_fen=now.budget_fen - amount_fen,
        budget_after_fen=now.budget_fen,
        reason=reason.strip(),
        by=by,
    )
    subsidy.rearm_alerts(now.pk)
    subsidy.alert_if_crossed(now.pk)
    programme.budget_fen = now.budget_fen
    programme.reserved_fen = now.reserved_fen
    programme.spent_fen = now.spent_fen
    return adjustment


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


def criteria_unmet(
    programme: Programme, recipient: CareRecipient, on: datetime.date, *, level: bool = True
) -> list:
    """The programme's criteria this person does not meet, as labels (empty: all met).
    `level=False` leaves the care level out, for a person still to be assessed."""
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
    if level and programme.min_disability_level is not None:
        held = care_level_of(recipient, on)
        if held.counts_as < programme.min_disability_level:
            unmet.append(
                _("care level %(level)s or higher (now: %(now)s)")
                % {"level": programme.min_disability_level, "now": held.describe()}
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
    evidence = EligibilityEvidence(
        eligibility=eligibility, description=description[:200], uploaded_by=by
    )
    return save_private_document(evidence, upload)


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
