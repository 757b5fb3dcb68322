"""The purchase-of-service pages of issue 17 in English: the officer's statement, contest,
programme and contract pages, the platform admin's purchaser page, and the provider's
statements. What is left in Chinese on them is the data people typed (names, notes),
never the page's own words."""

import re

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse

from statements import contests
from tests.statements.conftest import REASON, evidence

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")


@pytest.fixture
def contested(excluded, provider_manager):
    return contests.contest_line(
        line=excluded, by=provider_manager, reason=REASON, evidence=evidence()
    )


def words_left_in_chinese(client, url: str) -> set[str]:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url)
    assert response.status_code == 200, url
    main = BeautifulSoup(response.content, "html.parser").find("main")
    return set(CHINESE.findall(main.get_text(" ")))


# What people typed or named in the fixtures, and 低保, which the English wording keeps as
# the term officers use.
DATA = {"安馨居家养老服务社", "李秀兰", "上门助浴", "缺少服务照片", REASON, "刘静", "陈刚", "低保"}


def test_the_purchase_of_service_pages_are_in_english_for_an_english_reader(
    client, contested, district_officer, provider_manager, platform_admin
):
    statement = contested.line.statement
    programme = contested.line.programme
    pages = {
        district_officer: [
            reverse("purchase:statements") + f"?month={statement.month:%Y-%m}",
            reverse("purchase:statement", args=[statement.pk]),
            reverse("contests:index"),
            reverse("contests:detail", args=[contested.pk]),
            reverse("purchase:programmes"),
            reverse("purchase:programme", args=[programme.pk]),
            reverse("purchase:contract", args=[programme.contracts.get().pk]),
            reverse("purchase:contract_new", args=[programme.pk]),
            reverse("purchase:providers"),
            reverse("purchase:dashboard"),
        ],
        provider_manager: [
            reverse("statements:provider_statements", args=[statement.provider_id]),
            reverse("statements:statement", args=[statement.pk]),
        ],
        platform_admin: [
            reverse("purchasers:index"),
            reverse("purchasers:purchaser", args=[statement.purchaser_id]),
        ],
    }
    left = {}
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            left[url] = words_left_in_chinese(client, url) - DATA
    assert left == {url: set() for url in left}
