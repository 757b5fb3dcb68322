"""The family's and the person's view of their care: the assessed level and what is left
of this month's allowance (and, as plans land, the plan and its calendar)."""

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts.models import CareRecipient
from assessments.levels import care_level_of
from care.models import CarePlan, Occurrence
from care.screens import plan_actions
from linli.dates import months_after
from orders.allowance import allowances_of


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = get_object_or_404(CareRecipient.objects.visible_to(request.user), pk=pk)
    today = timezone.localdate()
    month = _month_asked(request, today)
    day = today if month == today.replace(day=1) else month
    return render(
        request,
        "care/person.html",
        {
            "recipient": recipient,
            "care_level": care_level_of(recipient, today),
            "month": month,
            "previous_month": months_after(month, -1),
            "next_month": months_after(month, 1),
            "allowances": allowances_of(recipient, day),
            "plans": CarePlan.objects.visible_to(request.user)
            .filter(care_recipient=recipient)
            .select_related("provider"),
        },
    )


def _month_asked(request: HttpRequest, today: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        return today.replace(day=1)


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan, its weekly visits, its calendar of visits (booked, skipped, paused, held)
    and its history."""
    care_plan = get_object_or_404(
        CarePlan.objects.visible_to(request.user).select_related(
            "care_recipient", "provider", "programme", "worker__user", "case_worker"
        ),
        pk=pk,
    )
    return render(
        request,
        "care/plan.html",
        {
            "plan": care_plan,
            "items": care_plan.items.select_related("service"),
            "occurrences": care_plan.occurrences.select_related("item__service", "order")
            .filter(day__gte=timezone.localdate() - datetime.timedelta(days=7))
            .order_by("day", "item__starts_at")[:120],
            "events": care_plan.events.select_related("actor"),
            "pauses": care_plan.pauses.all(),
            **plan_actions(request.user, care_plan),
        },
    )


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    """Every plan this person may see: waiting for an answer first, then those with visits
    to come that are held or not covered (staff act on those), then the rest."""
    today = timezone.localdate()
    attention = Q(
        occurrences__day__gte=today,
        occurrences__status__in=[Occurrence.Status.HELD, Occurrence.Status.UNCOVERED],
    )
    plans = (
        CarePlan.objects.visible_to(request.user)
        .select_related("care_recipient", "provider", "worker__user")
        .annotate(needs_attention=Count("occurrences", filter=attention, distinct=True))
        .order_by("-needs_attention", "status", "-created_at")[:200]
    )
    waiting = [p for p in plans if p.status == CarePlan.Status.PROPOSED]
    others = [p for p in plans if p.status != CarePlan.Status.PROPOSED]
    return render(request, "care/plan_list.html", {"waiting": waiting, "others": others})
