"""Issue 18, point 1: the pay page as Stripe documents it for live use. One PaymentIntent per
order, confirmed by Stripe.js's Payment Element; a declined attempt is followed by another
card or method on the same intent; 3-D Secure, Alipay and WeChat Pay come back to the return
address, where only Stripe's answer counts; refusals read in the payer's language.

What Stripe.js does in the browser is done here as the fake's Stripe.js stand-in does it
(tests/e2e/test_pay_after_a_declined_card_journey.py does it in a real browser)."""

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.urls import reverse
from django.utils import translation

from orders import payments
from orders.models import Order, Payment
from tests.orders.conftest import book

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_stripe")]

VISA = "4242424242424242"
DECLINED = "4000000000000341"  # accepted, its charges declined: card_declined
NOT_ENOUGH_MONEY = "4000000000009995"
EXPIRED = "4000000000000069"
THREE_D_SECURE = "4000002500003155"


def stripe_js_confirms(fake_stripe, payment, return_url, *, card=None, kind="card") -> dict:
    """What stripe.confirmPayment sends from the pay page, and what it hears back."""
    method = {"type": kind}
    if card:
        method["card"] = {"number": card, "exp_month": "12", "exp_year": "34", "cvc": "123"}
    body = {
        "key": "pk_test_linli_local",
        "client_secret": payment.client_secret,
        "return_url": return_url,
        "payment_method_data": method,
    }
    url = f"{fake_stripe}/_config/js/payment_intents/{payment.stripe_payment_intent_id}/confirm"
    try:
        with urllib.request.urlopen(url, data=json.dumps(body).encode(), timeout=10) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as refusal:
        return json.load(refusal)


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def authorises(answer: dict, outcome: str) -> str:
    """The payer on the bank's 3-D Secure page or in Alipay / WeChat Pay: `succeed` or
    `fail`; returns where Stripe sends the browser back to."""
    url = answer["next_action"]["redirect_to_url"]["url"]
    page = urllib.parse.urlsplit(url)
    form = dict(urllib.parse.parse_qsl(page.query), outcome=outcome)
    opener = urllib.request.build_opener(_Stay)
    target = urllib.parse.urlunsplit(page._replace(query=""))
    try:
        opener.open(target, data=urllib.parse.urlencode(form).encode(), timeout=10)
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302
        return redirect.headers["Location"]
    raise AssertionError("the stand-in page did not send the browser back")


def opens_the_pay_page(client, order: Order):
    response = client.get(reverse("orders:pay", args=[order.code]))
    assert response.status_code == 200
    return response, Payment.objects.get(order=order)


def comes_back(client, back_url: str):
    """The browser arrives at the return address Stripe.js or the stand-in page chose."""
    parts = urllib.parse.urlsplit(back_url)
    return client.get(parts.path, dict(urllib.parse.parse_qsl(parts.query)))


def query_of(url: str) -> dict:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


@pytest.fixture
def unpaid(daughter, slot, grandma_li) -> Order:
    return book(daughter, slot, grandma_li)


def test_after_a_declined_card_another_card_pays_the_same_order(
    client, daughter, unpaid, fake_stripe
):
    client.force_login(daughter)
    page, payment = opens_the_pay_page(client, unpaid)
    return_url = page.context["return_url"]
    assert return_url == f"http://testserver/orders/{unpaid.code}/paid/"

    refused = stripe_js_confirms(fake_stripe, payment, return_url, card=DECLINED)
    assert (refused["error"]["type"], refused["error"]["code"]) == ("card_error", "card_declined")
    again, payment_again = opens_the_pay_page(client, unpaid)  # the payer reloads: same intent
    assert payment_again.stripe_payment_intent_id == payment.stripe_payment_intent_id

    accepted = stripe_js_confirms(fake_stripe, payment, return_url, card=VISA)
    assert accepted["status"] == "succeeded"
    response = client.get(
        reverse("orders:paid", args=[unpaid.code]),
        {
            "payment_intent": accepted["id"],
            "payment_intent_client_secret": payment.client_secret,
            "redirect_status": "succeeded",
        },
    )

    assert response.status_code == 302 and response["Location"] == unpaid.get_absolute_url()
    unpaid.refresh_from_db()
    assert unpaid.status == Order.Status.REQUESTED
    assert unpaid.payment.status == Payment.Status.SUCCEEDED
    remote = payments.client().v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    assert (remote.status, remote.amount, remote.currency) == ("succeeded", 12000, "cny")


def test_a_return_address_that_says_succeeded_is_not_believed(client, daughter, unpaid):
    client.force_login(daughter)
    _page, payment = opens_the_pay_page(client, unpaid)

    for intent in (payment.stripe_payment_intent_id, "pi_somebody_elses"):
        response = client.get(
            reverse("orders:paid", args=[unpaid.code]),
            {"payment_intent": intent, "redirect_status": "succeeded"},
        )
        assert response.status_code == 302

    unpaid.refresh_from_db()
    assert unpaid.status == Order.Status.PENDING_PAYMENT
    assert unpaid.payment.status == Payment.Status.CREATED


@pytest.mark.parametrize(
    ("language", "told"),
    [("zh-hans", "银行未能确认是您本人"), ("en", "Your bank could not confirm that it was you")],
)
def test_a_failed_3d_secure_check_sends_the_payer_back_to_pay_told_why_in_their_language(
    client, daughter, unpaid, fake_stripe, language, told
):
    daughter.language = language
    daughter.save(update_fields=["language"])
    client.force_login(daughter)
    page, payment = opens_the_pay_page(client, unpaid)

    answer = stripe_js_confirms(
        fake_stripe, payment, page.context["return_url"], card=THREE_D_SECURE
    )
    assert answer["status"] == "requires_action"
    back = authorises(answer, "fail")
    assert query_of(back)["redirect_status"] == "failed"
    response = comes_back(client, back)

    assert response["Location"] == reverse("orders:pay", args=[unpaid.code])
    shown = [str(message) for message in response.wsgi_request._messages]
    assert len(shown) == 1 and told in shown[0]
    assert "authentication" not in shown[0]  # Stripe's own English never reaches the payer
    unpaid.refresh_from_db()
    assert unpaid.status == Order.Status.PENDING_PAYMENT


def test_a_passed_3d_secure_check_pays_on_return(client, daughter, unpaid, fake_stripe):
    client.force_login(daughter)
    page, payment = opens_the_pay_page(client, unpaid)

    answer = stripe_js_confirms(
        fake_stripe, payment, page.context["return_url"], card=THREE_D_SECURE
    )
    back = authorises(answer, "succeed")
    assert query_of(back) == {
        "payment_intent": payment.stripe_payment_intent_id,
        "payment_intent_client_secret": payment.client_secret,
        "redirect_status": "succeeded",
    }
    comes_back(client, back)

    unpaid.refresh_from_db()
    assert unpaid.status == Order.Status.REQUESTED


def test_cards_only_unless_alipay_and_wechat_pay_are_switched_on(
    client, daughter, unpaid, fake_stripe, settings
):
    client.force_login(daughter)
    _page, payment = opens_the_pay_page(client, unpaid)
    answer = stripe_js_confirms(fake_stripe, payment, "http://testserver/back/", kind="alipay")
    assert answer["error"]["code"] == "payment_intent_incompatible_payment_method"
    remote = payments.client().v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    assert remote.payment_method_types == ["card"]


@pytest.mark.parametrize("wallet", ["alipay", "wechat_pay"])
def test_alipay_and_wechat_pay_pay_through_their_own_page_and_come_back(
    client, daughter, unpaid, fake_stripe, settings, wallet
):
    settings.STRIPE_PAYMENT_METHOD_TYPES = ["card", "alipay", "wechat_pay"]
    client.force_login(daughter)
    page, payment = opens_the_pay_page(client, unpaid)
    remote = payments.client().v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    assert remote.payment_method_types == ["card", "alipay", "wechat_pay"]

    failed = stripe_js_confirms(fake_stripe, payment, page.context["return_url"], kind=wallet)
    response = comes_back(client, authorises(failed, "fail"))
    assert response["Location"] == reverse("orders:pay", args=[unpaid.code])
    shown = [str(message) for message in response.wsgi_request._messages]
    assert shown == ["付款未在支付宝或微信支付中完成。请重试，或换一种付款方式。"]

    answer = stripe_js_confirms(fake_stripe, payment, page.context["return_url"], kind=wallet)
    comes_back(client, authorises(answer, "succeed"))
    unpaid.refresh_from_db()
    assert unpaid.status == Order.Status.REQUESTED


@pytest.mark.parametrize(
    ("card", "chinese", "english"),
    [
        (DECLINED, "您的银行卡被拒绝", "Your card was declined. Please use another card"),
        (NOT_ENOUGH_MONEY, "余额不足", "does not have enough money"),
        (EXPIRED, "这张卡已过期", "This card has expired"),
    ],
)
def test_a_refusal_is_told_in_our_words_in_each_language(
    client, daughter, unpaid, fake_stripe, card, chinese, english
):
    client.force_login(daughter)
    page, payment = opens_the_pay_page(client, unpaid)
    error = stripe_js_confirms(fake_stripe, payment, page.context["return_url"], card=card)["error"]

    for language, words in (("zh-hans", chinese), ("en", english)):
        with translation.override(language):
            said = payments.refusal_message(code=error["code"], decline_code=error["decline_code"])
            page_words = payments.refusal_messages()
        assert words in said
        # The page's script picks by decline_code, then code, then the plain "declined".
        picked = page_words.get(error["decline_code"]) or page_words.get(error["code"])
        assert (picked or page_words["default"]) == said
    with translation.override("zh-hans"):  # Stripe's English never reaches the Chinese page
        assert error["message"] not in payments.refusal_message(
            code=error["code"], decline_code=error["decline_code"]
        )


def test_the_pay_page_gives_stripe_js_what_it_needs_in_the_payers_language(
    client, daughter, unpaid
):
    client.force_login(daughter)
    response, payment = opens_the_pay_page(client, unpaid)
    html = response.content.decode()

    assert f'data-client-secret="{payment.client_secret}"' in html
    assert 'data-locale="zh"' in html
    assert response.context["refusals"]["default"].startswith("您的银行卡被拒绝")
    assert 'id="payment-refusals"' in html


def test_a_lost_answer_asked_again_gives_the_same_payment_intent(daughter, unpaid):
    first = payments.start_payment(unpaid)
    # As if Stripe's answer had been lost on the way: nothing recorded on our side.
    Payment.objects.filter(pk=first.pk).update(stripe_payment_intent_id=None, client_secret="")

    second = payments.start_payment(unpaid)

    assert second.stripe_payment_intent_id == first.stripe_payment_intent_id
