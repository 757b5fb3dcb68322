from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import notifications as notifications_service
from accounts import services
from accounts.forms import CareRecipientForm, ResidentProfileForm, ShareCareRecipientForm
from accounts.models import CareLink, CareRecipient, Notification, ResidentProfile
from linli.refusals import Refusal


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("This language is not available."))
        return HttpResponseRedirect(_safe_next(request))
    if request.user.is_authenticated:
        services.set_preferences(user=request.user, language=language)
    translation.activate(language)
    response = HttpResponseRedirect(_safe_next(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response


@require_POST
def set_elder_mode(request: HttpRequest) -> HttpResponse:
    elder_mode = request.POST.get("elder_mode") == "1"
    if request.user.is_authenticated:
        services.set_preferences(user=request.user, elder_mode=elder_mode)
    response = HttpResponseRedirect(_safe_next(request))
    response.set_cookie(
        settings.ELDER_MODE_COOKIE,
        "1" if elder_mode else "0",
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    recipients = CareRecipient.objects.linked_to(request.user).select_related("community")
    return render(request, "accounts/home.html", {"recipients": recipients})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    current = ResidentProfile.objects.filter(user=request.user).first()
    form = ResidentProfileForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_resident_profile(user=request.user, **form.cleaned_data)
        except Refusal as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def care_recipients(request: HttpRequest) -> HttpResponse:
    form = CareRecipientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            recipient = services.create_care_recipient(by=request.user, **data)
        except Refusal as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": recipient.name})
            return redirect("accounts:care_recipient", pk=recipient.pk)
    recipients = CareRecipient.objects.linked_to(request.user).select_related("community")
    return render(
        request, "accounts/care_recipients.html", {"form": form, "recipients": recipients}
    )


@login_required
def care_recipient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = get_object_or_404(CareRecipient.objects.visible_to(request.user), pk=pk)
    form = ShareCareRecipientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.share_care_recipient(
                care_recipient=recipient, by=request.user, **form.cleaned_data
            )
        except Refusal as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The other account can now book for %(name)s.") % {"name": recipient.name},
            )
            return redirect("accounts:care_recipient", pk=recipient.pk)
    links = recipient.links.select_related("account").order_by("created_at")
    # Subsidy programmes sit above accounts: their rows are reached through the relation.
    coverage = recipient.eligibilities.filter(
        revoked_at__isnull=True, valid_until__gte=timezone.localdate()
    ).select_related("programme__purchaser")
    applications = recipient.applications.select_related("programme")
    return render(
        request,
        "accounts/care_recipient_detail.html",
        {
            "recipient": recipient,
            "links": links,
            "form": form,
            "coverage": coverage,
            "applications": applications,
        },
    )


@login_required
@require_POST
def unlink(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(
        CareLink.objects.filter(care_recipient__in=CareRecipient.objects.visible_to(request.user)),
        pk=pk,
    )
    services.unlink_care_recipient(link=link, by=request.user)
    messages.success(request, _("The link has been removed."))
    return redirect("accounts:care_recipients")


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(Notification.objects.filter(user=request.user)[:100])
    # Seen is read: the badge clears (the page still marks which ones were new).
    services.mark_notifications_read(
        user=request.user, ids=[item.pk for item in items if item.read_at is None]
    )
    return render(request, "accounts/notifications.html", {"notifications": items})


@login_required
@require_POST
def mark_notifications_read(request: HttpRequest) -> HttpResponse:
    services.mark_notifications_read(user=request.user)
    return redirect("accounts:notifications")


@login_required
def unread_notifications(request: HttpRequest) -> JsonResponse:
    """What open pages poll when the live connection is down."""
    latest = Notification.objects.filter(user=request.user, read_at__isnull=True)[:5]
    return JsonResponse(
        {
            "unread": notifications_service.unread_count(request.user),
            "latest": [{"id": n.pk, "text": n.text, "url": n.url} for n in latest],
        }
    )
