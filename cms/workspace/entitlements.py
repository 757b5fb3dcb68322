"""A programme's entitlements per care level, set by its officers on the programme's page,
with the month's figures: how many people hold or used how much."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.instrument import LEVEL_NAMES
from billing import services as billing_services
from billing.models import Programme, Purchaser
from linli.views import attempt
from marketplace.forms import YuanField
from orders.allowance import programme_month


class EntitlementForm(forms.Form):
    care_level = forms.TypedChoiceField(
        label=gettext_lazy("Care level"), choices=list(LEVEL_NAMES.items()), coerce=int
    )
    minutes_per_month = forms.IntegerField(
        label=gettext_lazy("Minutes of service a month"), min_value=0, required=False
    )
    yuan_per_month = YuanField(
        label=gettext_lazy("Money a month (yuan)"),
        max_digits=12,
        required=False,
        help_text=gettext_lazy("Leave both empty to stop granting anything at this level."),
    )


def context_for(programme: Programme) -> dict:
    """What the programme page shows below the programme's own fields."""
    return {
        "entitlements": programme.entitlements.all(),
        "entitlement_form": EntitlementForm(),
        "level_names": LEVEL_NAMES,
        "this_month": programme_month(programme, timezone.localdate()),
    }


@require_POST
def set_entitlement(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(
        Programme.objects.filter(purchaser__in=Purchaser.objects.visible_to(request.user)), pk=pk
    )
    form = EntitlementForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Please choose a level and give minutes or money, not less than 0.")
        )
        return redirect("purchase:programme", pk=programme.pk)
    data = form.cleaned_data
    attempt(
        request,
        lambda: billing_services.set_entitlement(
            programme=programme,
            care_level=data["care_level"],
            minutes_per_month=data["minutes_per_month"],
            fen_per_month=data["yuan_per_month"],
            by=request.user,
        ),
        success=_("The entitlement is saved."),
    )
    return redirect("purchase:programme", pk=programme.pk)
