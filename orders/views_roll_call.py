"""The roll call of a venue's sittings (decision 0028): the provider's managers and community
staff of the venue's community see who is booked and mark everyone in one action."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.refusals import Refusal
from orders import roll_call
from orders.models import Order
from providers.models import Venue


def _venue(request: HttpRequest, pk: int) -> Venue:
    return get_object_or_404(
        Venue.objects.visible_to(request.user).select_related("provider", "community"), pk=pk
    )


def _sittings_of(venue: Venue, day: datetime.date) -> list[datetime.datetime]:
    """The day's sittings: as the venue's week has them, and any time booked that day (a
    sitting removed since keeps its bookings)."""
    starts = {
        timezone.make_aware(datetime.datetime.combine(day, sitting.starts_at))
        for sitting in venue.sittings.filter(weekday=day.weekday())
    }
    begin = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    starts |= set(
        Order.objects.filter(
            venue=venue, starts_at__gte=begin, starts_at__lt=begin + datetime.timedelta(days=1)
        ).values_list("starts_at", flat=True)
    )
    return sorted(starts)


@login_required
def venues(request: HttpRequest) -> HttpResponse:
    """The venues whose roll call this person may take, with today's sittings."""
    today = timezone.localdate()
    rows = [
        (venue, _sittings_of(venue, today))
        for venue in Venue.objects.visible_to(request.user).select_related("provider")
    ]
    return render(request, "orders/venues.html", {"rows": rows, "today": today})


@login_required
def roll_call_day(request: HttpRequest, pk: int) -> HttpResponse:
    venue = _venue(request, pk)
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    sittings = [
        (starts_at, roll_call.sitting_list(venue, starts_at).count())
        for starts_at in _sittings_of(venue, day)
    ]
    return render(
        request,
        "orders/roll_call_day.html",
        {
            "venue": venue,
            "day": day,
            "sittings": sittings,
            "previous_day": day - datetime.timedelta(days=1),
            "next_day": day + datetime.timedelta(days=1),
        },
    )


def _sitting_start(when: str) -> datetime.datetime:
    """A sitting's start from the address, e.g. 202611181130 (local time)."""
    try:
        if len(when) != 12 or not when.isdigit():
            raise ValueError(when)
        day = datetime.date(int(when[:4]), int(when[4:6]), int(when[6:8]))
        moment = datetime.time(int(when[8:10]), int(when[10:12]))
    except ValueError:
        raise Http404 from None
    return timezone.make_aware(datetime.datetime.combine(day, moment))


def _marks(post) -> dict[int, str]:
    marks = {}
    for key, value in post.items():
        if key.startswith("mark-") and key[5:].isdigit() and value:
            marks[int(key[5:])] = value
    return marks


@login_required
def roll_call_sitting(request: HttpRequest, pk: int, when: str) -> HttpResponse:
    venue = _venue(request, pk)
    starts_at = _sitting_start(when)
    if request.method == "POST":
        try:
            marks = _marks(request.POST)
            if request.POST.get("all_present"):
                for order in roll_call.sitting_list(venue, starts_at):
                    if order.status == Order.Status.CONFIRMED:
                        marks.setdefault(order.pk, roll_call.PRESENT)
            result = roll_call.take_roll_call(
                venue=venue, starts_at=starts_at, marks=marks, by=request.user
            )
        except Refusal as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Roll call saved: %(present)s present, %(absent)s absent, %(same)s unchanged.")
                % {
                    "present": result.present,
                    "absent": result.absent,
                    "same": result.unchanged,
                },
            )
            return redirect("orders:roll_call_sitting", pk=venue.pk, when=when)
    people = [
        (order, roll_call.roll_call_mark(order))
        for order in roll_call.sitting_list(venue, starts_at)
    ]
    return render(
        request,
        "orders/roll_call.html",
        {
            "venue": venue,
            "starts_at": starts_at,
            "people": people,
            "waiting": roll_call.waiting_for_an_answer(venue, starts_at),
            "begun": timezone.now() >= starts_at,
            "PRESENT": roll_call.PRESENT,
            "ABSENT": roll_call.ABSENT,
            "CORRECTABLE": Order.Status.COMPLETED,
            "UNMARKED": Order.Status.CONFIRMED,
        },
    )
