"""What the fake Stripe adds to localstripe for saved cards (docs/decisions/0029): a card set up
for later with a SetupIntent the Payment Element confirms, and charged later without the payer
(a PaymentIntent created with `customer`, `payment_method`, `confirm=true`, `off_session=true`).
scripts/fake_stripe.py installs it. Where localstripe differs from Stripe it is taught here:

- A SetupIntent takes `allowed_payment_method_types` as Stripe's current API asks them, and a
  succeeded one attaches its PaymentMethod to its Customer (localstripe leaves it unattached).
- `stripe.confirmSetup` in the browser (fake_stripe_pay.js) posts the typed card to
  /_config/js/setup_intents/{id}/confirm; a card that needs 3-D Secure is sent to the same
  stand-in page as a payment, and comes back to the `return_url` with `setup_intent`,
  `setup_intent_client_secret` and `redirect_status`.
- Off-session: a card whose bank asks for authentication every time (4000 0027 6000 3184) is
  refused with `authentication_required` and the intent left in `requires_payment_method`
  (4000 0025 0000 3155 asks only on-session: once set up, it is charged without asking); a
  declined charge (4000 0000 0000 0341 saves, then declines) is a 402 `card_error` that
  carries the PaymentIntent, as Stripe's error does, so the payer can finish it on-session.
  A payment method that is not the customer's is refused.
"""

import html
from urllib.parse import urlencode

import fake_stripe_pay
from aiohttp import web
from localstripe import resources, server
from localstripe.errors import UserError

PaymentIntent = resources.PaymentIntent
PaymentMethod = resources.PaymentMethod
SetupIntent = resources.SetupIntent
Charge = resources.Charge

# Stripe's test card that "requires authentication on all transactions, regardless of how the
# card is set up"; the others of localstripe's list ask only when the payer is there.
ALWAYS_AUTHENTICATE = {"4000002760003184"}


# --- SetupIntents -------------------------------------------------------------------------------

_setup_intent_init = SetupIntent.__init__


def _setup_intent_with_types(self, allowed_payment_method_types=None, **kw):
    if "payment_method_types" in kw:
        raise UserError(
            400,
            "payment_method_types is no longer supported; use allowed_payment_method_types.",
            {"code": "payment_method_types_no_longer_supported"},
        )
    types = list(allowed_payment_method_types or ["card"])
    if types != ["card"]:
        raise UserError(
            400, "Invalid allowed_payment_method_types", {"param": "allowed_payment_method_types"}
        )
    _setup_intent_init(self, payment_method_types=types, **kw)
    self.last_setup_error = None


_attach_pm = SetupIntent._attach_pm


def _attach_pm_like_stripe(self, pm):
    self.last_setup_error = None
    try:
        _attach_pm(self, pm)
    except UserError:
        # Stripe leaves a refused SetupIntent open for another card, with the reason.
        self.status = "requires_payment_method"
        self.payment_method = None
        self.last_setup_error = {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "generic_decline",
            "message": "Your card was declined.",
        }
        raise fake_stripe_pay._card_error(
            402, "card_declined", "Your card was declined.", decline_code="generic_decline"
        ) from None
    if self.status == "succeeded":
        _attached(self)


def _attached(intent) -> None:
    if intent.customer:
        PaymentMethod._api_retrieve(intent.payment_method).customer = intent.customer


SetupIntent.__init__ = _setup_intent_with_types
SetupIntent._attach_pm = _attach_pm_like_stripe


def _setup_for_browser(intent_id: str, client_secret) -> SetupIntent:
    intent = SetupIntent._api_retrieve(intent_id)
    if not isinstance(client_secret, str) or client_secret != intent.client_secret:
        raise UserError(401, "Unauthorized")
    return intent


def _setup_view(intent) -> dict:
    return {
        "id": intent.id,
        "object": "setup_intent",
        "status": intent.status,
        "payment_method_types": intent.payment_method_types,
        "next_action": intent.next_action,
        "last_setup_error": intent.last_setup_error,
    }


async def browser_setup(request: web.Request) -> web.Response:
    intent = _setup_for_browser(request.match_info["id"], request.query.get("client_secret"))
    return server.json_response(_setup_view(intent))


async def browser_confirm_setup(request: web.Request) -> web.Response:
    """What stripe.confirmSetup sends: the card typed into the Payment Element."""
    data = await request.json()
    intent = _setup_for_browser(request.match_info["id"], data.get("client_secret"))
    return_url = data.get("return_url")
    if not isinstance(return_url, str) or not return_url.startswith(("http://", "https://")):
        raise UserError(400, "return_url is required", {"code": "parameter_missing"})
    if intent.status not in ("requires_payment_method", "requires_confirmation"):
        raise UserError(
            400,
            f"This SetupIntent's status is {intent.status}; it cannot be confirmed.",
            {"code": "setup_intent_unexpected_state"},
        )
    method_data = data.get("payment_method_data") or {}
    if method_data.get("type") != "card":
        raise UserError(400, "Only cards can be set up here.", {"code": "parameter_invalid"})
    intent._attach_pm(fake_stripe_pay._card_method(method_data.get("card") or {}))
    if intent.status == "requires_action":  # 3-D Secure
        query = urlencode({"client_secret": intent.client_secret, "return_url": return_url})
        url = f"{request.scheme}://{request.host}/_config/js/authorize_setup/{intent.id}?{query}"
        intent.next_action = {
            "type": "redirect_to_url",
            "redirect_to_url": {"url": url, "return_url": return_url},
        }
    return server.json_response(_setup_view(intent))


async def authorize_setup_page(request: web.Request) -> web.Response:
    intent = _setup_for_browser(request.match_info["id"], request.query.get("client_secret"))
    page = fake_stripe_pay.AUTHORIZE_PAGE.format(
        what="3-D Secure",
        amount="0.00",
        currency="(saving a card)",
        secret=html.escape(intent.client_secret),
        return_url=html.escape(request.query.get("return_url", "")),
    )
    return web.Response(text=page, content_type="text/html")


async def authorize_setup(request: web.Request) -> web.Response:
    form = await request.post()
    intent = _setup_for_browser(request.match_info["id"], form.get("client_secret"))
    if intent.status == "requires_action":
        intent.next_action = None
        if form.get("outcome") == "succeed":
            intent.status = "succeeded"
            _attached(intent)
        else:
            intent.status = "requires_payment_method"
            intent.payment_method = None
            intent.last_setup_error = {
                "type": "invalid_request_error",
                "code": "setup_intent_authentication_failure",
                "message": "The provided PaymentMethod has failed authentication.",
            }
    raise web.HTTPFound(
        fake_stripe_pay._with_query(
            form.get("return_url", "/"),
            setup_intent=intent.id,
            setup_intent_client_secret=intent.client_secret,
            redirect_status="succeeded" if intent.status == "succeeded" else "failed",
        )
    )


# --- off-session PaymentIntents -------------------------------------------------------------------

_create_intent = PaymentIntent._api_create.__func__


def _create_intent_like_stripe(cls, confirm=None, off_session=None, **data):
    off = str(off_session).lower() == "true"
    if not off:
        return _create_intent(cls, confirm=confirm, off_session=off_session, **data)
    method_id, customer = data.get("payment_method"), data.get("customer")
    if not method_id or not customer:
        raise UserError(
            400,
            "off_session needs a customer and one of its payment methods.",
            {"code": "parameter_missing"},
        )
    method = PaymentMethod._api_retrieve(method_id)
    if method.customer != customer:
        raise UserError(
            400,
            "The provided PaymentMethod does not belong to the Customer.",
            {"code": "resource_missing", "param": "payment_method"},
        )
    if getattr(method, "_card_number", "") in ALWAYS_AUTHENTICATE:
        intent = _create_intent(cls, **data)  # not confirmed
        intent.payment_method = None
        intent._off_session_error = {
            "type": "card_error",
            "code": "authentication_required",
            "decline_code": "authentication_required",
            "message": "Your card was declined. This transaction requires authentication.",
            "payment_method": method._export(),
        }
        raise fake_stripe_pay._card_error(
            402,
            "authentication_required",
            intent._off_session_error["message"],
            decline_code="authentication_required",
            payment_intent=intent._export(),
        )
    # Set up once with 3-D Secure, charged later without asking (Stripe's 3155 card).
    method._requires_authentication = lambda: False
    try:
        return _create_intent(cls, confirm=confirm, off_session=off_session, **data)
    finally:
        del method._requires_authentication


PaymentIntent._api_create = classmethod(_create_intent_like_stripe)

_last_payment_error = PaymentIntent.last_payment_error


def _last_payment_error_off_session(self):
    stored = getattr(self, "_off_session_error", None)
    if stored is not None and self.payment_method is None:
        return stored
    return _last_payment_error.fget(self)


PaymentIntent.last_payment_error = property(_last_payment_error_off_session)

_raise_failure = Charge._raise_failure


def _raise_failure_with_intent(self) -> None:
    """Stripe's card_error for a PaymentIntent carries the intent itself."""
    try:
        _raise_failure(self)
    except UserError as error:
        if self.payment_intent:
            intent = PaymentIntent._api_retrieve(self.payment_intent)
            error.body["error"]["payment_intent"] = intent._export()
        raise


Charge._raise_failure = _raise_failure_with_intent


def install(app: web.Application) -> None:
    app.router.add_get("/_config/js/setup_intents/{id}", browser_setup)
    app.router.add_post("/_config/js/setup_intents/{id}/confirm", browser_confirm_setup)
    app.router.add_get("/_config/js/authorize_setup/{id}", authorize_setup_page)
    app.router.add_post("/_config/js/authorize_setup/{id}", authorize_setup)
