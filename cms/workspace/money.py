"""Community staff's money page (decision 0025): refunds Stripe could not make after
REFUND_MAX_ATTEMPTS tries, each with a button to send it again or to record that the money
was handed over another way; and the orders of their communities whose money does not add
up (orders.ledger), with the likeliest reason. Both act through orders.settling."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from cms.workspace.access import CommunityStaffMenuItem, require_community_staff
from linli.views import attempt
from orders import ledger, settling
from orders.models import Dispute, Order


class HandedOverForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("How the money was handed over"),
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. cash, signed receipt")}),
    )


class MoneyView(WagtailAdminTemplateMixin, TemplateView):
    page_title = gettext_lazy("Money")
    header_icon = "tasks"
    template_name = "cms/workspace/money.html"

    def dispatch(self, request, *args, **kwargs):
        require_community_staff(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            refunds=settling.refunds_for_staff(user),
            chargebacks=Dispute.objects.filter(payment__order__in=Order.objects.in_scope_of(user))
            .exclude(status__in=Dispute.CLOSED)
            .select_related("payment__order")
            .order_by("created_at"),
            differences=ledger.differences(ledger.with_money(Order.objects.in_scope_of(user))),
            form=HandedOverForm(auto_id=False),
        )
        return context


def _refund(request: HttpRequest, pk: int):
    require_community_staff(request.user)
    return get_object_or_404(settling.refunds_for_staff(request.user), pk=pk)


@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    refund = _refund(request, pk)
    attempt(
        request,
        lambda: settling.retry_refund(refund=refund, by=request.user),
        success=_("The refund was sent to Stripe again."),
    )
    return redirect("money:index")


@require_POST
def handed_over(request: HttpRequest, pk: int) -> HttpResponse:
    refund = _refund(request, pk)
    form = HandedOverForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    attempt(
        request,
        lambda: settling.mark_refund_handed_over(refund=refund, by=request.user, note=note),
        success=_("The refund is recorded as handed over."),
    )
    return redirect("money:index")


class MoneyViewSet(ViewSet):
    name = "money"
    icon = "tasks"
    menu_label = gettext_lazy("Money")
    menu_order = 260
    add_to_admin_menu = True
    menu_item_class = CommunityStaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", MoneyView.as_view(), name="index"),
            path("refunds/<int:pk>/retry/", retry, name="retry"),
            path("refunds/<int:pk>/handed-over/", handed_over, name="handed_over"),
        ]
