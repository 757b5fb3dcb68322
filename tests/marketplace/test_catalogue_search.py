import pytest
from django.urls import reverse

from cms import jobs
from marketplace import selectors
from marketplace.selectors import CatalogueFilters, search_services
from providers import services as provider_services
from tests.marketplace.conftest import publish

pytestmark = pytest.mark.django_db


def titles(**filters) -> list[str]:
    return [s.title_zh for s in search_services(CatalogueFilters(**filters))]


@pytest.fixture
def catalogue(provider_a, cleaning, bathing):
    publish(
        provider_a,
        title_zh="水电上门维修",
        category="plumbing",
        description_zh="水龙头、马桶、开关插座维修",
    )
    return provider_a


@pytest.mark.parametrize("query", ["保洁", "baojie", "bj", "BaoJie", "深度保洁", "cleaning"])
def test_cleaning_is_found_in_chinese_pinyin_and_initials(catalogue, query):
    assert titles(query=query) == ["家庭深度保洁服务"]


@pytest.mark.parametrize("query", ["助浴", "zhuyu", "zy", "防滑垫"])
def test_a_word_in_the_description_finds_the_service(catalogue, query):
    assert titles(query=query) == ["老人洗澡上门服务"]


def test_a_query_that_matches_nothing_finds_nothing(catalogue):
    assert titles(query="理发") == []


def test_a_category_name_finds_its_services(catalogue):
    assert sorted(titles(query="家政")) == ["家庭深度保洁服务", "水电上门维修"]


def test_a_title_match_ranks_above_a_description_match(provider_a):
    publish(provider_a, title_zh="厨房清洁", description_zh="顺带深度保洁")
    publish(provider_a, title_zh="深度保洁套餐", description_zh="全屋")
    assert titles(query="保洁")[0] == "深度保洁套餐"


@pytest.mark.parametrize("query", ["保洁", "baojie", "bj", "助浴"])
def test_the_embedded_fallback_finds_the_same(catalogue, monkeypatch, query):
    class SQLiteLike:
        vendor = "sqlite"

    expected = titles(query=query)
    monkeypatch.setattr(selectors, "connection", SQLiteLike())
    assert titles(query=query) == expected != []


def test_the_search_page_shows_the_matches(client, catalogue):
    response = client.get(reverse("marketplace:catalogue"), {"q": "bj"})
    assert response.status_code == 200
    assert [s.title_zh for s in response.context["page"]] == ["家庭深度保洁服务"]


def test_a_renamed_provider_is_found_under_its_new_name_after_the_next_jobs(
    catalogue, provider_manager
):
    provider_services.update_provider(provider=catalogue, by=provider_manager, name="福寿康服务社")
    assert titles(query="福寿康") == []  # not yet: the terms were computed before

    for job in jobs.FREQUENT:
        job.enqueue()  # the immediate backend runs each at once, as the workers would

    assert len(titles(query="福寿康")) == 3
    assert titles(query="安馨") == []
