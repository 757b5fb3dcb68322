"""Community staff's queue of subsidy applications (decision 0034): read the evidence,
approve (which records the eligibility, or first asks for a needs assessment), ask the
family for more, or refuse with the reason. Staff also apply for someone without an
account from the person's eligibility page."""

import datetime

from django import forms
from django.contrib import messages
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.viewsets.base import ViewSet

from accounts.models import CareRecipient
from assessments.levels import care_level_of
from assessments.models import Assessment
from billing import applications
from billing.forms import ApplicationForm
from billing.models import Application
from billing.services import criteria_unmet
from cms.workspace.access import CommunityStaffMenuItem, require_community_staff
from linli.dates import months_after
from linli.refusals import Refusal
from linli.views import attempt, report_form_errors
from linli.widgets import DateInput


class ApproveForm(forms.Form):
    valid_from = forms.DateField(
        label=gettext_lazy("valid from"),
        widget=DateInput(),
    )
    valid_until = forms.DateField(
        label=gettext_lazy("valid until"),
        widget=DateInput(),
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False)


def in_scope(user):
    """The applications this staff member decides."""
    require_community_staff(user)
    return Application.objects.in_scope_of(user)


def assessed_today():
    return Exists(
        Assessment.objects.holding_on(timezone.localdate()).filter(
            care_recipient=OuterRef("care_recipient")
        )
    )


def to_decide(user):
    """Submitted, or waiting for an assessment that has now been recorded."""
    return in_scope(user).filter(
        Q(status=Application.Status.SUBMITTED)
        | (Q(status=Application.Status.AWAITING_ASSESSMENT) & assessed_today())
    )


def to_assess(user):
    """Applications held for a needs assessment nobody has recorded yet."""
    return (
        in_scope(user)
        .filter(status=Application.Status.AWAITING_ASSESSMENT)
        .exclude(assessed_today())
    )


def _page(request, template: str, title: str, **context) -> HttpResponse:
    context.update(page_title=title, header_title=title, header_icon="doc-full")
    return render(request, f"cms/workspace/{template}", context)


def queue(request: HttpRequest) -> HttpResponse:
    rows = (
        in_scope(request.user)
        .still_open()
        .select_related("care_recipient__community", "programme")
        .order_by("created_at", "pk")
    )
    return _page(
        request,
        "applications.html",
        _("Subsidy applications"),
        applications=rows[:200],
        to_decide=to_decide(request.user).count(),
        to_assess=to_assess(request.user).count(),
        decided=in_scope(request.user)
        .exclude(status__in=Application.OPEN)
        .select_related("care_recipient", "programme")
        .order_by("-updated_at")[:50],
    )


def _application(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(
        in_scope(request.user).select_related("care_recipient__community", "programme"), pk=pk
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    recipient, programme = application.care_recipient, application.programme
    today = timezone.localdate()
    # A year by default, within the programme's own period.
    until = min(programme.valid_until, months_after(today, 12) - datetime.timedelta(days=1))
    return _page(
        request,
        "application_detail.html",
        _("Application of %(name)s") % {"name": recipient.name},
        application=application,
        recipient=recipient,
        care_level=care_level_of(recipient, today),
        unmet=criteria_unmet(programme, recipient, today),
        needs_assessment=applications.needs_assessment(programme, recipient, today),
        events=application.events.select_related("actor"),
        evidence=application.evidence.all(),
        approve_form=ApproveForm(initial={"valid_from": today, "valid_until": until}),
    )


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("application_queue:detail", pk=application.pk)
    done = attempt(
        request,
        lambda: applications.approve_application(
            application=application, by=request.user, **form.cleaned_data
        ),
    )
    if done:
        application.refresh_from_db(fields=["status"])
        if application.status == Application.Status.APPROVED:
            messages.success(request, _("Approved: the eligibility is recorded."))
        else:
            messages.warning(
                request,
                _(
                    "The programme goes by care level and %(name)s has no valid needs "
                    "assessment: it is now in the assessments to do. Approve again once "
                    "it is recorded."
                )
                % {"name": application.care_recipient.name},
            )
    return redirect("application_queue:detail", pk=application.pk)


def _with_reason(request: HttpRequest, pk: int, step, success: str) -> HttpResponse:
    application = _application(request, pk)
    reason = request.POST.get("reason", "")
    attempt(
        request,
        lambda: step(application=application, by=request.user, reason=reason),
        success=success,
    )
    return redirect("application_queue:detail", pk=application.pk)


@require_POST
def ask_for_more(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, applications.ask_for_more, _("The family is asked for more."))


@require_POST
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _with_reason(
        request,
        pk,
        applications.refuse_application,
        _("The application is refused; the family is told why."),
    )


# The person's workspace page also has the eligibility form, with its own `programme`:
# the application's fields are prefixed so names and ids stay unique on the page.
APPLY = "apply"


@require_POST
def apply_for(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff apply for a person of their communities (someone without an account)."""
    require_community_staff(request.user)
    recipient = get_object_or_404(CareRecipient.objects.in_scope_of(request.user), pk=pk)
    form = ApplicationForm(request.POST, request.FILES, recipient=recipient, prefix=APPLY)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("eligibility:recipient", pk=recipient.pk)
    try:
        application = applications.apply_for_programme(
            care_recipient=recipient, by=request.user, **form.service_arguments()
        )
    except Refusal as exc:
        messages.error(request, exc.message)
        return redirect("eligibility:recipient", pk=recipient.pk)
    messages.success(request, _("The application is recorded."))
    return redirect("application_queue:detail", pk=application.pk)


class ApplicationQueueViewSet(ViewSet):
    name = "application_queue"
    icon = "doc-full"
    menu_label = gettext_lazy("Subsidy applications")
    menu_order = 216
    add_to_admin_menu = True
    menu_item_class = CommunityStaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", queue, name="queue"),
            path("<int:pk>/", detail, name="detail"),
            path("<int:pk>/approve/", approve, name="approve"),
            path("<int:pk>/more/", ask_for_more, name="more"),
            path("<int:pk>/refuse/", refuse, name="refuse"),
            path("people/<int:pk>/apply/", apply_for, name="apply"),
        ]
