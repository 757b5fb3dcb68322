"""Issue 18, point 1: what we send to Stripe has the shape Stripe's API reference requires,
so the pay flow is not fake-only. The fake records every API request it gets; each
parameter must exist for its endpoint in the stripe library's own typed request parameters
(stripe.params, generated from Stripe's OpenAPI description for the API version the library
pins), down to nested keys and literal values; and every create call carries an idempotency
key derived from our own row."""

import contextlib
import json
import re
import sys
import types
import typing
import urllib.parse
import urllib.request

import pytest
import stripe
import stripe.params
import typing_extensions
from django.utils import timezone
from stripe._request_options import RequestOptions

from orders import payments, services, visits
from orders.models import Order, Payment, Refund, Transfer
from providers.models import PayoutAccount
from tests.orders.conftest import DECLINED_CARD, book, confirm_in_stripe, pay

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_stripe")]

# (method, path, the stripe library's parameters for it)
ENDPOINTS = [
    ("POST", r"/v1/payment_intents", "PaymentIntentCreateParams"),
    ("GET", r"/v1/payment_intents/[^/]+", "PaymentIntentRetrieveParams"),
    ("POST", r"/v1/payment_intents/[^/]+/confirm", "PaymentIntentConfirmParams"),
    ("POST", r"/v1/payment_intents/[^/]+/cancel", "PaymentIntentCancelParams"),
    ("POST", r"/v1/refunds", "RefundCreateParams"),
    ("GET", r"/v1/refunds/[^/]+", "RefundRetrieveParams"),
    ("GET", r"/v1/refunds", "RefundListParams"),
    ("POST", r"/v1/accounts", "AccountCreateParams"),
    ("GET", r"/v1/accounts/[^/]+", "AccountRetrieveParams"),
    ("POST", r"/v1/account_links", "AccountLinkCreateParams"),
    ("POST", r"/v1/transfers", "TransferCreateParams"),
    ("GET", r"/v1/transfers", "TransferListParams"),
    ("GET", r"/v1/transfers/[^/]+", "TransferRetrieveParams"),
    # Saved cards (decision 0029).
    ("POST", r"/v1/customers", "CustomerCreateParams"),
    ("POST", r"/v1/setup_intents", "SetupIntentCreateParams"),
    ("GET", r"/v1/setup_intents/[^/]+", "SetupIntentRetrieveParams"),
    ("GET", r"/v1/payment_methods/[^/]+", "PaymentMethodRetrieveParams"),
    ("POST", r"/v1/payment_methods/[^/]+/detach", "PaymentMethodDetachParams"),
]
# Creates that must carry our own key. An account link is left out on purpose: it expires
# within minutes, so the same key's stored answer would be a dead link.
OUR_KEYS = {
    # A replacement intent, a new refund after a failure and a retry after Stripe's 24 h key
    # window carry their number (decision 0025).
    r"/v1/payment_intents": r"linli-payment-\d+-[A-Z0-9]+(-\d+)?",
    r"/v1/refunds": r"linli-refund-\d+(-\d+)?",
    r"/v1/accounts": r"linli-account-\d+",
    r"/v1/transfers": r"linli-transfer-\d+(-\d+)?",
    r"/v1/customers": r"linli-customer-\d+-\d+",
    r"/v1/setup_intents": r"linli-card-setup-\d+-cus_\w+",
}
# Options of the call, sent as headers, never as parameters.
REQUEST_OPTIONS = set(RequestOptions.__annotations__)


def _resolved(annotation, module):
    if isinstance(annotation, typing.ForwardRef):
        annotation = annotation.__forward_arg__
    if isinstance(annotation, str):
        annotation = eval(annotation, vars(module))  # the stripe library's own annotations
    return annotation


def accepts(annotation, module, parts: list[str], value: str) -> bool:
    """Does this (possibly nested) parameter fit the library's type for it?"""
    kind = _resolved(annotation, module)
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing_extensions.NotRequired, typing_extensions.Required):
        return accepts(args[0], module, parts, value)
    if origin in (typing.Union, types.UnionType):
        return any(accepts(arg, module, parts, value) for arg in args)
    if typing_extensions.is_typeddict(kind):
        if not parts or parts[0] in REQUEST_OPTIONS or parts[0] not in kind.__annotations__:
            return False
        inner = sys.modules[kind.__module__]
        return accepts(kind.__annotations__[parts[0]], inner, parts[1:], value)
    if origin is list:
        return bool(parts) and parts[0].isdigit() and accepts(args[0], module, parts[1:], value)
    if origin is dict or (origin and origin.__name__ == "UntypedStripeObject"):
        return bool(parts) and accepts(args[-1], module, parts[1:], value)
    if parts:
        return False
    if origin is typing.Literal:
        return value in {str(arg) for arg in args}
    if kind is int:
        return re.fullmatch(r"-?\d+", value) is not None
    if kind is bool:
        return value in {"true", "false"}
    return kind is str


def misfits(request: dict) -> list[str]:
    for method, path, params_name in ENDPOINTS:
        if request["method"] == method and re.fullmatch(path, request["path"]):
            params = getattr(stripe.params, params_name)
            break
    else:
        return [f"{request['method']} {request['path']}: no such endpoint in the table"]
    problems = []
    module = sys.modules[params.__module__]
    for key, value in request["params"]:
        parts = re.findall(r"[^\[\]]+", key)
        if not accepts(params, module, parts, value):
            problems.append(f"{request['method']} {request['path']}: {key}={value!r}")
    key = request["idempotency_key"] or ""
    pattern = OUR_KEYS.get(path) if method == "POST" else None
    if pattern and not re.fullmatch(pattern, key):
        problems.append(f"{request['path']}: idempotency key {key!r}")
    return problems


def recorded(fake_stripe) -> list[dict]:
    with urllib.request.urlopen(fake_stripe + "/_config/requests", timeout=5) as answer:
        return json.load(answer)


@pytest.fixture
def recording(fake_stripe):
    urllib.request.urlopen(
        urllib.request.Request(fake_stripe + "/_config/requests", method="DELETE"), timeout=5
    )
    return fake_stripe


def test_the_checker_refuses_what_stripe_would_refuse():
    create = {"method": "POST", "path": "/v1/payment_intents", "idempotency_key": None}
    assert misfits({**create, "params": [["payment_method_types[0]", "card"]]})
    assert misfits({**create, "params": [["allowed_payment_method_types[0]", "cheque"]]})
    assert misfits({**create, "params": [["payment_method_options[wechat_pay][client]", "tv"]]})
    assert misfits({**create, "params": [["amount", "12.5"]]})
    assert misfits({**create, "params": [["idempotency_key", "x"]]})
    fine = {
        **create,
        "idempotency_key": "linli-payment-7-ABC234",
        "params": [
            ["amount", "12000"],
            ["allowed_payment_method_types[1]", "wechat_pay"],
            ["payment_method_options[wechat_pay][client]", "web"],
            ["metadata[order]", "ABC234"],
        ],
    }
    assert misfits(fine) == []
    assert misfits({**fine, "idempotency_key": "3f6c0b0a-random"})


def test_every_request_of_the_pay_flow_fits_stripes_api(
    recording, daughter, slot, grandma_li, settings, client
):
    settings.STRIPE_PAYMENT_METHOD_TYPES = ["card", "alipay", "wechat_pay"]
    order = book(daughter, slot, grandma_li)
    client.force_login(daughter)
    client.get(f"/orders/{order.code}/pay/")
    with pytest.raises(stripe.CardError):
        confirm_in_stripe(order, DECLINED_CARD)
    client.get(f"/orders/{order.code}/paid/")
    confirm_in_stripe(order)
    client.get(f"/orders/{order.code}/paid/")
    order.refresh_from_db()
    assert order.status == Order.Status.REQUESTED

    requests = recorded(recording)
    assert {(r["method"], r["path"].split("/")[2]) for r in requests} >= {
        ("POST", "payment_intents"),
        ("GET", "payment_intents"),
    }
    assert [problem for request in requests for problem in misfits(request)] == []


def test_every_request_for_refunds_payouts_and_transfers_fits_stripes_api(
    recording,
    daughter,
    slot,
    grandma_li,
    provider_a,
    provider_manager,
    caregiver,
    django_capture_on_commit_callbacks,
):
    link = payments.onboarding_link(
        provider_a, return_url="http://127.0.0.1/back", refresh_url="http://127.0.0.1/again"
    )
    with contextlib.suppress(OSError):  # the fake's onboarding page sends the browser back
        urllib.request.urlopen(link, timeout=5)
    account = PayoutAccount.objects.get(provider=provider_a)
    payments.refresh_payout_account(account)

    cancelled = pay(book(daughter, slot, grandma_li))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_order(order=cancelled, by=daughter, reason="临时有事")
    assert Refund.objects.get(payment__order=cancelled).stripe_refund_id

    order = pay(book(daughter, slot, grandma_li))
    services.accept_order(order=order, by=provider_manager)
    services.assign_worker(
        order=order, by=provider_manager, worker=caregiver.provider_memberships.get()
    )
    Order.objects.filter(pk=order.pk).update(starts_at=timezone.now())
    order.refresh_from_db()
    visits.check_in(order=order, by=caregiver)
    visits.check_out(order=order, by=caregiver)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_completion(order=order, by=daughter)

    requests = recorded(recording)
    touched = {(r["method"], r["path"].split("/")[2]) for r in requests}
    assert touched >= {("POST", "refunds"), ("POST", "accounts"), ("POST", "account_links")}
    assert [problem for request in requests for problem in misfits(request)] == []
    assert Payment.objects.filter(status=Payment.Status.SUCCEEDED).count() == 2
    assert Transfer.objects.filter(order=order).exists()
