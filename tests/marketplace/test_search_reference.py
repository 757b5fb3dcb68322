"""Search against a brute-force reference (issue 21, decision 0047).

Three hundred services with Chinese titles, descriptions, categories and providers; for each
query, the catalogue's first pages and count (through the real view, page cache off) equal
what plain Python finds by the rules of decisions 0008 and 0047, written here without SQL:

- a service is found when every group of the query has an alternative whose terms are all
  among the service's terms (a prefix term: some term starts with it), the service is
  published, its provider approved, and it passes the category and community filters;
- its rank is 2 when its title's terms alone hold the query, 1 when its title, category and
  provider names do, else 0; results go by rank, highest first, then oldest (pk) first;
- the count is exact up to the cap and says "more than" the cap above it.
"""

import random
import urllib.parse
from dataclasses import dataclass

import pytest
from django.urls import reverse

from marketplace import page_cache, selectors
from marketplace.models import Category, Service
from marketplace.search import Term, index_terms, parse_query
from providers.models import Provider
from tests.marketplace.conftest import publish

pytestmark = pytest.mark.django_db

WORDS = ["保洁", "助浴", "助餐", "维修", "理发", "陪诊", "康复", "洗衣", "搬家", "配钥匙", "家电"]
ADJECTIVES = ["上门", "专业", "社区", "家庭", "长者", "精细", "快速", "深度", ""]
ENDINGS = ["服务", "套餐", "", "体验", "(标准)"]
SENTENCES = [
    "两名护理员上门助浴",
    "厨房卫生间重点清洁",
    "水龙头马桶开关插座维修",
    "营养午餐送到家",
    "陪同老人去医院复诊",
    "手法按摩与康复训练",
    "",
]
PROVIDERS = [
    ("安馨居家养老服务社", "social_org", "approved"),
    ("康乐物业服务有限公司", "property_company", "approved"),
    ("洁家便民服务部", "merchant", "approved"),
    ("福寿家政服务部", "merchant", "submitted"),
]
QUERIES = [
    "保洁",
    "baojie",
    "bj",
    "Baoj",
    "服务",
    "上门 助浴",
    "上门zhuyu",
    "zy",
    "家政",
    "康乐",
    "kangfu",
    "助",
    "深度保洁",
    "sm",
    "洗衣 kuaisu",
    "维修 shuidian",
    "理发",
    "pz",
    "配钥匙",
    "不存在的词",
]
CAP = 50  # small, so that common words pass it with a few hundred services


@dataclass(frozen=True)
class Known:
    """What the reference knows of one service: its terms by field, and where it is."""

    pk: int
    title: frozenset[str]
    labels: frozenset[str]
    body: frozenset[str]
    categories: frozenset[str]  # its category's slug and its parent's
    communities: frozenset[int]  # where it is offered and its provider may serve
    bookable: bool


def holds(terms: frozenset[str], term: Term) -> bool:
    if term.prefix:
        return any(candidate.startswith(term.text) for candidate in terms)
    return term.text in terms


def found_in(terms: frozenset[str], query: str) -> bool:
    groups = parse_query(query)
    return bool(groups) and all(
        any(all(holds(terms, term) for term in alternative) for alternative in group)
        for group in groups
    )


def rank_of(service: Known, query: str) -> int:
    if found_in(service.title, query):
        return 2
    if found_in(service.title | service.labels, query):
        return 1
    return 0


def reference(known: list[Known], query: str, *, category="", community=None) -> list[int]:
    ranked = []
    for service in known:
        everything = service.title | service.labels | service.body
        if not service.bookable or not found_in(everything, query):
            continue
        if category and category not in service.categories:
            continue
        if community is not None and community not in service.communities:
            continue
        ranked.append((-rank_of(service, query), service.pk))
    return [pk for _rank, pk in sorted(ranked)]


@pytest.fixture
def city(weifang_1, weifang_2, laoshan) -> list[Known]:
    communities = [weifang_1, weifang_2, laoshan]
    providers = []
    for index, (name, kind, status) in enumerate(PROVIDERS):
        provider = Provider.objects.create(name=name, kind=kind, status=status)
        provider.communities.set(communities[: 1 + index % 3])
        providers.append(provider)
    leaves = list(Category.objects.filter(parent__isnull=False).order_by("pk"))
    rng = random.Random(21)
    for _ in range(300):
        provider = rng.choice(providers)
        service = publish(
            provider,
            title_zh=rng.choice(ADJECTIVES) + rng.choice(WORDS) + rng.choice(ENDINGS),
            category=rng.choice(leaves).slug,
            description_zh=rng.choice(SENTENCES) + rng.choice(["", "，" + rng.choice(WORDS)]),
            communities=rng.sample(communities, rng.randint(1, 3)),
            hours=[],
        )
        if rng.random() < 0.05:
            Service.objects.filter(pk=service.pk).update(status=Service.Status.DRAFT)
    known = []
    for service in Service.objects.select_related("provider", "category__parent"):
        category, parent = service.category, service.category.parent
        labels = [category.name_zh, category.name_en, service.provider.name]
        if parent is not None:
            labels += [parent.name_zh, parent.name_en]
        offered = set(service.communities.values_list("pk", flat=True))
        served = set(service.provider.communities.values_list("pk", flat=True))
        known.append(
            Known(
                pk=service.pk,
                title=frozenset(index_terms(service.title_zh, service.title_en)),
                labels=frozenset(index_terms(*labels)),
                body=frozenset(index_terms(service.description_zh, service.description_en)),
                categories=frozenset({category.slug, parent.slug if parent else ""}),
                communities=frozenset(offered & served),
                bookable=service.status == "published" and service.provider.status == "approved",
            )
        )
    return known


@pytest.fixture
def uncached(monkeypatch):
    monkeypatch.setattr(page_cache, "part", lambda name, identity, render, **_options: render())
    monkeypatch.setattr(selectors, "COUNT_CAP", CAP)


def shown(client, **params) -> tuple[list[int], int, bool]:
    response = client.get(reverse("marketplace:catalogue") + "?" + urllib.parse.urlencode(params))
    assert response.status_code == 200
    page = response.context["page"]
    return [service.pk for service in page], page.paginator.count, page.paginator.estimated


def assert_same(client, expected: list[int], **params) -> None:
    pks, count, estimated = shown(client, **params)
    assert pks == expected[: views_page_size()], params
    if len(expected) > CAP:
        assert (count, estimated) == (CAP, True), params
    else:
        assert (count, estimated) == (len(expected), False), params
    if len(expected) > views_page_size():
        second, _count, _estimated = shown(client, page=2, **params)
        assert second == expected[views_page_size() : 2 * views_page_size()], params


def views_page_size() -> int:
    from marketplace.views import PAGE_SIZE

    return PAGE_SIZE


def test_first_pages_and_counts_equal_the_brute_force_reference(
    client, city, uncached, weifang_1, laoshan
):
    """One city for every comparison: building three hundred services takes seconds."""
    sizes = {}
    for query in QUERIES:
        expected = reference(city, query)
        sizes[query] = len(expected)
        assert_same(client, expected, q=query)
    for query in ["保洁", "服务", "zhucan", "上门", "wx"]:
        for category in ("household", "cleaning", "eldercare", "bathing"):
            assert_same(
                client, reference(city, query, category=category), q=query, category=category
            )
    for query in ["保洁", "服务", "kangfu", "家"]:
        for community in (weifang_1.pk, laoshan.pk):
            expected = reference(city, query, community=community)
            assert_same(client, expected, q=query, community=community)

    # The data is rich enough for these comparisons to mean something: both sides of the
    # cap, a query that finds nothing, and matches of every rank.
    assert max(sizes.values()) > CAP
    assert 0 < sizes["保洁"] <= CAP
    assert sizes["不存在的词"] == 0
    ranks = {
        rank_of(service, query)
        for service in city
        for query in QUERIES
        if found_in(service.title | service.labels | service.body, query)
    }
    assert ranks == {0, 1, 2}
