import logging

import stripe
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from orders import payments
from orders.exceptions import OrdersError

logger = logging.getLogger(__name__)


def _verified(request: HttpRequest) -> stripe.Event | None:
    """The event, if signed by our platform endpoint or by our Connect endpoint (Stripe sends
    connected accounts' events, such as account.updated, from an endpoint of its own, with its
    own secret)."""
    secrets = [settings.STRIPE_WEBHOOK_SECRET, settings.STRIPE_CONNECT_WEBHOOK_SECRET]
    for secret in filter(None, secrets):
        try:
            return stripe.Webhook.construct_event(
                request.body, request.headers.get("Stripe-Signature", ""), secret
            )
        except (ValueError, stripe.SignatureVerificationError):
            continue
    return None


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    event = _verified(request)
    if event is None:
        logger.warning("refused a Stripe webhook with a bad payload or signature")
        return HttpResponse(status=400)
    try:
        payments.handle_stripe_event(event)
    except OrdersError:
        # An event that contradicts our records (another amount): nothing is written, and
        # someone must look; Stripe keeps retrying meanwhile.
        logger.exception("Stripe event %s contradicts our records", event.id)
        return HttpResponse(status=400)
    return HttpResponse(status=200)  # 2xx, or Stripe retries for days
