"""The quarter's figures for each provider, gathered from orders, visit records, reviews,
complaints, beneficiary feedback and documents, and handed to providers.services, which
owns the formula (providers.grading) and the grade. It lives here because only this app
sits above everything the figures come from (DESIGN §8)."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q

from orders.models import Order, VisitRecord
from providers import services as provider_services
from providers.grading import QuarterFigures, next_quarter
from providers.models import Provider, ProviderDocument, ProviderGrade
from reviews.models import Complaint, FeedbackRequest, Review, SpotCheck

LATE_AFTER = datetime.timedelta(minutes=15)
TOOK_PLACE = [Order.Status.COMPLETED, Order.Status.CLOSED]


def quarter_bounds(quarter: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(quarter, datetime.time(), zone)
    end = datetime.datetime.combine(next_quarter(quarter), datetime.time(), zone)
    return start, end


def figures_for(provider: Provider, quarter: datetime.date) -> QuarterFigures:
    start, end = quarter_bounds(quarter)
    orders = Order.objects.filter(provider=provider, starts_at__gte=start, starts_at__lt=end)
    took_place = orders.filter(status__in=TOOK_PLACE)
    ratings = Review.objects.filter(
        provider=provider,
        status=Review.Status.PUBLISHED,
        created_at__gte=start,
        created_at__lt=end,
    ).aggregate(average=Avg("overall"), count=Count("pk"))
    late = (
        VisitRecord.objects.filter(order__in=orders, kind=VisitRecord.Kind.CHECK_IN)
        .alias(
            delay=ExpressionWrapper(F("at") - F("order__starts_at"), output_field=DurationField())
        )
        .filter(delay__gt=LATE_AFTER)
    )
    corrected = VisitRecord.objects.filter(order__in=took_place, kind=VisitRecord.Kind.CORRECTION)
    unverified = took_place.exclude(pk__in=took_place.with_verified_visit().values("pk"))
    exceptions = unverified.count() + corrected.values("order").distinct().count()
    negative = FeedbackRequest.objects.filter(
        Q(happened_as_recorded=False) | Q(asked_to_pay_extra=True),
        order__provider=provider,
        answered_at__gte=start,
        answered_at__lt=end,
    )
    return QuarterFigures(
        visits=took_place.count(),
        rating_average=float(ratings["average"]) if ratings["count"] else None,
        rating_count=ratings["count"],
        upheld_complaints=Complaint.objects.filter(
            provider=provider,
            outcome=Complaint.Outcome.UPHELD,
            closed_at__gte=start,
            closed_at__lt=end,
        ).count(),
        provider_no_shows=orders.filter(
            status=Order.Status.NO_SHOW, no_show_by=Order.Side.PROVIDER
        ).count(),
        late_check_ins=late.values("order").distinct().count(),
        verification_exceptions=exceptions,
        negative_feedback=negative.count(),
        expired_documents=_expired_unrenewed(provider, quarter),
        failed_spot_checks=SpotCheck.objects.filter(
            provider=provider,
            outcome=SpotCheck.Outcome.FAILED,
            checked_at__gte=start,
            checked_at__lt=end,
        ).count(),
    )


def _expired_unrenewed(provider: Provider, quarter: datetime.date) -> int:
    """Documents that ran out during the quarter with no approved successor in time."""
    end = next_quarter(quarter)
    expired = ProviderDocument.objects.filter(
        provider=provider,
        status=ProviderDocument.Status.APPROVED,
        expires_on__gte=quarter,
        expires_on__lt=end,
    )
    count = 0
    for document in expired:
        renewed = ProviderDocument.objects.filter(
            provider=provider,
            kind=document.kind,
            member=document.member,
            status=ProviderDocument.Status.APPROVED,
            expires_on__gt=document.expires_on,
            reviewed_at__date__lte=document.expires_on,
        ).exists()
        count += not renewed
    return count


def grade_quarter(quarter: datetime.date) -> int:
    """Propose a grade for every provider that was active in the quarter; run again, it
    leaves the ones already proposed alone."""
    start, end = quarter_bounds(quarter)
    providers = (
        Provider.objects.filter(
            status__in=[Provider.Status.APPROVED, Provider.Status.SUSPENDED],
        )
        .exclude(approved_at__gte=end)
        .exclude(grades__quarter=quarter)
    )
    proposed = 0
    for provider in providers:
        provider_services.propose_grade(
            provider=provider, quarter=quarter, figures=figures_for(provider, quarter)
        )
        proposed += 1
    return proposed


def latest_grades(providers) -> dict[int, ProviderGrade]:
    grades = ProviderGrade.objects.filter(provider__in=providers).order_by("provider", "-quarter")
    latest: dict[int, ProviderGrade] = {}
    for grade in grades:
        latest.setdefault(grade.provider_id, grade)
    return latest
