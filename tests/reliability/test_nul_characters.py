"""NUL characters in requests: refused with a 400 before any view sees them."""

import pytest
from django.urls import reverse

from tests.reliability.rows import changed_counts, row_counts

pytestmark = pytest.mark.django_db


def test_a_nul_character_in_a_field_read_directly_by_a_view_is_a_400_not_a_500(client, world):
    """Found by test_bad_input: staff views that read a reason straight from the POST
    passed a NUL character to PostgreSQL, which refused it (500). Now the request is
    refused before any view runs."""
    client.force_login(world["staff"])
    eligibility = world["eligibility"]
    before = row_counts()

    revoke = client.post(
        reverse("eligibility:revoke", args=[eligibility.pk]), {"reason": "搬\x00走"}
    )
    search = client.get(reverse("marketplace:catalogue"), {"q": "保洁\x00"})

    assert (revoke.status_code, search.status_code) == (400, 400)
    eligibility.refresh_from_db()
    assert eligibility.revoked_at is None
    assert changed_counts(before, row_counts()) == {}


def test_the_stripe_webhook_reads_its_own_body_whatever_is_posted_to_it(client):
    """The check must not parse the form data of views that read their raw body: a form
    posted to the webhook (with or without NUL) is refused by the signature check (400),
    not a 500 for a body already read."""
    before = row_counts()
    url = reverse("orders:stripe_webhook")
    answers = [
        client.post(url, {"type": "payment_intent.succeeded"}).status_code,
        client.post(url, {"note": "a\x00b"}).status_code,
        client.post(url, b'{"id": "evt_\x00"}', content_type="application/json").status_code,
    ]
    assert answers == [400, 400, 400]
    assert changed_counts(before, row_counts()) == {}
