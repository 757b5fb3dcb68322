"""orders.reused_query: an ORM query built once and run with new values gives what the
ORM would have given, and is built afresh when a value cannot be found to replace."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import Region
from marketplace.models import Slot
from orders.events import CONCERNED
from orders.reused_query import ReusedQuery
from orders.services import BOOKABLE_SLOT, slot_from_row

pytestmark = pytest.mark.django_db


def counting(build):
    calls = []

    def counted(**values):
        calls.append(values)
        return build(**values)

    return counted, calls


def children_of(parent_id: int, level: str):
    return Region.objects.filter(parent_id=parent_id, level=level).order_by("pk").values_list("pk")


def test_built_once_it_answers_for_every_value_as_the_orm_does(
    pudong, weifang, weifang_1, lujiazui
):
    build, calls = counting(children_of)
    query = ReusedQuery(build, parent_id=-9_000_901, level="(stand-in)")

    for parent, level in [(pudong.pk, "street"), (weifang.pk, "community"), (pudong.pk, "x")]:
        assert query.rows(parent_id=parent, level=level) == list(children_of(parent, level))
    assert len(calls) == 1


def test_a_value_written_into_the_sql_is_noticed_and_the_query_built_each_time(pudong, weifang):
    # A slice's bounds are written into the SQL, not passed as parameters.
    def first_streets(parent_id: int, count: int):
        return children_of(parent_id, "street")[:count]

    build, calls = counting(first_streets)
    query = ReusedQuery(build, parent_id=-9_000_901, count=9_000_902)

    assert not query.reusable()
    assert query.rows(parent_id=pudong.pk, count=1) == [(weifang.pk,)]
    assert query.rows(parent_id=pudong.pk, count=0) == []
    assert len(calls) == 3  # once to look, then every call


@pytest.mark.postgres
def test_on_postgresql_the_booking_paths_queries_are_reused():
    assert connection.vendor == "postgresql"
    assert CONCERNED.reusable()
    assert BOOKABLE_SLOT.reusable()


def columns(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_bookable_slot_comes_with_its_service_provider_and_category_as_the_orm_gives_them(
    slot, grandma_li
):
    rows = BOOKABLE_SLOT.rows(
        slot_id=slot.pk, community_id=grandma_li.community_id, now=timezone.now()
    )
    loaded = slot_from_row(rows[0])
    expected = Slot.objects.select_related("service__provider", "service__category").get(pk=slot.pk)

    with CaptureQueriesContext(connection) as queries:
        pairs = [
            (loaded, expected),
            (loaded.service, expected.service),
            (loaded.service.provider, expected.service.provider),
            (loaded.service.category, expected.service.category),
        ]
        for got, want in pairs:
            assert type(got) is type(want)
            assert columns(got) == columns(want)
            assert not got._state.adding
    assert not queries.captured_queries
