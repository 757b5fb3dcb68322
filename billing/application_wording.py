"""What families and staff are told about subsidy applications."""

from django.urls import reverse
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.notifications import in_each_language, notify
from accounts.roles import staff_covering
from billing.models import Application

SUBMITTED = gettext_noop(
    "%(recipient)s's application for %(programme)s is waiting for your decision."
)
SUBMITTED_FOR_YOU = gettext_noop(
    "Community staff applied for %(programme)s for %(recipient)s. You can follow it on "
    "the person's page."
)
MORE_NEEDED = gettext_noop(
    "Community staff need more for %(recipient)s's application for %(programme)s: %(reason)s"
)
REFUSED = gettext_noop("%(recipient)s's application for %(programme)s was refused: %(reason)s")
ASSESSMENT_FOR_FAMILY = gettext_noop(
    "%(programme)s goes by care level, so %(recipient)s needs a needs assessment before "
    "the application can be approved. Community staff will contact you to arrange it."
)
ASSESSMENT_FOR_STAFF = gettext_noop(
    "%(recipient)s needs a needs assessment before the application for %(programme)s can "
    "be approved. It is in the assessments to do."
)


def _params(application: Application, **more) -> dict:
    programme = application.programme
    return {
        "recipient": application.care_recipient.name,
        "programme": in_each_language(programme.name_zh, programme.name_en),
        **more,
    }


def _staff(application: Application, but: User) -> list:
    staff = staff_covering([application.care_recipient.community_id])
    return [user for user in staff if user.pk != but.pk]


def _family(application: Application, but: User | None = None) -> list:
    family = application.care_recipient.family_accounts()
    return [user for user in family if but is None or user.pk != but.pk]


def _family_url(application: Application) -> str:
    return reverse("applications:detail", kwargs={"pk": application.pk})


def _staff_url(application: Application) -> str:
    return reverse("application_queue:detail", kwargs={"pk": application.pk})


def tell_of_submission(application: Application, *, by: User) -> None:
    """Staff learn of a new or resubmitted application; when staff applied, the family
    learns of it."""
    notify(
        users=_staff(application, but=by),
        kind="application",
        message=SUBMITTED,
        params=_params(application),
        url=_staff_url(application),
    )
    if not application.care_recipient.is_linked_to(by):
        notify(
            users=_family(application),
            kind="application",
            message=SUBMITTED_FOR_YOU,
            params=_params(application),
            url=_family_url(application),
        )


def tell_family_of_decision(application: Application) -> None:
    """More needed or refused, with staff's reason (approval is told by the eligibility)."""
    message = MORE_NEEDED if application.status == Application.Status.MORE_NEEDED else REFUSED
    notify(
        users=_family(application),
        kind="application",
        message=message,
        params=_params(application, reason=application.reason),
        url=_family_url(application),
    )


def ask_for_assessment(application: Application, *, by: User) -> None:
    notify(
        users=_family(application),
        kind="application",
        message=ASSESSMENT_FOR_FAMILY,
        params=_params(application),
        url=_family_url(application),
    )
    notify(
        users=_staff(application, but=by),
        kind="application",
        message=ASSESSMENT_FOR_STAFF,
        params=_params(application),
        url=reverse("assessments:queue"),
    )
