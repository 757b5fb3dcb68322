"""A provider's managers keep its venues and their sittings (decision 0028)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.refusals import Refusal
from linli.views import attempt, report_form_errors
from providers import venues as venue_services
from providers.forms import SittingForm, VenueForm
from providers.models import Provider, Venue


def _managed_venue(request: HttpRequest, pk: int) -> Venue:
    return get_object_or_404(
        Venue.objects.managed_by(request.user).select_related("provider", "community"), pk=pk
    )


@login_required
def venues(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(Provider.objects.managed_by(request.user), pk=pk)
    form = VenueForm(request.POST or None, provider=provider)
    if request.method == "POST" and form.is_valid():
        try:
            venue = venue_services.create_venue(
                provider=provider, by=request.user, **form.cleaned_data
            )
        except Refusal as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The venue is saved. Now add its sittings."))
            return redirect("providers:venue", pk=venue.pk)
    return render(
        request,
        "providers/venues.html",
        {
            "provider": provider,
            "venues": provider.venues.select_related("community").prefetch_related("sittings"),
            "form": form,
        },
    )


@login_required
def venue(request: HttpRequest, pk: int) -> HttpResponse:
    venue = _managed_venue(request, pk)
    form = VenueForm(request.POST or None, instance=venue, provider=venue.provider)
    if request.method == "POST" and form.is_valid():
        try:
            venue_services.update_venue(venue=venue, by=request.user, **form.cleaned_data)
        except Refusal as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("providers:venue", pk=venue.pk)
    return render(
        request,
        "providers/venue.html",
        {
            "venue": venue,
            "form": form,
            "sitting_form": SittingForm(),
            "sittings": venue.sittings.all(),
            # The catalogue sits above providers; its rows are reached through the relation.
            "services": venue.services.all(),
        },
    )


@login_required
@require_POST
def add_sitting(request: HttpRequest, pk: int) -> HttpResponse:
    venue = _managed_venue(request, pk)
    form = SittingForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: venue_services.add_sitting(venue=venue, by=request.user, **form.cleaned_data),
            success=_("The sitting is added."),
        )
    else:
        report_form_errors(request, form)
    return redirect("providers:venue", pk=venue.pk)


@login_required
@require_POST
def remove_sitting(request: HttpRequest, pk: int, sitting_pk: int) -> HttpResponse:
    venue = _managed_venue(request, pk)
    sitting = get_object_or_404(venue.sittings, pk=sitting_pk)
    attempt(
        request,
        lambda: venue_services.remove_sitting(sitting=sitting, by=request.user),
        success=_("The sitting is removed; times already booked stay."),
    )
    return redirect("providers:venue", pk=venue.pk)
