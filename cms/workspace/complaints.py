"""Community staff's complaints: open ones by answer time with the overdue flagged, the
answer with its outcome, and complaints filed on a resident's behalf."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from accounts.models import CareRecipient, Role
from cms.workspace.access import CommunityStaffMenuItem, StaffOnlyMixin, require_community_staff
from communities.scoping import communities_scoped_to
from linli.refusals import Refusal
from linli.views import attempt
from orders.models import Order
from providers.models import Provider
from reviews import services
from reviews.models import Complaint


class ComplaintListView(StaffOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Complaints")
    header_icon = "warning"
    template_name = "cms/workspace/complaint_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        complaints = Complaint.objects.in_scope_of(self.request.user).select_related(
            "provider", "care_recipient", "community", "order"
        )
        context.update(
            now=timezone.now(),
            open_complaints=complaints.filter(closed_at__isnull=True).order_by("due_at"),
            closed_complaints=complaints.filter(closed_at__isnull=False).order_by("-closed_at")[
                :100
            ],
        )
        return context


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=Complaint.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=gettext_lazy("What the resident will read"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    remedy = forms.ChoiceField(
        label=gettext_lazy("Remedy, if upheld"),
        choices=Complaint.Remedy.choices,
        required=False,
        widget=forms.RadioSelect,
    )


class ComplaintDetailView(StaffOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "warning"
    template_name = "cms/workspace/complaint_detail.html"

    def get_page_title(self):
        return _("Complaint about %(provider)s") % {"provider": self.complaint.provider.name}

    def dispatch(self, request, *args, **kwargs):
        require_community_staff(request.user)
        self.complaint = get_object_or_404(
            Complaint.objects.in_scope_of(request.user).select_related(
                "provider", "care_recipient", "community", "order", "filed_by", "handled_by"
            ),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("complaints:index"), "label": _("Complaints")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            complaint=self.complaint,
            feedback=getattr(self.complaint, "feedback", None),
            overdue=self.complaint.is_open and self.complaint.due_at < timezone.now(),
            form=AnswerForm(),
        )
        return context


@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    require_community_staff(request.user)
    complaint = get_object_or_404(Complaint.objects.in_scope_of(request.user), pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Please choose the outcome and write what the resident will read.")
        )
        return redirect("complaints:detail", pk=pk)
    attempt(
        request,
        lambda: services.answer_complaint(
            complaint=complaint, by=request.user, **form.cleaned_data
        ),
        success=_("The complaint is answered and the resident has been told."),
    )
    return redirect("complaints:detail", pk=pk)


class OnBehalfForm(forms.Form):
    care_recipient = forms.ModelChoiceField(
        label=pgettext_lazy("the person a complaint is about", "For whom"),
        queryset=CareRecipient.objects.none(),
    )
    provider = forms.ModelChoiceField(
        label=gettext_lazy("About which provider"), queryset=Provider.objects.none()
    )
    order = forms.CharField(
        label=gettext_lazy("Order number (optional)"), required=False, max_length=20
    )
    category = forms.ChoiceField(
        label=gettext_lazy("What is it about"),
        choices=[c for c in Complaint.Category.choices if c[0] != Complaint.Category.FEEDBACK],
    )
    description = forms.CharField(
        label=pgettext_lazy("a complaint's description", "What happened"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communities = communities_scoped_to(user, role=Role.COMMUNITY_STAFF)
        self.fields["care_recipient"].queryset = CareRecipient.objects.in_scope_of(user).order_by(
            "name"
        )
        self.fields["provider"].queryset = Provider.objects.in_scope_of(user).order_by("name")
        self.communities = communities

    def clean(self):
        data = super().clean()
        code = (data.get("order") or "").strip()
        data["order"] = None
        if code and data.get("care_recipient"):
            data["order"] = Order.objects.filter(
                code=code, care_recipient=data["care_recipient"]
            ).first()
            if data["order"] is None:
                self.add_error("order", _("No order with this number for this person."))
        return data


class OnBehalfView(StaffOnlyMixin, WagtailAdminTemplateMixin, FormView):
    page_title = gettext_lazy("File a complaint for a resident")
    header_icon = "warning"
    template_name = "cms/workspace/complaint_form.html"
    form_class = OnBehalfForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            complaint = services.file_complaint(by=self.request.user, **form.cleaned_data)
        except Refusal as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The complaint is filed."))
        return redirect("complaints:detail", pk=complaint.pk)


class ComplaintsViewSet(ViewSet):
    name = "complaints"
    icon = "warning"
    menu_label = gettext_lazy("Complaints")
    menu_order = 250
    add_to_admin_menu = True
    menu_item_class = CommunityStaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", ComplaintListView.as_view(), name="index"),
            path("new/", OnBehalfView.as_view(), name="new"),
            path("<int:pk>/", ComplaintDetailView.as_view(), name="detail"),
            path("<int:pk>/answer/", answer, name="answer"),
        ]
