"""The only doors to changes of accounts, profiles, care recipients and roles."""

import datetime
from collections.abc import Collection

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.exceptions import AccountsError
from accounts.models import (
    CareLink,
    CareRecipient,
    Notification,
    ResidentProfile,
    Role,
    RoleAssignment,
    User,
)
from communities.models import Region
from communities.scoping import may_act_on_community


def _require_community(community: Region) -> None:
    if community.level != Region.Level.COMMUNITY:
        raise AccountsError(_("Please choose a community, not a street or district."))


@transaction.atomic
def update_resident_profile(
    *, user: User, phone: str, community: Region | None, address: str
) -> ResidentProfile:
    """A resident says how to reach them and where they live."""
    if community is not None:
        _require_community(community)
    profile, _created = ResidentProfile.objects.select_for_update().get_or_create(user=user)
    profile.phone = phone
    profile.community = community
    profile.address = address
    profile.save(update_fields=["phone", "community", "address"])
    return profile


@transaction.atomic
def set_preferences(
    *, user: User, language: str | None = None, elder_mode: bool | None = None
) -> User:
    """A person chooses their language or elder mode; it follows them to other devices."""
    fields = []
    if language is not None:
        if language not in dict(settings.LANGUAGES):
            raise AccountsError(_("This language is not available."))
        user.language = language
        fields.append("language")
    if elder_mode is not None:
        user.elder_mode = elder_mode
        fields.append("elder_mode")
    if fields:
        user.save(update_fields=fields)
    return user


@transaction.atomic
def create_care_recipient(
    *,
    by: User,
    name: str,
    community: Region,
    address: str,
    relationship: str,
    birth_date: datetime.date | None = None,
    phone: str = "",
    living_alone: bool = False,
) -> CareRecipient:
    """A resident adds someone they book for (or themself); the recipient is linked to them."""
    _require_community(community)
    if relationship not in CareLink.Relationship.values:
        raise AccountsError(_("Please choose how you are related."))
    is_self = relationship == CareLink.Relationship.SELF
    if is_self and CareRecipient.objects.filter(account=by).exists():
        raise AccountsError(_("You are already listed as a care recipient."))
    recipient = CareRecipient.objects.create(
        name=name,
        birth_date=birth_date,
        phone=phone,
        community=community,
        address=address,
        living_alone=living_alone,
        account=by if is_self else None,
        created_by=by,
    )
    CareLink.objects.create(
        care_recipient=recipient, account=by, relationship=relationship, created_by=by
    )
    return recipient


@transaction.atomic
def register_care_recipient_for_assistance(
    *,
    by: User,
    name: str,
    community: Region,
    address: str,
    phone: str = "",
    birth_date: datetime.date | None = None,
    living_alone: bool = False,
    minimum_living_allowance: bool = False,
    low_income: bool = False,
    disability_level: int = 0,
    special_care: bool = False,
) -> CareRecipient:
    """Community staff register someone without an account, to book for them."""
    if community.level != Region.Level.COMMUNITY or not may_act_on_community(
        by, community.pk, role=Role.COMMUNITY_STAFF
    ):
        raise PermissionDenied
    return CareRecipient.objects.create(
        name=name,
        community=community,
        address=address,
        phone=phone,
        birth_date=birth_date,
        living_alone=living_alone,
        minimum_living_allowance=minimum_living_allowance,
        low_income=low_income,
        disability_level=disability_level,
        special_care=special_care,
        created_by=by,
    )


@transaction.atomic
def update_circumstances(
    *,
    care_recipient: CareRecipient,
    by: User,
    birth_date: datetime.date | None,
    living_alone: bool,
    minimum_living_allowance: bool,
    low_income: bool,
    disability_level: int,
    special_care: bool,
) -> CareRecipient:
    """Community staff correct what eligibility depends on (age, 低保, disability...)."""
    recipient = CareRecipient.objects.select_for_update().get(pk=care_recipient.pk)
    if not may_act_on_community(by, recipient.community_id, role=Role.COMMUNITY_STAFF):
        raise PermissionDenied
    recipient.birth_date = birth_date
    recipient.living_alone = living_alone
    recipient.minimum_living_allowance = minimum_living_allowance
    recipient.low_income = low_income
    recipient.disability_level = disability_level
    recipient.special_care = special_care
    recipient.save(
        update_fields=[
            "birth_date",
            "living_alone",
            "minimum_living_allowance",
            "low_income",
            "disability_level",
            "special_care",
        ]
    )
    return recipient


def take_assessed_circumstances(
    *, care_recipient: CareRecipient, care_level: int, living_alone: bool
) -> None:
    """A needs assessment (assessments.services, which checks who may record it) sets the
    level and living situation that targeted notices and the person's page read."""
    CareRecipient.objects.filter(pk=care_recipient.pk).update(
        disability_level=care_level, living_alone=living_alone
    )
    care_recipient.disability_level = care_level
    care_recipient.living_alone = living_alone


@transaction.atomic
def share_care_recipient(
    *, care_recipient: CareRecipient, by: User, email: str, relationship: str
) -> CareLink:
    """A family member gives another account the right to book for the same person.

    Only someone already linked (or staff of the recipient's community) may share, and
    only with an account whose e-mail address has been verified, so a typo cannot hand
    an elderly person's details to a stranger.
    """
    care_recipient = CareRecipient.objects.select_for_update().get(pk=care_recipient.pk)
    may_share = care_recipient.links.filter(account=by).exists() or may_act_on_community(
        by, care_recipient.community_id, role=Role.COMMUNITY_STAFF
    )
    if not may_share:
        raise PermissionDenied
    if relationship not in CareLink.Relationship.values or relationship == "self":
        raise AccountsError(_("Please choose how they are related."))
    verified = EmailAddress.objects.filter(email__iexact=email.strip(), verified=True).first()
    if verified is None:
        raise AccountsError(
            _("No account with a verified e-mail address %(email)s was found.") % {"email": email}
        )
    if care_recipient.links.filter(account=verified.user).exists():
        raise AccountsError(
            _("This account can already book for %(name)s.") % {"name": care_recipient.name}
        )
    return CareLink.objects.create(
        care_recipient=care_recipient,
        account=verified.user,
        relationship=relationship,
        created_by=by,
    )


@transaction.atomic
def unlink_care_recipient(*, link: CareLink, by: User) -> None:
    """An account stops booking for a recipient (its own link, or staff in scope)."""
    link = CareLink.objects.select_for_update().get(pk=link.pk)
    if link.account_id != by.pk and not may_act_on_community(
        by, link.care_recipient.community_id, role=Role.COMMUNITY_STAFF
    ):
        raise PermissionDenied
    link.delete()


@transaction.atomic
def grant_role(*, user: User, role: str, region: Region, by: User) -> RoleAssignment:
    """A platform admin makes someone community staff or a purchaser officer for a region."""
    if not by.is_superuser:
        raise PermissionDenied
    if role not in {r.value for r in (Role.COMMUNITY_STAFF, Role.PURCHASER_OFFICER)}:
        raise AccountsError(_("Only staff and officer roles are granted with a region."))
    assignment, _created = RoleAssignment.objects.get_or_create(user=user, role=role, region=region)
    # The group carries the Wagtail admin permissions of the role (accounts migration 0002).
    user.groups.add(Group.objects.get(name=role))
    return assignment


@transaction.atomic
def revoke_role(*, user: User, role: str, region: Region, by: User) -> None:
    """A platform admin takes a staff or officer role for a region away. The role's group
    (its Wagtail admin access) goes with the person's last assignment of that role."""
    if not by.is_superuser:
        raise PermissionDenied
    RoleAssignment.objects.filter(user=user, role=role, region=region).delete()
    if not RoleAssignment.objects.filter(user=user, role=role).exists():
        user.groups.remove(Group.objects.get(name=role))


def mark_notifications_read(*, user: User, ids: Collection[int] | None = None) -> int:
    """A person has seen everything in their notification centre, or those of `ids` that
    a page has just shown them (decision 0042)."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
