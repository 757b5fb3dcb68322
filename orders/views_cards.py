"""A family member's saved card (decision 0029): see it, save one with Stripe.js's Payment
Element (a SetupIntent; the card never reaches our server), remove it. Only its owner sees
or removes a card: anyone else's is 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.rate_limits import PAYMENT, rate_limited
from orders import payments, saved_cards
from orders.models import SavedCard


def _own(request: HttpRequest, pk: int) -> SavedCard:
    return get_object_or_404(SavedCard.objects.filter(user=request.user), pk=pk)


@login_required
def cards(request: HttpRequest) -> HttpResponse:
    return render(request, "orders/cards.html", {"card": saved_cards.active_card(request.user)})


@login_required
@require_POST
@rate_limited(PAYMENT)
def save_card(request: HttpRequest) -> HttpResponse:
    """The button "Save a card": a row and its SetupIntent, then the page that confirms it.
    Only a POST that says so writes (an empty one, or a GET, changes nothing)."""
    if request.POST.get("start") != "1":
        return redirect("orders:cards")
    card = saved_cards.begin_saving_card(by=request.user)
    try:
        card = payments.start_card_setup(card)
    except payments.PaymentsUnavailable as exc:
        messages.error(request, exc.message)
        return redirect("orders:cards")
    return redirect("orders:card_setup", pk=card.pk)


@login_required
def card_setup(request: HttpRequest, pk: int) -> HttpResponse:
    """The Payment Element confirms the card's SetupIntent for off-session use (the card
    never reaches our server) and comes back to `card_saved`."""
    card = _own(request, pk)
    if card.status != SavedCard.Status.SETTING_UP or not card.client_secret:
        return redirect("orders:cards")
    return render(
        request,
        "orders/save_card.html",
        {
            "card": card,
            "stripe_js": settings.STRIPE_JS_URL,
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "stripe_locale": "en" if get_language().startswith("en") else "zh",
            "return_url": request.build_absolute_uri(
                reverse("orders:card_saved", kwargs={"pk": card.pk})
            ),
            "refusals": payments.refusal_messages(),
        },
    )


@login_required
@rate_limited(PAYMENT)
def card_saved(request: HttpRequest, pk: int) -> HttpResponse:
    """Where Stripe.js sends the browser back; only Stripe's answer counts."""
    settled = payments.settle_card_setup(_own(request, pk))
    if settled.state == "paid":
        messages.success(request, _("Your card is saved."))
    elif settled.state == "refused":
        messages.error(request, settled.reason)
        return redirect("orders:card_setup", pk=pk)
    elif settled.state == "unknown":
        messages.warning(request, _("We could not check your card just now. Please look again."))
    return redirect("orders:cards")


@login_required
@require_POST
def remove_card(request: HttpRequest, pk: int) -> HttpResponse:
    card = saved_cards.remove_saved_card(card=_own(request, pk), by=request.user)
    payments.detach_card(card)
    messages.success(
        request,
        _("The card is removed. Visits not yet charged are paid at the door, or on the pay page."),
    )
    return redirect("orders:cards")
