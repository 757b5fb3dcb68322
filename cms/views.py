"""Residents' side of the channels: registering for activities, reading a targeted
notice, and the site search over pages and services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cms import activities, notices
from cms.forms import RegistrationForm
from cms.models import ActivityPage, ActivityRegistration
from cms.search import search_site
from linli.refusals import Refusal
from linli.views import attempt


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(ActivityPage.objects.live(), pk=pk)
    form = RegistrationForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Please choose who will come."))
        return redirect(activity.url)
    try:
        registration = activities.register(
            activity=activity, by=request.user, care_recipient=form.care_recipient()
        )
    except Refusal as exc:
        messages.error(request, exc.message)
    else:
        if registration.status == ActivityRegistration.Status.REGISTERED:
            messages.success(request, _("Registered. See you there!"))
        else:
            messages.info(
                request,
                _(
                    "The activity is full, so you are on the waiting list. We will tell you "
                    "when a place comes free."
                ),
            )
    return redirect(activity.url)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(
        ActivityRegistration.objects.filter(registered_by=request.user), pk=pk
    )
    attempt(
        request,
        lambda: activities.cancel(registration=registration, by=request.user),
        success=_("Your registration is cancelled."),
    )
    return redirect(registration.activity.url)


@login_required
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(notices.deliveries_for(request.user), notice_id=pk)
    notices.read_notice(delivery=delivery)
    return render(request, "cms/notice.html", {"delivery": delivery, "notice": delivery.notice})


@login_required
def my_notices(request: HttpRequest) -> HttpResponse:
    deliveries = notices.deliveries_for(request.user).order_by("-notice__sent_at")[:100]
    return render(request, "cms/my_notices.html", {"deliveries": deliveries})


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    pages, services = search_site(query) if query else ([], [])
    return render(
        request, "cms/search.html", {"query": query, "pages": pages, "services": services}
    )
