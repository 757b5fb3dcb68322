"""What families, staff and providers are told about subsidies and statements."""

from django.urls import reverse
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.notifications import in_each_language, notify
from accounts.roles import staff_covering
from billing.models import Eligibility, Programme, PurchaserOfficer
from marketplace.money import yuan

ELIGIBLE = gettext_noop(
    "%(recipient)s is now covered by %(programme)s until %(until)s: eligible services cost "
    "less or nothing."
)
RENEW = gettext_noop(
    "%(recipient)s's eligibility for %(programme)s ends on %(until)s. Community staff can renew it."
)

BUDGET_ALERT = gettext_noop(
    "%(programme)s has committed %(percent)s%% of its budget: ¥%(committed)s of "
    "¥%(budget)s is reserved or spent, ¥%(left)s is left. Top up the budget or plan for "
    "what happens when it is used up."
)

APPOINTED = gettext_noop(
    "You are now an officer of %(purchaser)s: its subsidy programmes and monthly "
    "statements are under Purchase of service in the staff workspace."
)


def _family(eligibility: Eligibility) -> list:
    return eligibility.care_recipient.family_accounts()


def _params(eligibility: Eligibility) -> dict:
    return {
        "recipient": eligibility.care_recipient.name,
        "programme": eligibility.programme.name_zh,
        "until": eligibility.valid_until.isoformat(),
    }


def tell_family_of_eligibility(eligibility: Eligibility) -> None:
    notify(
        users=_family(eligibility),
        kind="eligibility",
        message=ELIGIBLE,
        params=_params(eligibility),
        url=reverse("accounts:care_recipient", kwargs={"pk": eligibility.care_recipient_id}),
    )


def remind_renewal(eligibility: Eligibility) -> None:
    staff = list(staff_covering([eligibility.care_recipient.community_id]))
    notify(
        users=_family(eligibility) + staff,
        kind="eligibility",
        message=RENEW,
        params=_params(eligibility),
        url=reverse("accounts:care_recipient", kwargs={"pk": eligibility.care_recipient_id}),
    )


def officers_of(purchaser_id: int) -> list[User]:
    """The purchaser's officers, to be told about its money and statements."""
    return list(
        User.objects.filter(purchaser_offices__purchaser_id=purchaser_id, is_active=True).distinct()
    )


def alert_officers_of_budget(programme: Programme) -> None:
    """Officers of the programme's purchaser, once per threshold (billing.subsidy)."""
    notify(
        users=officers_of(programme.purchaser_id),
        kind="budget",
        message=BUDGET_ALERT,
        params={
            "programme": in_each_language(programme.name_zh, programme.name_en),
            "percent": programme.committed_percent,
            "committed": yuan(programme.committed_fen),
            "budget": yuan(programme.budget_fen),
            "left": yuan(programme.budget_left_fen),
        },
        url=reverse("purchase:programme", kwargs={"pk": programme.pk}),
    )


def tell_officer_of_appointment(officer: PurchaserOfficer) -> None:
    purchaser = officer.purchaser
    notify(
        users=[officer.user],
        kind="office",
        message=APPOINTED,
        params={"purchaser": in_each_language(purchaser.name_zh, purchaser.name_en)},
        url=reverse("purchase:dashboard"),
    )
