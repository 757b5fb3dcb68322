"""The purchaser officer's contested lines: what providers object to in an approved
statement's exclusions, with their evidence; the officer upholds (the line is paid as an
adjustment on a later statement) or confirms the exclusion (decision 0035)."""

from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.viewsets.base import ViewSet

from cms.workspace.purchase import OfficerMenuItem, require_officer
from linli.downloads import private_file_response
from linli.views import attempt, report_form_errors
from statements import contests
from statements.forms import ResolveForm
from statements.models import ContestEvidence, LineContest

PER_PAGE = 50


def _contests(request: HttpRequest):
    require_officer(request)
    return LineContest.objects.visible_to(request.user).select_related(
        "line__statement__provider", "line__statement__purchaser", "line__exclusion"
    )


def index(request: HttpRequest) -> HttpResponse:
    # Open contests first, the oldest of them at the top: they are the officer's to do.
    ordered = _contests(request).order_by(
        Case(
            When(status=LineContest.Status.OPEN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "opened_at",
    )
    page = Paginator(ordered, PER_PAGE).get_page(request.GET.get("page"))
    title = _("Contested lines")
    return render(
        request,
        "cms/workspace/contests.html",
        {"page_title": title, "header_title": title, "header_icon": "warning", "page": page},
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_object_or_404(_contests(request), pk=pk)
    title = _("Contest of line %(order)s") % {"order": contest.line.order_code}
    return render(
        request,
        "cms/workspace/contest_detail.html",
        {
            "page_title": title,
            "header_title": title,
            "header_icon": "warning",
            "contest": contest,
            "evidence": contest.evidence.all(),
            "events": contest.events.select_related("actor"),
            "form": ResolveForm(),
        },
    )


@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_object_or_404(_contests(request), pk=pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        uphold = form.cleaned_data["decision"] == ResolveForm.UPHOLD
        attempt(
            request,
            lambda: contests.resolve_contest(
                contest=contest, by=request.user, uphold=uphold, answer=form.cleaned_data["answer"]
            ),
            success=_("The contest is decided and the provider is told."),
        )
    else:
        report_form_errors(request, form)
    return redirect("contests:detail", pk=contest.pk)


def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    require_officer(request)
    evidence = get_object_or_404(ContestEvidence.objects.visible_to(request.user), pk=pk)
    return private_file_response(
        evidence.file,
        content_type=evidence.content_type,
        filename=evidence.file.name.rsplit("/", 1)[-1],
    )


class ContestsViewSet(ViewSet):
    name = "contests"
    icon = "warning"
    menu_label = gettext_lazy("Contested lines")
    menu_order = 251
    add_to_admin_menu = True
    menu_item_class = OfficerMenuItem

    def get_urlpatterns(self):
        return [
            path("", index, name="index"),
            path("<int:pk>/", detail, name="detail"),
            path("<int:pk>/resolve/", resolve, name="resolve"),
            path("evidence/<int:pk>/", evidence_file, name="evidence_file"),
        ]
