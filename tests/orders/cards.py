"""Saving a card in a test as the save-a-card page does it: our server makes the SetupIntent,
the fake's Stripe.js stand-in confirms it with a test card typed into the Payment Element,
and the browser comes back to our return address (decision 0029)."""

import json
import urllib.error
import urllib.request

from orders import payments, saved_cards
from orders.models import SavedCard

VISA = "4242424242424242"
# Saved without a word; every charge then declined (card_declined / generic_decline).
DECLINES_LATER = "4000000000000341"
# The bank asks for 3-D Secure on every payment, even off-session (authentication_required).
ALWAYS_ASKS = "4000002760003184"


def browser_confirms_setup(fake_stripe: str, card: SavedCard, number: str) -> dict:
    body = {
        "key": "pk_test_linli_local",
        "client_secret": card.client_secret,
        "return_url": "http://testserver/cards/saved/",
        "payment_method_data": {
            "type": "card",
            "card": {"number": number, "exp_month": "12", "exp_year": "34", "cvc": "123"},
        },
    }
    url = f"{fake_stripe}/_config/js/setup_intents/{card.stripe_setup_intent_id}/confirm"
    try:
        with urllib.request.urlopen(url, data=json.dumps(body).encode(), timeout=10) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as refusal:
        return json.load(refusal)


def authorise_setup(answer: dict, outcome: str = "succeed") -> None:
    """The payer on the bank's 3-D Secure page while saving the card."""
    import urllib.parse

    url = answer["next_action"]["redirect_to_url"]["url"]
    page = urllib.parse.urlsplit(url)
    form = dict(urllib.parse.parse_qsl(page.query), outcome=outcome)

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    target = urllib.parse.urlunsplit(page._replace(query=""))
    try:
        urllib.request.build_opener(Stay).open(
            target, data=urllib.parse.urlencode(form).encode(), timeout=10
        )
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302


def save_card(fake_stripe: str, user, number: str = VISA) -> SavedCard:
    card = payments.start_card_setup(saved_cards.begin_saving_card(by=user))
    answer = browser_confirms_setup(fake_stripe, card, number)
    if answer.get("next_action"):
        authorise_setup(answer)
    payments.settle_card_setup(card)
    card.refresh_from_db()
    return card


def recorded(fake_stripe: str) -> list[dict]:
    with urllib.request.urlopen(fake_stripe + "/_config/requests", timeout=5) as answer:
        return json.load(answer)


def intents_created_for(fake_stripe: str, order_code: str) -> list[dict]:
    return [
        r
        for r in recorded(fake_stripe)
        if r["method"] == "POST"
        and r["path"] == "/v1/payment_intents"
        and ["metadata[order]", order_code] in r["params"]
    ]
