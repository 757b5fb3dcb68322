"""What the fake Stripe adds to localstripe so that Linli's pay page plays as it does with
Stripe (docs/decisions/0010-payments.md). scripts/fake_stripe.py installs it:

- Stripe.js's Payment Element and `stripe.confirmPayment`, in fake_stripe_pay.js, served after
  localstripe's own stand-in at /js.stripe.com/v3/. Its card form is a plain div; its calls go
  to /_config/js/... here, where Stripe.js would call Stripe with the publishable key.
- A PaymentIntent confirmed again with another card or method after a decline (localstripe
  answers "Bad request"); declines shaped as Stripe's (`card_error`, `card_declined` and a
  `decline_code`) for Stripe's test cards; the payment method types an intent allows, asked
  as Stripe's current API asks them (`allowed_payment_method_types`).
- 3-D Secure, Alipay and WeChat Pay as a stand-in page that authorises or fails the payment and
  sends the browser to the `return_url` with Stripe's query parameters (`payment_intent`,
  `payment_intent_client_secret`, `redirect_status`).
- Idempotency keys kept as Stripe keeps them (same key and parameters: the first answer again),
  and every API request recorded (`GET /_config/requests`) so that a test can check its shape.
"""

import asyncio
import contextlib
import html
import re
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from aiohttp import web
from localstripe import resources, server
from localstripe.errors import UserError

PaymentIntent = resources.PaymentIntent
PaymentMethod = resources.PaymentMethod
Charge = resources.Charge

HERE = Path(__file__).resolve().parent
LOCALSTRIPE_JS = Path(server.__file__).with_name("localstripe-v3.js")
OUR_JS = HERE / "fake_stripe_pay.js"

KNOWN_TYPES = ("card", "alipay", "wechat_pay")
WALLETS = ("alipay", "wechat_pay")
CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")

# Stripe's test cards whose charges fail, as Stripe answers them: (code, decline_code, message).
DECLINED = "Your card was declined."
DECLINES = {
    "4000000000000002": ("card_declined", "generic_decline", DECLINED),
    "4000000000000341": ("card_declined", "generic_decline", DECLINED),
    "4000000000009995": ("card_declined", "insufficient_funds", "Your card has insufficient funds"),
    "4000000000009987": ("card_declined", "lost_card", DECLINED),
    "4000000000000069": ("expired_card", "expired_card", "Your card has expired."),
    "4000000000000127": ("incorrect_cvc", "incorrect_cvc", "Your card's security code is wrong."),
    "4000000000000119": ("processing_error", "processing_error", "An error occurred."),
}


def _card_error(status: int, code: str, message: str, **more) -> UserError:
    error = UserError(status, message, {"code": code, **more})
    error.body["error"]["type"] = "card_error"
    return error


# --- localstripe's objects, taught what Stripe does -------------------------------------------

_payment_intent_init = PaymentIntent.__init__


def _payment_intent_with_types(
    self, allowed_payment_method_types=None, payment_method_options=None, **kw
):
    # Stripe's API since 2026-09-30 (the version of the stripe library we use) takes
    # `allowed_payment_method_types` and answers the usable ones in `payment_method_types`.
    if "payment_method_types" in kw:
        raise UserError(
            400,
            "payment_method_types is no longer supported; use allowed_payment_method_types.",
            {"code": "payment_method_types_no_longer_supported"},
        )
    types = list(allowed_payment_method_types or ["card"])
    if not all(kind in KNOWN_TYPES for kind in types):
        raise UserError(
            400, "Invalid allowed_payment_method_types", {"param": "allowed_payment_method_types"}
        )
    _payment_intent_init(self, payment_method_options=payment_method_options, **kw)
    self.payment_method_types = types
    self.payment_method_options = payment_method_options or {}
    self._wallet = None


_payment_method_init = PaymentMethod.__init__


def _payment_method_with_wallets(self, type=None, **kw):
    if type not in WALLETS:
        _payment_method_init(self, type=type, **kw)
        return
    # A wallet is never declined here; it is authorised or not on the stand-in page.
    card = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2099, "cvc": "123"}
    _payment_method_init(self, type="card", card=card)
    del self.card
    self.type = type
    setattr(self, type, {})


_charging_is_declined = PaymentMethod._charging_is_declined


def _declined_like_stripe(self) -> bool:
    if self.type == "card" and self._card_number in DECLINES:
        return True
    return _charging_is_declined(self)


def _set_auth_failure(self) -> None:
    method = PaymentMethod._api_retrieve(self.payment_method)
    number = getattr(method, "_card_number", "")
    code, decline_code, message = DECLINES.get(
        number, ("card_declined", "generic_decline", "Your card was declined.")
    )
    self.status = "failed"
    self.failure_code = code
    self.failure_message = message
    self._decline_code = decline_code


def _raise_failure(self) -> None:
    raise _card_error(
        402,
        self.failure_code,
        self.failure_message,
        decline_code=getattr(self, "_decline_code", None),
        charge=self.id,
        payment_intent=self.payment_intent,
    )


_last_payment_error = PaymentIntent.last_payment_error


def _last_payment_error_like_stripe(self):
    error = _last_payment_error.fget(self)
    if error is None:
        return None
    if self._authentication_failed and getattr(self, "_wallet", None):
        return {
            "type": "invalid_request_error",
            "code": "payment_intent_payment_attempt_failed",
            "message": "The payment was not completed.",
        }
    if self.latest_charge is not None and self.latest_charge.status == "failed":
        return {
            **error,
            "type": "card_error",
            "decline_code": getattr(self.latest_charge, "_decline_code", None),
        }
    return {**error, "type": "invalid_request_error"}


PaymentIntent.__init__ = _payment_intent_with_types
PaymentIntent.last_payment_error = property(_last_payment_error_like_stripe)
PaymentMethod.__init__ = _payment_method_with_wallets
PaymentMethod._charging_is_declined = _declined_like_stripe
Charge._set_auth_failure = _set_auth_failure
Charge._raise_failure = _raise_failure


def _confirm(intent, method) -> None:
    """Confirm, or confirm again after a decline with another method, as Stripe allows."""
    if intent.status not in CONFIRMABLE:
        raise UserError(
            400,
            f"This PaymentIntent's status is {intent.status}; it cannot be confirmed.",
            {"code": "payment_intent_unexpected_state"},
        )
    if method is None and (intent.payment_method is None or intent.latest_charge is not None):
        raise UserError(
            400, "A payment method is needed to confirm.", {"code": "parameter_missing"}
        )
    if method is not None:
        intent.payment_method = method.id
    intent.latest_charge = None  # a declined attempt stays in Stripe's history, not here
    intent.next_action = None
    intent._wallet = None
    intent._confirm(on_failure_now=intent._report_failure)


# --- the API, where localstripe differs ---------------------------------------------------------


async def api_confirm(request: web.Request, intent_id: str) -> web.Response:
    """POST /v1/payment_intents/{id}/confirm with a secret key (and `payment_method`)."""
    data = dict(await server.get_post_data(request) or {})
    method_id = data.pop("payment_method", None)
    data.pop("return_url", None)
    data.pop("expand", None)
    if data:
        raise UserError(400, "Unexpected " + ", ".join(data))
    intent = PaymentIntent._api_retrieve(intent_id)
    method = PaymentMethod._api_retrieve(method_id) if method_id else None
    _confirm(intent, method)
    return server.json_response(intent._export())


# --- what Stripe.js does in the browser ---------------------------------------------------------


def _intent_for_browser(intent_id: str, client_secret) -> PaymentIntent:
    intent = PaymentIntent._api_retrieve(intent_id)
    if not isinstance(client_secret, str) or client_secret != intent.client_secret:
        raise UserError(401, "Unauthorized")
    return intent


def _browser_view(intent) -> dict:
    return {
        "id": intent.id,
        "object": "payment_intent",
        "status": intent.status,
        "amount": intent.amount,
        "currency": intent.currency,
        "payment_method_types": intent.payment_method_types,
        "next_action": intent.next_action,
        "last_payment_error": intent.last_payment_error,
    }


async def browser_intent(request: web.Request) -> web.Response:
    intent = _intent_for_browser(request.match_info["id"], request.query.get("client_secret"))
    return server.json_response(_browser_view(intent))


def _card_method(card: dict):
    """The card typed into the stand-in Payment Element, checked as Stripe checks it."""
    number = re.sub(r"\s", "", str(card.get("number", "")))
    if not re.fullmatch(r"\d{16}", number):
        raise _card_error(402, "incorrect_number", "Your card number is incorrect.")
    try:
        month, year = int(card.get("exp_month")), int(card.get("exp_year"))
    except (TypeError, ValueError):
        raise _card_error(402, "invalid_expiry_month", "Your card's expiry is invalid.") from None
    year = year + 2000 if year < 100 else year
    if not 1 <= month <= 12 or not 2019 <= year < 2100:
        raise _card_error(402, "invalid_expiry_year", "Your card's expiration year is invalid.")
    cvc = str(card.get("cvc", ""))
    if not re.fullmatch(r"\d{3}", cvc):
        raise _card_error(402, "invalid_cvc", "Your card's security code is invalid.")
    return PaymentMethod(
        type="card", card={"number": number, "exp_month": month, "exp_year": year, "cvc": cvc}
    )


def _authorize_url(request: web.Request, intent, return_url: str) -> str:
    query = urlencode({"client_secret": intent.client_secret, "return_url": return_url})
    return f"{request.scheme}://{request.host}/_config/js/authorize/{intent.id}?{query}"


async def browser_confirm(request: web.Request) -> web.Response:
    """What stripe.confirmPayment sends: the method typed or chosen in the Payment Element."""
    data = await request.json()
    intent = _intent_for_browser(request.match_info["id"], data.get("client_secret"))
    return_url = data.get("return_url")
    if not isinstance(return_url, str) or not return_url.startswith(("http://", "https://")):
        raise UserError(400, "return_url is required", {"code": "parameter_missing"})
    method_data = data.get("payment_method_data") or {}
    kind = method_data.get("type")
    if kind not in intent.payment_method_types:
        raise UserError(
            400,
            f"The payment method type {kind!r} is not allowed for this PaymentIntent.",
            {"code": "payment_intent_incompatible_payment_method"},
        )
    if kind in WALLETS:
        # Alipay and WeChat Pay are always authorised away from the page.
        if intent.status not in CONFIRMABLE:
            raise UserError(
                400,
                f"This PaymentIntent's status is {intent.status}; it cannot be confirmed.",
                {"code": "payment_intent_unexpected_state"},
            )
        intent.payment_method = PaymentMethod(type=kind).id
        intent.latest_charge = None
        intent._authentication_failed = False
        intent._wallet = kind
        needs_authorising = True
    else:
        _confirm(intent, _card_method(method_data.get("card") or {}))
        needs_authorising = intent.status == "requires_action"  # 3-D Secure
    if needs_authorising:
        url = _authorize_url(request, intent, return_url)
        intent.next_action = {
            "type": "redirect_to_url",
            "redirect_to_url": {"url": url, "return_url": return_url},
        }
    return server.json_response(_browser_view(intent))


AUTHORIZE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fake Stripe: {what}</title></head>
<body style="font-family: sans-serif; max-width: 30em; margin: 3em auto">
<h1>{what}</h1>
<p>Fake Stripe stands in for {what} here. Authorise or fail this test payment of
{amount} {currency}.</p>
<form method="post">
<input type="hidden" name="client_secret" value="{secret}">
<input type="hidden" name="return_url" value="{return_url}">
<button name="outcome" value="succeed" data-testid="authorize">Authorise test payment</button>
<button name="outcome" value="fail" data-testid="fail">Fail test payment</button>
</form></body></html>
"""
WHAT = {"alipay": "Alipay", "wechat_pay": "WeChat Pay", None: "3-D Secure"}


async def authorize_page(request: web.Request) -> web.Response:
    intent = _intent_for_browser(request.match_info["id"], request.query.get("client_secret"))
    page = AUTHORIZE_PAGE.format(
        what=WHAT[intent._wallet],
        amount=f"{intent.amount / 100:.2f}",
        currency=intent.currency.upper(),
        secret=html.escape(intent.client_secret),
        return_url=html.escape(request.query.get("return_url", "")),
    )
    return web.Response(text=page, content_type="text/html")


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = urlencode(parse_qsl(parts.query) + list(params.items()))
    return urlunsplit(parts._replace(query=query))


async def authorize(request: web.Request) -> web.Response:
    form = await request.post()
    intent = _intent_for_browser(request.match_info["id"], form.get("client_secret"))
    success = form.get("outcome") == "succeed"
    # Authorised, then declined by the bank: the intent says so.
    with contextlib.suppress(UserError):
        PaymentIntent._api_authenticate(
            intent.id, client_secret=intent.client_secret, success=success
        )
    status = {"succeeded": "succeeded", "processing": "processing"}.get(intent.status, "failed")
    raise web.HTTPFound(
        _with_query(
            form.get("return_url", "/"),
            payment_intent=intent.id,
            payment_intent_client_secret=intent.client_secret,
            redirect_status=status,
        )
    )


async def stripe_js(request: web.Request) -> web.Response:
    text = LOCALSTRIPE_JS.read_text() + "\n" + OUR_JS.read_text()
    return web.Response(text=text, content_type="application/javascript")


# --- idempotency and the record of requests ---------------------------------------------------

ANSWERS: dict[tuple[str, str], tuple[bytes, int, bytes, float]] = {}
# Stripe keeps a key for at least 24 hours and may forget it after; here exactly then, on the
# server's clock (which follows the tests' clock, /_config/clock), so a retry 25 h later with
# the same key makes a second object, as it could with Stripe.
KEY_SECONDS = 24 * 3600
KEY_LOCKS: dict[str, asyncio.Lock] = {}
REQUESTS: list[dict] = []


@web.middleware
async def keep_idempotency_keys(request: web.Request, handler):
    """Stripe answers a repeated key with the first answer (24 h), refuses other parameters."""
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or not key or not request.path.startswith("/v1/"):
        return await handler(request)
    body = await request.read()
    async with KEY_LOCKS.setdefault(key, asyncio.Lock()):
        seen = ANSWERS.get((key, request.path))
        if seen is not None and time.time() - seen[3] >= KEY_SECONDS:
            seen = None
        if seen is not None:
            sent, status, answer, _at = seen
            if sent != body:
                raise UserError(
                    400,
                    "Keys for idempotent requests can only be used with the same parameters.",
                    {"type": "idempotency_error"},
                )
            response = web.Response(body=answer, status=status, content_type="application/json")
            response.headers["Idempotent-Replayed"] = "true"
            return response
        try:
            response = await handler(request)
        except UserError as error:
            response = error.to_response()
        ANSWERS[(key, request.path)] = (body, response.status, response.body, time.time())
        return response


@web.middleware
async def record_requests(request: web.Request, handler):
    if request.path.startswith("/v1/"):
        if request.method == "POST":
            params = list((await request.post()).items())
        else:
            params = list(request.query.items())
        REQUESTS.append(
            {
                "method": request.method,
                "path": request.path,
                "params": [[key, str(value)] for key, value in params],
                "idempotency_key": request.headers.get("Idempotency-Key"),
            }
        )
    return await handler(request)


async def recorded_requests(request: web.Request) -> web.Response:
    return server.json_response(REQUESTS)


async def forget_requests(request: web.Request) -> web.Response:
    REQUESTS.clear()
    return server.json_response([])


CONFIRM_PATH = re.compile(r"^/v1/payment_intents/(pi_\w+)/confirm$")


@web.middleware
async def where_localstripe_differs(request: web.Request, handler):
    """Two routes localstripe already has, answered our way (aiohttp keeps its first route)."""
    if request.method == "GET" and request.path == "/js.stripe.com/v3/":
        return await stripe_js(request)
    if request.method == "POST" and (match := CONFIRM_PATH.match(request.path)):
        return await api_confirm(request, match.group(1))
    return await handler(request)


def install(app: web.Application) -> None:
    app.middlewares.extend([record_requests, keep_idempotency_keys, where_localstripe_differs])
    app.router.add_get("/_config/requests", recorded_requests)
    app.router.add_delete("/_config/requests", forget_requests)
    app.router.add_get("/_config/js/payment_intents/{id}", browser_intent)
    app.router.add_post("/_config/js/payment_intents/{id}/confirm", browser_confirm)
    app.router.add_get("/_config/js/authorize/{id}", authorize_page)
    app.router.add_post("/_config/js/authorize/{id}", authorize)
