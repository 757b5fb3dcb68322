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
from billing import subsidy
from care.models import CarePlan, Occurrence
from care.month import month_of_visits
from care.screens import plan_actions
from communities.scoping import communities_scoped_to
from linli.dates import months_after
from linli.refusals import Refusal
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
            "weeks": month_of_visits(recipient, month, request.user),
            "today": today,
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
    occurrences = list(
        care_plan.occurrences.select_related("item__service", "order")
        .filter(day__gte=timezone.localdate() - datetime.timedelta(days=7))
        .order_by("day", "item__starts_at")[:120]
    )
    actions = plan_actions(request.user, care_plan)
    if actions["may_decide"]:
        _with_copay(occurrences)
    return render(
        request,
        "care/plan.html",
        {
            "plan": care_plan,
            "today": timezone.localdate(),
            "items": care_plan.items.select_related("service"),
            "occurrences": occurrences,
            "events": care_plan.events.select_related("actor"),
            "pauses": care_plan.pauses.all(),
            **actions,
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
    return render(
        request,
        "care/plan_list.html",
        {"waiting": waiting, "others": others, "to_decide": _to_decide(request.user).count()},
    )


def _to_decide(user):
    """Visits still to come, in the communities `user` is staff of, held or not covered."""
    return Occurrence.objects.filter(
        plan__status=CarePlan.Status.ACTIVE,
        plan__care_recipient__community__in=communities_scoped_to(user, role="community_staff"),
        day__gte=timezone.localdate(),
        status__in=[Occurrence.Status.HELD, Occurrence.Status.UNCOVERED],
    )


@login_required
def visits_to_decide(request: HttpRequest) -> HttpResponse:
    """For community staff: the visits still to come, in their communities, that are held
    (the allowance or budget used up) or not covered (not bookable, or declined by the
    provider), with why, and what they may do about each."""
    visits = list(
        _to_decide(request.user)
        .select_related("plan__care_recipient", "plan__provider", "item__service")
        .order_by("day", "item__starts_at", "pk")[:200]
    )
    _with_copay(visits)
    return render(request, "care/visits_to_decide.html", {"visits": visits})


def _with_copay(visits: list[Occurrence]) -> None:
    for visit in visits:
        held = visit.status == Occurrence.Status.HELD
        visit.copay_fen = _copay_if_booked(visit) if held else None


def _copay_if_booked(visit: Occurrence) -> int | None:
    """What the family would pay for a held visit booked now (None: it cannot be)."""
    try:
        split = subsidy.quote(
            service=visit.item.service,
            care_recipient=visit.plan.care_recipient,
            quantity=visit.item.quantity,
            on=visit.day,
        )
    except Refusal:
        return None
    return split.copay_fen
