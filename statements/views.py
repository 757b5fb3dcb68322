"""The provider's side of the bill (decision 0035): a provider's managers see the issued
statements of their provider, each line, exclusions, corrections and payment, and contest
an excluded line. Officers' screens are in cms/workspace/."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.downloads import private_file_response
from linli.views import attempt, report_form_errors
from providers.models import Provider
from statements import contests, services
from statements.forms import ContestForm
from statements.models import ContestEvidence, Statement, StatementLine
from statements.policy import contest_until


@login_required
def provider_statements(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(Provider.objects.managed_by(request.user), pk=pk)
    statements = (
        Statement.objects.managed_by(request.user)
        .filter(provider=provider)
        .select_related("purchaser")
    )
    return render(
        request,
        "statements/provider_statements.html",
        {"provider": provider, "statements": [(s, services.totals(s)) for s in statements]},
    )


@login_required
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    statement = get_object_or_404(
        Statement.objects.managed_by(request.user).select_related("purchaser", "provider"),
        pk=pk,
    )
    today = timezone.localdate()
    lines = services.lines_for_export(statement).select_related(
        "statement", "contest__adjustment__statement"
    )
    return render(
        request,
        "statements/provider_statement.html",
        {
            "statement": statement,
            "totals": services.totals(statement),
            "lines": [(line, contests.is_contestable(line, today=today)) for line in lines],
            "adjustments": statement.adjustments.select_related("corrects__statement"),
            "contest_until": contest_until(statement),
            "form": ContestForm(),
        },
    )


@login_required
@require_POST
def contest(request: HttpRequest, pk: int) -> HttpResponse:
    line = get_object_or_404(StatementLine.objects.managed_by(request.user), pk=pk)
    form = ContestForm(request.POST, request.FILES)
    if form.is_valid():
        attempt(
            request,
            lambda: contests.contest_line(
                line=line,
                by=request.user,
                reason=form.cleaned_data["reason"],
                evidence=form.cleaned_data["evidence"],
            ),
            success=_("Your contest is sent to the purchaser."),
        )
    else:
        report_form_errors(request, form)
    return redirect("statements:statement", pk=line.statement_id)


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    evidence = get_object_or_404(ContestEvidence.objects.managed_by(request.user), pk=pk)
    return private_file_response(
        evidence.file,
        content_type=evidence.content_type,
        filename=evidence.file.name.rsplit("/", 1)[-1],
    )
