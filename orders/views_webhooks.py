import logging

import stripe
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from orders import payments
from orders.exceptions import OrdersError

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        event = stripe.Webhook.construct_event(
            request.body,
            request.headers.get("Stripe-Signature", ""),
            settings.STRIPE_WEBHOOK_SECRET,
        )
    except (ValueError, stripe.SignatureVerificationError):
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
