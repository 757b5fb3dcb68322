"""Community staff's needs assessments (需求评估): record one for a person of their
communities, keep evidence with it, and read what it gave. Reached from the person's
eligibility page."""

from django import forms
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.viewsets.base import ViewSet

from accounts.models import CareRecipient
from assessments import services as assessment_services
from assessments.instrument import BARTHEL_ITEMS, ITEM_FIELDS
from assessments.models import Assessment, AssessmentEvidence, Cognition, LivingSituation
from cms.workspace.access import require_community_staff
from cms.workspace.applications import to_assess
from linli.downloads import private_file_response
from linli.views import attach_evidence, attempt
from linli.widgets import DateInput


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(
        label=gettext_lazy("Assessed on"),
        # A date input takes only ISO dates: a localised initial date left it empty.
        widget=DateInput(),
    )
    cognition = forms.ChoiceField(
        label=gettext_lazy("Cognition"), choices=Cognition.choices, widget=forms.RadioSelect
    )
    living_situation = forms.ChoiceField(
        label=gettext_lazy("Living situation"),
        choices=LivingSituation.choices,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes for the care plan"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in BARTHEL_ITEMS:
            self.fields[item.field] = forms.TypedChoiceField(
                label=item.label,
                choices=[(score, f"{score} · {meaning}") for score, meaning in item.scores],
                coerce=int,
                widget=forms.RadioSelect,
            )
        self.order_fields(["assessed_on", *ITEM_FIELDS])

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "assessed_on": data["assessed_on"],
            "scores": {field: data[field] for field in ITEM_FIELDS},
            "cognition": data["cognition"],
            "living_situation": data["living_situation"],
            "notes": data["notes"],
        }


def _recipient(request: HttpRequest, pk: int) -> CareRecipient:
    require_community_staff(request.user)
    return get_object_or_404(CareRecipient.objects.in_scope_of(request.user), pk=pk)


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    require_community_staff(request.user)
    return get_object_or_404(
        Assessment.objects.in_scope_of(request.user).select_related("care_recipient", "assessor"),
        pk=pk,
    )


def queue(request: HttpRequest) -> HttpResponse:
    """The people whose subsidy application waits for their needs assessment."""
    waiting = (
        to_assess(request.user)
        .select_related("care_recipient__community", "programme")
        .order_by("updated_at", "pk")
    )
    title = _("Assessments to do")
    return render(
        request,
        "cms/workspace/assessments_queue.html",
        {
            "page_title": title,
            "header_title": title,
            "header_icon": "clipboard-list",
            "waiting": waiting[:200],
        },
    )


def new(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = _recipient(request, pk)
    form = AssessmentForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        recorded = attempt(
            request,
            lambda: assessment_services.record_assessment(
                care_recipient=recipient, by=request.user, **form.service_arguments()
            ),
            success=_("The assessment is recorded."),
        )
        if recorded:
            return redirect("eligibility:recipient", pk=recipient.pk)
    title = _("Assess %(name)s") % {"name": recipient.name}
    context = {"page_title": title, "header_title": title, "header_icon": "clipboard-list"}
    return render(
        request,
        "cms/workspace/assessment_form.html",
        context | {"recipient": recipient, "form": form},
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    title = _("Assessment of %(name)s") % {"name": assessment.care_recipient.name}
    items = [(item.label, getattr(assessment, item.field)) for item in BARTHEL_ITEMS]
    return render(
        request,
        "cms/workspace/assessment_detail.html",
        {
            "page_title": title,
            "header_title": title,
            "header_icon": "clipboard-list",
            "assessment": assessment,
            "items": items,
            "evidence": assessment.evidence.all(),
        },
    )


@require_POST
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    attach_evidence(
        request,
        lambda upload, description: assessment_services.add_evidence(
            assessment=assessment, by=request.user, upload=upload, description=description
        ),
    )
    return redirect("assessments:detail", pk=assessment.pk)


def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    require_community_staff(request.user)
    item = get_object_or_404(
        AssessmentEvidence.objects.filter(
            assessment__in=Assessment.objects.in_scope_of(request.user)
        ),
        pk=pk,
    )
    return private_file_response(
        item.file, content_type=item.content_type, filename=item.original_name
    )


class AssessmentsViewSet(ViewSet):
    """No menu entry: staff come here from a person's eligibility page, or from "waiting
    for you" to the assessments that applications ask for."""

    name = "assessments"
    icon = "clipboard-list"

    def get_urlpatterns(self):
        return [
            path("", queue, name="queue"),
            path("people/<int:pk>/new/", new, name="new"),
            path("<int:pk>/", detail, name="detail"),
            path("<int:pk>/evidence/", evidence, name="evidence"),
            path("evidence/<int:pk>/", evidence_file, name="evidence_file"),
        ]
