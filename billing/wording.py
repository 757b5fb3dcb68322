"""What families, staff and providers are told about subsidies and statements."""

from django.urls import reverse
from django.utils.translation import gettext_noop

from accounts.notifications import notify
from accounts.roles import staff_covering
from billing.models import Eligibility

ELIGIBLE = gettext_noop(
    "%(recipient)s is now covered by %(programme)s until %(until)s: eligible services cost "
    "less or nothing."
)
RENEW = gettext_noop(
    "%(recipient)s's eligibility for %(programme)s ends on %(until)s. Community staff can renew it."
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
