"""The family's and the person's view of their care: the assessed level and what is left
of this month's allowance (and, as plans land, the plan and its calendar)."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts.models import CareRecipient
from assessments.levels import care_level_of
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
        },
    )


def _month_asked(request: HttpRequest, today: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        return today.replace(day=1)
