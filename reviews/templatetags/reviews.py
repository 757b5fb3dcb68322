"""Reviews shown on pages owned by lower apps (service, provider, order), which cannot
import reviews themselves (DESIGN §8): their templates load these tags instead."""

from django import template
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from reviews.models import Complaint, Review, SpotCheck
from reviews.services import REVIEW_WITHIN

register = template.Library()

SHOWN = 20


def _section(reviews) -> dict:
    summary = reviews.aggregate(
        count=Count("pk"),
        overall=Avg("overall"),
        punctuality=Avg("punctuality"),
        attitude=Avg("attitude"),
        quality=Avg("quality"),
    )
    listed = reviews.select_related("provider", "service").prefetch_related("photos__image")
    return {"summary": summary, "reviews": listed[:SHOWN]}


@register.inclusion_tag("reviews/includes/reviews_section.html")
def service_reviews(service) -> dict:
    return _section(Review.objects.published().filter(service=service))


@register.inclusion_tag("reviews/includes/reviews_section.html")
def provider_reviews(provider) -> dict:
    section = _section(Review.objects.published().filter(provider=provider))
    return {**section, "show_service": True}


@register.inclusion_tag("reviews/includes/order_links.html", takes_context=True)
def order_feedback_links(context, order: Order) -> dict:
    """What the family may do about this order: review it, complain, answer feedback."""
    user = context["request"].user
    family = Order.objects.for_family_of(user).filter(pk=order.pk).exists()
    if not family:
        return {"links": {}}
    review = Review.objects.filter(order=order).first()
    may_review = (
        order.booked_by_id == user.pk
        and order.status == Order.Status.CLOSED
        and order.closed_at is not None
        and (review is not None or timezone.now() - order.closed_at <= REVIEW_WITHIN)
    )
    feedback = getattr(order, "feedback_request", None)
    links = {
        "review_url": reverse("reviews:write", kwargs={"code": order.code}) if may_review else "",
        "reviewed": review is not None,
        "complaint_url": reverse("reviews:file_complaint") + f"?order={order.code}",
        "complaints": list(Complaint.objects.for_family_of(user).filter(order=order)),
        "feedback_url": feedback.get_absolute_url()
        if feedback is not None and feedback.answered_at is None
        else "",
    }
    return {"links": links}


@register.inclusion_tag("reviews/includes/spot_check_summary.html", takes_context=True)
def provider_spot_checks(context, provider) -> dict:
    """Beside the grade on the provider's own page: the outcomes of staff's checks of it,
    which feed the grade (decision 0037); the list is on its reviews page."""
    checks = SpotCheck.objects.managed_by(context["request"].user).filter(provider=provider)
    counts = {row["outcome"]: row["n"] for row in checks.values("outcome").annotate(n=Count("pk"))}
    return {
        "provider": provider,
        "passed": counts.get(SpotCheck.Outcome.PASSED, 0),
        "failed": counts.get(SpotCheck.Outcome.FAILED, 0),
    }
