"""Uncached search: at most ten queries, anonymous and signed in, with photos on the page
(issue 21; the reader's roles are read once per request since decision 0046)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ResidentProfile
from marketplace import page_cache
from tests.marketplace.test_query_counts import fill

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10  # anonymous and signed in alike


@pytest.fixture
def uncached(monkeypatch):
    monkeypatch.setattr(page_cache, "part", lambda name, identity, render, **_options: render())


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize(
    "params",
    [
        {"q": "保洁"},
        {"q": "bj", "category": "household"},
        {"q": "baojie", "sort": "price"},
        {"q": "保洁", "community": "weifang_1"},
    ],
)
def test_an_uncached_search_takes_a_bounded_number_of_queries(
    client, daughter, provider_a, weifang_1, uncached, signed_in, params
):
    ResidentProfile.objects.update_or_create(user=daughter, defaults={"community": weifang_1})
    if signed_in:
        client.force_login(daughter)
    if params.get("community"):
        params = {**params, "community": weifang_1.pk}
    fill(provider_a, 3)  # with photos: the card's rendition is part of the cost
    url = reverse("marketplace:catalogue")
    client.get(url, params)  # the first view of a photo makes its thumbnail once
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    assert len(response.context["page"]) == 3
    assert len(captured) <= MAX_QUERIES, "\n".join(q["sql"][:120] for q in captured)
