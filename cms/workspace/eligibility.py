"""Community staff's eligibility work (资格认定): the people of their communities, their
circumstances, the programmes they qualify for with evidence, and registering someone
without an account to book for them."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.viewsets.base import ViewSet

from accounts import services as account_services
from accounts.models import CareRecipient
from assessments.levels import care_level_of
from billing import services as billing_services
from billing.forms import ApplicationForm
from billing.models import Eligibility, EligibilityEvidence, Programme
from cms.workspace.access import CommunityStaffMenuItem, require_community_staff
from cms.workspace.applications import APPLY
from communities.models import Region
from communities.scoping import communities_scoped_to, regions_covering
from linli.downloads import private_file_response
from linli.fields import BirthDateField, ChineseMobileField
from linli.views import attach_evidence, attempt
from linli.widgets import DateInput

CIRCUMSTANCES = [
    "birth_date",
    "living_alone",
    "minimum_living_allowance",
    "low_income",
    "disability_level",
    "special_care",
]


class CircumstancesForm(forms.ModelForm):
    class Meta:
        model = CareRecipient
        fields = CIRCUMSTANCES
        field_classes = {"birth_date": BirthDateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.assessments.exists():
            # The assessment sets the level; typing another would only mislead.
            level = self.fields["disability_level"]
            level.disabled = True
            level.help_text = gettext_lazy("Set by the needs assessment.")


class RegisterForm(forms.ModelForm):
    community = forms.ModelChoiceField(
        queryset=Region.objects.none(), label=gettext_lazy("Community")
    )

    class Meta:
        model = CareRecipient
        fields = ["name", "community", "address", "phone", *CIRCUMSTANCES]
        field_classes = {"birth_date": BirthDateField, "phone": ChineseMobileField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities_scoped_to(user, role="community_staff")


class EligibilityForm(forms.Form):
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(), label=gettext_lazy("Programme")
    )
    valid_from = forms.DateField(label=gettext_lazy("valid from"), widget=DateInput())
    valid_until = forms.DateField(label=gettext_lazy("valid until"), widget=DateInput())
    note = forms.CharField(label=gettext_lazy("Note"), required=False)

    def __init__(self, *args, recipient: CareRecipient, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(
            region__in=regions_covering([recipient.community_id])
        ).select_related("purchaser")


def _recipients(request: HttpRequest):
    require_community_staff(request.user)
    return CareRecipient.objects.in_scope_of(request.user).select_related("community")


def _page(request, template: str, title: str, **context) -> HttpResponse:
    context.update(page_title=title, header_title=title, header_icon="user")
    return render(request, f"cms/workspace/{template}", context)


def recipient_list(request: HttpRequest) -> HttpResponse:
    recipients = _recipients(request)
    query = request.GET.get("q", "").strip()
    if query:
        recipients = recipients.filter(Q(name__contains=query) | Q(phone__contains=query))
    form = RegisterForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        recipient = account_services.register_care_recipient_for_assistance(
            by=request.user, **form.cleaned_data
        )
        messages.success(request, _("%(name)s has been added.") % {"name": recipient.name})
        return redirect("eligibility:recipient", pk=recipient.pk)
    return _page(
        request,
        "eligibility_list.html",
        _("Eligibility"),
        recipients=recipients.order_by("name")[:200],
        query=query,
        form=form,
    )


def recipient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = get_object_or_404(_recipients(request), pk=pk)
    circumstances = CircumstancesForm(request.POST or None, instance=recipient, prefix="facts")
    if request.method == "POST" and circumstances.is_valid():
        account_services.update_circumstances(
            care_recipient=recipient,
            by=request.user,
            **{name: circumstances.cleaned_data[name] for name in CIRCUMSTANCES},
        )
        messages.success(request, _("Your details are saved."))
        return redirect("eligibility:recipient", pk=recipient.pk)
    return _page(
        request,
        "eligibility_detail.html",
        recipient.name,
        recipient=recipient,
        circumstances=circumstances,
        eligibility_form=EligibilityForm(recipient=recipient),
        application_form=ApplicationForm(recipient=recipient, prefix=APPLY),
        applications=recipient.applications.select_related("programme"),
        care_level=care_level_of(recipient, timezone.localdate()),
        assessments=recipient.assessments.all(),
        eligibilities=recipient.eligibilities.select_related(
            "programme__purchaser", "verified_by"
        ).prefetch_related("evidence"),
    )


@require_POST
def record(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = get_object_or_404(_recipients(request), pk=pk)
    form = EligibilityForm(request.POST, recipient=recipient)
    if not form.is_valid():
        messages.error(request, _("Please choose the programme and the period."))
        return redirect("eligibility:recipient", pk=recipient.pk)
    attempt(
        request,
        lambda: billing_services.record_eligibility(
            care_recipient=recipient, by=request.user, **form.cleaned_data
        ),
        success=_("The eligibility is recorded."),
    )
    return redirect("eligibility:recipient", pk=recipient.pk)


def _eligibility(request: HttpRequest, pk: int) -> Eligibility:
    return get_object_or_404(
        Eligibility.objects.filter(care_recipient__in=_recipients(request)), pk=pk
    )


@require_POST
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    eligibility = _eligibility(request, pk)
    attach_evidence(
        request,
        lambda upload, description: billing_services.add_evidence(
            eligibility=eligibility, by=request.user, upload=upload, description=description
        ),
    )
    return redirect("eligibility:recipient", pk=eligibility.care_recipient_id)


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    eligibility = _eligibility(request, pk)
    attempt(
        request,
        lambda: billing_services.revoke_eligibility(
            eligibility=eligibility, by=request.user, reason=request.POST.get("reason", "")
        ),
    )
    return redirect("eligibility:recipient", pk=eligibility.care_recipient_id)


def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(
        EligibilityEvidence.objects.filter(eligibility__care_recipient__in=_recipients(request)),
        pk=pk,
    )
    if item.file is None:
        raise PermissionDenied
    return private_file_response(
        item.file, content_type=item.content_type, filename=item.file.name.rsplit("/", 1)[-1]
    )


class EligibilityViewSet(ViewSet):
    name = "eligibility"
    icon = "user"
    menu_label = gettext_lazy("Eligibility")
    menu_order = 215
    add_to_admin_menu = True
    menu_item_class = CommunityStaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", recipient_list, name="list"),
            path("<int:pk>/", recipient_detail, name="recipient"),
            path("<int:pk>/record/", record, name="record"),
            path("eligibilities/<int:pk>/evidence/", evidence, name="evidence"),
            path("eligibilities/<int:pk>/revoke/", revoke, name="revoke"),
            path("evidence/<int:pk>/", evidence_file, name="evidence_file"),
        ]
