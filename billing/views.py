"""The family's side of subsidy applications: apply from the person's page, follow the
status and the reason, add evidence and send the application back."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import CareRecipient
from billing import applications
from billing.forms import ApplicationForm
from billing.models import Application, ApplicationEvidence
from linli.downloads import private_file_response
from linli.refusals import Refusal
from linli.views import attach_evidence, attempt


@login_required
def new(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = get_object_or_404(CareRecipient.objects.visible_to(request.user), pk=pk)
    form = ApplicationForm(request.POST or None, request.FILES or None, recipient=recipient)
    if request.method == "POST" and form.is_valid():
        try:
            application = applications.apply_for_programme(
                care_recipient=recipient, by=request.user, **form.service_arguments()
            )
        except Refusal as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The application is sent to community staff."))
            return redirect("applications:detail", pk=application.pk)
    return render(request, "billing/application_form.html", {"recipient": recipient, "form": form})


def _application(request: HttpRequest, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related(
            "care_recipient", "programme__purchaser"
        ),
        pk=pk,
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    return render(
        request,
        "billing/application_detail.html",
        {
            "application": application,
            "events": application.events.select_related("actor"),
            "evidence": application.evidence.all(),
        },
    )


@login_required
@require_POST
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    attach_evidence(
        request,
        lambda upload, description: applications.add_application_evidence(
            application=application, by=request.user, upload=upload, description=description
        ),
    )
    return redirect("applications:detail", pk=application.pk)


@login_required
@require_POST
def resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    attempt(
        request,
        lambda: applications.resubmit_application(
            application=application, by=request.user, note=request.POST.get("note", "")
        ),
        success=_("The application is sent back to community staff."),
    )
    return redirect("applications:detail", pk=application.pk)


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """The family and staff of the person's community; 404 for anyone else."""
    item = get_object_or_404(
        ApplicationEvidence.objects.filter(
            application__in=Application.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    return private_file_response(
        item.file, content_type=item.content_type, filename=item.original_name
    )
