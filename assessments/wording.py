"""What families and staff are told about assessments."""

from django.urls import reverse
from django.utils.translation import gettext_noop

from accounts.notifications import notify, translatable
from accounts.roles import staff_covering
from assessments.instrument import LEVEL_NAMES
from assessments.models import Assessment

ASSESSED = gettext_noop(
    "%(recipient)s was assessed on %(on)s: %(level)s. The assessment holds until %(until)s."
)
REASSESS = gettext_noop(
    "%(recipient)s's needs assessment lapses on %(until)s. Community staff will arrange a "
    "reassessment before then; without one, the care level and what it entitles to end "
    "on that day."
)


def _family(assessment: Assessment) -> list:
    return assessment.care_recipient.family_accounts()


def _params(assessment: Assessment) -> dict:
    return {
        "recipient": assessment.care_recipient.name,
        "on": assessment.assessed_on.isoformat(),
        "until": assessment.valid_until.isoformat(),
        "level": translatable(LEVEL_NAMES[assessment.care_level]),
    }


def _url(assessment: Assessment) -> str:
    return reverse("accounts:care_recipient", kwargs={"pk": assessment.care_recipient_id})


def tell_family_of_assessment(assessment: Assessment) -> None:
    notify(
        users=_family(assessment),
        kind="assessment",
        message=ASSESSED,
        params=_params(assessment),
        url=_url(assessment),
    )


def remind_reassessment(assessment: Assessment) -> None:
    staff = list(staff_covering([assessment.care_recipient.community_id]))
    notify(
        users=_family(assessment) + staff,
        kind="assessment",
        message=REASSESS,
        params=_params(assessment),
        url=_url(assessment),
    )
