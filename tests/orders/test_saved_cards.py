"""Issue 16 point 5 (decision 0029): a family member saves a card for their care plans'
visits with the Payment Element (a SetupIntent for off-session use), sees it as brand and
last four digits, and removes it; nobody else sees or removes it."""

import pytest
from django.conf import settings
from django.urls import reverse

from orders import payments
from orders.models import SavedCard
from tests.orders.cards import VISA, browser_confirms_setup, save_card

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_stripe")]


def test_a_card_saved_on_the_page_is_kept_as_brand_and_last_four_and_attached_in_stripe(
    client, daughter, fake_stripe
):
    client.force_login(daughter)
    assert client.post(reverse("orders:save_card")).status_code == 302  # no button: nothing
    assert not SavedCard.objects.filter(user=daughter).exists()
    started = client.post(reverse("orders:save_card"), {"start": "1"})
    card = SavedCard.objects.get(user=daughter)
    assert started["Location"] == reverse("orders:card_setup", args=[card.pk])
    page = client.get(started["Location"])
    assert card.client_secret in page.content.decode()
    assert page.context["return_url"] == f"http://testserver/cards/{card.pk}/saved/"
    client.post(reverse("orders:save_card"), {"start": "1"})  # pressed twice: the same card
    assert SavedCard.objects.filter(user=daughter).count() == 1

    answer = browser_confirms_setup(fake_stripe, card, VISA)
    assert answer["status"] == "succeeded"
    back = client.get(
        reverse("orders:card_saved", args=[card.pk]),
        {"setup_intent": answer["id"], "redirect_status": "succeeded"},
    )

    assert back.status_code == 302 and back["Location"] == reverse("orders:cards")
    card.refresh_from_db()
    assert (card.status, card.brand, card.last4) == (SavedCard.Status.ACTIVE, "visa", "4242")
    assert card.stripe_customer_id.startswith("cus_")
    remote = payments.client().v1.payment_methods.retrieve(card.stripe_payment_method_id)
    assert remote.customer == card.stripe_customer_id  # usable off-session
    listing = client.get(reverse("orders:cards")).content.decode()
    assert "4242" in listing and VISA not in listing


def test_a_return_address_that_says_succeeded_saves_nothing(client, daughter):
    client.force_login(daughter)
    client.post(reverse("orders:save_card"), {"start": "1"})
    card = SavedCard.objects.get(user=daughter)
    client.get(
        reverse("orders:card_saved", args=[card.pk]),
        {"setup_intent": card.stripe_setup_intent_id, "redirect_status": "succeeded"},
    )
    card.refresh_from_db()
    assert card.status == SavedCard.Status.SETTING_UP


def test_a_second_card_replaces_the_first_and_the_first_leaves_the_stripe_customer(
    daughter, fake_stripe
):
    first = save_card(fake_stripe, daughter)
    second = save_card(fake_stripe, daughter, "5555555555554444")
    first.refresh_from_db()
    assert first.status == SavedCard.Status.REMOVED and second.status == SavedCard.Status.ACTIVE
    assert second.stripe_customer_id == first.stripe_customer_id  # one customer per person
    old = payments.client().v1.payment_methods.retrieve(first.stripe_payment_method_id)
    assert old.customer is None


def test_removing_the_card_detaches_it_in_stripe_and_says_so_in_either_language(
    client, daughter, fake_stripe
):
    card = save_card(fake_stripe, daughter)
    client.force_login(daughter)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("orders:remove_card", args=[card.pk]), follow=True)
    assert "The card is removed" in response.content.decode()
    card.refresh_from_db()
    assert card.status == SavedCard.Status.REMOVED and card.removed_at is not None
    remote = payments.client().v1.payment_methods.retrieve(card.stripe_payment_method_id)
    assert remote.customer is None
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "没有保存" in client.get(reverse("orders:cards")).content.decode()


def test_only_the_cards_owner_sees_or_removes_it(client, daughter, son, fake_stripe):
    card = save_card(fake_stripe, daughter)
    client.force_login(son)
    assert "4242" not in client.get(reverse("orders:cards")).content.decode()
    assert client.post(reverse("orders:remove_card", args=[card.pk])).status_code == 404
    assert client.get(reverse("orders:card_saved", args=[card.pk])).status_code == 404
    assert client.get(reverse("orders:card_setup", args=[card.pk])).status_code == 404
    card.refresh_from_db()
    assert card.status == SavedCard.Status.ACTIVE


def test_a_refused_card_stays_unsaved_and_the_page_says_why(client, daughter, fake_stripe):
    client.force_login(daughter)
    client.post(reverse("orders:save_card"), {"start": "1"})
    card = SavedCard.objects.get(user=daughter)
    answer = browser_confirms_setup(fake_stripe, card, "4000000000000002")
    assert (answer["error"]["type"], answer["error"]["code"]) == ("card_error", "card_declined")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    back = client.get(reverse("orders:card_saved", args=[card.pk]), follow=True)
    assert "Your card was declined" in back.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    back = client.get(reverse("orders:card_saved", args=[card.pk]), follow=True)
    assert "您的银行卡被拒绝了" in back.content.decode()
    card.refresh_from_db()
    assert card.status == SavedCard.Status.SETTING_UP
    assert browser_confirms_setup(fake_stripe, card, VISA)["status"] == "succeeded"  # again
