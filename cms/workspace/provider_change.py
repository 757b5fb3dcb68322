"""Community staff move an open order of a suspended provider to another approved provider
serving the community: they choose a time that provider offers and say why; the family
accepts or declines on the order page (orders.provider_change, ADR 0020)."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.workspace.access import require_community_staff
from linli.views import attempt
from orders import provider_change
from orders.models import Order


class SlotChoice(forms.ModelChoiceField):
    def label_from_instance(self, slot) -> str:
        when = timezone.localtime(slot.starts_at)
        return f"{slot.service.provider.name} · {slot.service.title} · {when:%Y-%m-%d %H:%M}"


class ProposeForm(forms.Form):
    slot = SlotChoice(label=gettext_lazy("New provider and time"), queryset=None)
    reason = forms.CharField(
        label=gettext_lazy("Reason the family will read"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=300,
    )

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = provider_change.alternative_slots(order)


class ProposeProviderChangeView(WagtailAdminTemplateMixin, FormView):
    header_icon = "list-ul"
    template_name = "cms/workspace/provider_change.html"
    form_class = ProposeForm

    def get_page_title(self):
        return _("Move order %(code)s to another provider") % {"code": self.order.code}

    def dispatch(self, request, *args, **kwargs):
        require_community_staff(request.user)
        self.order = get_object_or_404(
            Order.objects.in_scope_of(request.user).select_related(
                "provider", "care_recipient", "service"
            ),
            code=kwargs["code"],
            provider__status="suspended",
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "order": self.order}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "order": self.order}

    def form_valid(self, form) -> HttpResponse:
        done = attempt(
            self.request,
            lambda: provider_change.propose_provider_change(
                order=self.order, by=self.request.user, **form.cleaned_data
            ),
            success=_("Proposed. The family has been asked to accept or decline."),
        )
        return redirect("community_orders:index") if done else self.form_invalid(form)
