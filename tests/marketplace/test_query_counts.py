"""List, search and service pages cost the same number of queries for 1 service or 15, with
the page cache empty (tests/cms/test_page_query_budgets.py holds every page's budget)."""

import io

import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from wagtail.images import get_image_model

from marketplace.slots import materialise_slots
from tests.marketplace.conftest import publish

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10


def photo(name: str):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 200)).save(buffer, format="PNG")
    return get_image_model().objects.create(
        title=name, file=ImageFile(io.BytesIO(buffer.getvalue()), name=f"{name}.png")
    )


def fill(provider, count: int):
    made = []
    for index in range(count):
        service = publish(
            provider,
            title_zh=f"家庭保洁{index}号",
            description_zh="深度保洁 助浴" if index % 2 else "厨房清洁",
        )
        service.image = photo(f"s{index}")
        service.save(update_fields=["image"])
        made.append(service)
    return made


def queries_for(client, url, params=None) -> int:
    client.get(url, params)  # the first view of a photo makes its thumbnail once
    cache.clear()  # what is counted is a page nobody has rendered before
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("marketplace:catalogue", None),
        ("marketplace:catalogue", {"q": "保洁"}),
        ("marketplace:catalogue", {"q": "bj", "category": "household", "sort": "price"}),
    ],
)
def test_list_and_search_pages_query_a_fixed_number_of_times(
    client, daughter, provider_a, url, params
):
    client.force_login(daughter)
    fill(provider_a, 1)
    few = queries_for(client, reverse(url), params)
    fill(provider_a, 14)
    many = queries_for(client, reverse(url), params)
    assert few == many
    assert many <= MAX_QUERIES


def test_the_service_page_queries_a_fixed_number_of_times(client, daughter, provider_a):
    from django.utils import timezone

    client.force_login(daughter)
    (service,) = fill(provider_a, 1)
    materialise_slots(service, start=timezone.localdate(), days=2)
    few = queries_for(client, service.get_absolute_url())
    materialise_slots(service, start=timezone.localdate(), days=28)
    many = queries_for(client, service.get_absolute_url())
    assert few == many
    assert many <= MAX_QUERIES
