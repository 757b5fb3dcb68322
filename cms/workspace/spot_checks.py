"""Community staff's spot checks (抽查, decision 0037): the call-backs drawn for them, the
checks they record of a visit or a provider, and the follow-ups still open. Each step is
one service of reviews.spotchecks."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from cms.workspace.access import CommunityStaffMenuItem, StaffOnlyMixin, require_community_staff
from linli.refusals import Refusal
from linli.views import attempt, report_form_errors
from linli.widgets import DateInput
from orders.models import Order
from providers.models import Provider
from reviews import spotchecks
from reviews.models import SpotCheck


def checks_in_scope(user):
    return SpotCheck.objects.in_scope_of(user).select_related(
        "order__care_recipient", "provider", "assigned_to", "checked_by"
    )


def waiting_count(user) -> int:
    """Call-backs given to this person, and follow-ups in their scope due by today."""
    checks = SpotCheck.objects.in_scope_of(user)
    return (
        checks.filter(assigned_to=user, checked_at__isnull=True).count()
        + checks.exclude(follow_up="")
        .filter(follow_up_done_at__isnull=True, follow_up_due__lte=timezone.localdate())
        .count()
    )


class SpotCheckListView(StaffOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Spot checks")
    header_icon = "tasks"
    template_name = "cms/workspace/spot_checks.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        checks = checks_in_scope(self.request.user)
        open_checks = checks.filter(checked_at__isnull=True).order_by("drawn_on", "pk")
        context.update(
            mine=open_checks.filter(assigned_to=self.request.user),
            others=open_checks.exclude(assigned_to=self.request.user)[:100],
            follow_ups=checks.exclude(follow_up="")
            .filter(follow_up_done_at__isnull=True)
            .order_by("follow_up_due"),
            recorded=checks.filter(checked_at__isnull=False).order_by("-checked_at")[:100],
            today=timezone.localdate(),
        )
        return context


class RecordForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"), choices=SpotCheck.Outcome.choices, widget=forms.RadioSelect
    )
    findings = forms.CharField(
        label=gettext_lazy("What the check found"),
        help_text=gettext_lazy("The provider reads this."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )
    follow_up = forms.CharField(
        label=gettext_lazy("Follow-up (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    follow_up_due = forms.DateField(
        label=gettext_lazy("Follow-up due"),
        required=False,
        widget=DateInput(),
    )


class NewCheckForm(RecordForm):
    order = forms.CharField(
        label=gettext_lazy("Order number of the visit"), required=False, max_length=20
    )
    provider = forms.ModelChoiceField(
        label=gettext_lazy("Or the provider checked"),
        queryset=Provider.objects.none(),
        required=False,
    )
    method = forms.ChoiceField(
        label=gettext_lazy("How"), choices=SpotCheck.Method.choices, widget=forms.RadioSelect
    )
    field_order = ["order", "provider", "method", "outcome", "findings"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["provider"].queryset = Provider.objects.in_scope_of(user).order_by("name")

    def clean(self):
        data = super().clean()
        code = (data.get("order") or "").strip()
        data["order"] = None
        if code:
            data["order"] = Order.objects.in_scope_of(self.user).filter(code=code).first()
            if data["order"] is None:
                self.add_error("order", _("No visit with this number in your communities."))
        elif data.get("provider") is None:
            raise forms.ValidationError(_("Please give the visit's order number or the provider."))
        return data


class NewCheckView(StaffOnlyMixin, WagtailAdminTemplateMixin, FormView):
    page_title = gettext_lazy("Record a spot check")
    header_icon = "tasks"
    template_name = "cms/workspace/spot_check_form.html"
    form_class = NewCheckForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            check = spotchecks.record_spot_check(by=self.request.user, **form.cleaned_data)
        except Refusal as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        messages.success(self.request, _("The check is recorded."))
        return redirect("spot_checks:detail", pk=check.pk)


class SpotCheckDetailView(StaffOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "tasks"
    template_name = "cms/workspace/spot_check_detail.html"

    def dispatch(self, request, *args, **kwargs):
        require_community_staff(request.user)
        self.check = get_object_or_404(checks_in_scope(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("Spot check of %(subject)s") % {
            "subject": self.check.order.code if self.check.order else self.check.provider.name
        }

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("spot_checks:index"), "label": _("Spot checks")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(check=self.check, form=RecordForm(), follow_up_form=FollowUpForm())
        return context


def _act_on_check(request: HttpRequest, pk: int, form_class, act, success: str) -> HttpResponse:
    """A step on a spot check in scope (the booker's own visits are not), from its form."""
    require_community_staff(request.user)
    check = get_object_or_404(SpotCheck.objects.in_scope_of(request.user), pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: act(check=check, by=request.user, **form.cleaned_data),
            success=success,
        )
    else:
        report_form_errors(request, form)
    return redirect("spot_checks:detail", pk=pk)


@require_POST
def record(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_on_check(
        request, pk, RecordForm, spotchecks.record_call_back, _("The check is recorded.")
    )


class FollowUpForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What was done (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )


@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_on_check(
        request, pk, FollowUpForm, spotchecks.finish_follow_up, _("The follow-up is done.")
    )


class SpotChecksViewSet(ViewSet):
    name = "spot_checks"
    icon = "tasks"
    menu_label = gettext_lazy("Spot checks")
    menu_order = 252
    add_to_admin_menu = True
    menu_item_class = CommunityStaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", SpotCheckListView.as_view(), name="index"),
            path("new/", NewCheckView.as_view(), name="new"),
            path("<int:pk>/", SpotCheckDetailView.as_view(), name="detail"),
            path("<int:pk>/record/", record, name="record"),
            path("<int:pk>/follow-up/", follow_up_done, name="follow_up"),
        ]
