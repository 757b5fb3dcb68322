"""The family's answer to community staff's proposal of another provider (ADR 0020)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.views import attempt
from orders import provider_change
from orders.models import Order


def _visible(request: HttpRequest, code: str) -> Order:
    return get_object_or_404(Order.objects.visible_to(request.user), code=code)


@login_required
@require_POST
def accept(request: HttpRequest, code: str) -> HttpResponse:
    order = _visible(request, code)
    attempt(
        request,
        lambda: provider_change.accept_provider_change(order=order, by=request.user),
        success=_("Done. The new provider has been asked and will confirm."),
    )
    return redirect(order)


@login_required
@require_POST
def decline(request: HttpRequest, code: str) -> HttpResponse:
    order = _visible(request, code)
    attempt(
        request,
        lambda: provider_change.decline_provider_change(order=order, by=request.user),
        success=_("The order is cancelled and everything paid is refunded."),
    )
    return redirect(order)
