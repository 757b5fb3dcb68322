"""Who hears about reviews, complaints and beneficiary feedback, and what they are told
(translated when read or mailed)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import Role, User
from accounts.notifications import in_each_language, notify, translatable
from accounts.roles import staff_covering
from orders.wording import family_of
from reviews.models import Complaint, FeedbackRequest, Review

REVIEW_WAITS = gettext_noop("A review of %(service)s (order %(code)s) is waiting for moderation.")
COMPLAINT_WAITS = gettext_noop(
    "New complaint about %(provider)s for %(recipient)s: please answer by %(due)s."
)
COMPLAINT_ANSWERED = gettext_noop(
    "Your complaint about %(provider)s has been answered: %(outcome)s. %(note)s"
)
COMPLAINT_OVERDUE = gettext_noop(
    "A complaint about %(provider)s in %(community)s was due by %(due)s and has not been answered."
)
FEEDBACK_ASKED = gettext_noop(
    "Did %(service)s for %(recipient)s on %(when)s happen as recorded? Please answer two "
    "short questions."
)


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def tell_staff_review_waits(review: Review, community_id: int) -> None:
    notify(
        users=staff_covering([community_id]),
        kind="review",
        message=REVIEW_WAITS,
        params={
            "service": in_each_language(review.order.title, review.order.title_en),
            "code": review.order.code,
        },
        url=reverse("review_moderation:queue"),
        email=False,
    )


def tell_staff_complaint(complaint: Complaint) -> None:
    notify(
        users=staff_covering([complaint.community_id]),
        kind="complaint",
        message=COMPLAINT_WAITS,
        params={
            "provider": complaint.provider.name,
            "recipient": complaint.care_recipient.name if complaint.care_recipient else "",
            "due": _when(complaint.due_at),
        },
        url=reverse("complaints:detail", kwargs={"pk": complaint.pk}),
    )


def _complainants(complaint: Complaint) -> list[User]:
    if complaint.order is not None:
        return family_of(complaint.order)
    people = {complaint.filed_by_id: complaint.filed_by} if not complaint.on_behalf else {}
    if complaint.care_recipient is not None:
        for link in complaint.care_recipient.links.select_related("account"):
            people.setdefault(link.account_id, link.account)
    return list(people.values())


def tell_complainant(complaint: Complaint) -> None:
    notify(
        users=_complainants(complaint),
        kind="complaint",
        message=COMPLAINT_ANSWERED,
        params={
            "provider": complaint.provider.name,
            "outcome": translatable(complaint.get_outcome_display()),
            "note": complaint.outcome_note,
        },
        url=complaint.get_absolute_url(),
    )


def street_staff_of(complaint: Complaint):
    """Staff scoped to the community's street (or the district above): the next level up."""
    street = complaint.community.parent
    levels = [street.pk, street.parent_id] if street is not None else []
    return User.objects.filter(
        is_active=True,
        role_assignments__role=Role.COMMUNITY_STAFF,
        role_assignments__region__in=[pk for pk in levels if pk],
    ).distinct()


def tell_street_overdue(complaint: Complaint) -> None:
    notify(
        users=street_staff_of(complaint),
        kind="complaint",
        message=COMPLAINT_OVERDUE,
        params={
            "provider": complaint.provider.name,
            "community": complaint.community.name,
            "due": _when(complaint.due_at),
        },
        url=reverse("complaints:detail", kwargs={"pk": complaint.pk}),
    )


def ask_for_feedback(request: FeedbackRequest) -> None:
    order = request.order
    notify(
        users=family_of(order),
        kind="feedback",
        message=FEEDBACK_ASKED,
        params={
            "service": in_each_language(order.title, order.title_en),
            "recipient": order.care_recipient.name,
            "when": _when(order.starts_at),
        },
        url=request.get_absolute_url(),
    )
