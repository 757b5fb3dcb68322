"""Rate limits on booking, paying and visit codes (decision 0018): per person and per
client address, counted in the shared cache (Redis), answered with a 429 page in the
person's language; with Redis gone they fail open, as decision 0014 says."""

import pytest
from django.core.cache import caches
from django.test import RequestFactory
from django.urls import reverse

from accounts import rate_limits
from accounts.rate_limits import BOOKING, PAYMENT, VISIT_CODE, over_limit
from config.cache import FailOpenRedisCache
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

# The limits answer before the order is looked up, so a code nobody holds is enough.
NOBODYS = "ZZZZZZZZ"


@pytest.mark.parametrize(
    ("limit", "method", "url"),
    [
        (BOOKING, "post", reverse("orders:book", args=[999_999])),
        (PAYMENT, "get", reverse("orders:pay", args=[NOBODYS])),
        (PAYMENT, "get", reverse("orders:paid", args=[NOBODYS])),
        (VISIT_CODE, "post", reverse("orders:check_in", args=[NOBODYS])),
    ],
)
def test_one_person_over_the_limit_gets_a_429_page_in_chinese(client, daughter, limit, method, url):
    client.force_login(daughter)
    for _ in range(limit.per_user):
        assert getattr(client, method)(url).status_code == 404

    response = getattr(client, method)(url)

    assert response.status_code == 429
    assert response["Retry-After"] == str(limit.window_seconds)
    assert "尝试次数过多" in response.content.decode()


def test_the_429_page_speaks_english_to_who_chose_it(client, daughter):
    daughter.language = "en"
    daughter.save(update_fields=["language"])
    client.force_login(daughter)
    url = reverse("orders:check_in", args=[NOBODYS])
    for _ in range(VISIT_CODE.per_user):
        client.post(url)

    response = client.post(url)

    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "Please wait 10 minutes" in response.content.decode()


def request_from(user, address: str):
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    request.user = user
    return request


def test_one_address_is_limited_across_the_people_behind_it(db):
    people = [make_user(f"neighbour{n}@example.cn") for n in range(4)]
    answers = [
        over_limit(VISIT_CODE, request_from(person, "10.0.0.7"))
        for person in people
        for _ in range(VISIT_CODE.per_user)
    ]
    # 30 guesses from the address, then the fourth person is refused though new.
    assert answers.count(True) == 4 * VISIT_CODE.per_user - VISIT_CODE.per_address
    assert not over_limit(VISIT_CODE, request_from(make_user("far@example.cn"), "10.0.0.8"))


def test_one_person_is_limited_whatever_address_they_come_from(daughter):
    answers = [
        over_limit(VISIT_CODE, request_from(daughter, f"10.0.1.{n}"))
        for n in range(VISIT_CODE.per_user + 1)
    ]
    assert answers == [False] * VISIT_CODE.per_user + [True]


@pytest.mark.redis
def test_the_count_is_kept_in_redis_where_every_server_sees_it(daughter, settings):
    for _ in range(3):
        over_limit(BOOKING, request_from(daughter, "10.0.2.1"))
    # Another app server: a cache client of its own on the same Redis.
    other_server = FailOpenRedisCache(
        settings.REDIS_URL, {"KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"]}
    )
    assert other_server.get(f"rate:booking:user:{daughter.pk}") == 3
    assert caches["default"].get("rate:booking:address:10.0.2.1") == 3


def test_with_redis_gone_the_limits_fail_open_instead_of_failing_the_page(daughter, monkeypatch):
    gone = FailOpenRedisCache(
        "redis://127.0.0.1:1/0",
        {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
    )
    monkeypatch.setattr(rate_limits, "cache", gone)
    answers = {
        over_limit(VISIT_CODE, request_from(daughter, "10.0.3.1"))
        for _ in range(VISIT_CODE.per_user + 2)
    }
    assert answers == {False}
