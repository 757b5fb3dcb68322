"""Wagtail's page chooser and explorer list an editor's own community pages and the shared
ones, never another community's (issue 19, point 4; the URL-by-URL check is
tests/reliability/test_wagtail_admin_sweep.py)."""

import pytest
from django.urls import reverse

from cms.models import CommunityChannelPage
from tests.cms.conftest import add_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_activities(channel_pages, weifang_1, laoshan):
    ours = CommunityChannelPage.objects.get(region=weifang_1, locale__language_code="zh-hans")
    theirs = CommunityChannelPage.objects.get(region=laoshan, locale__language_code="zh-hans")
    return add_activity(ours, title="Weifang tea party"), add_activity(
        theirs, title="Laoshan tea party"
    )


def titles_in(response) -> set[str]:
    body = response.content.decode()
    return {title for title in ("Weifang tea party", "Laoshan tea party") if title in body}


@pytest.mark.parametrize(
    ("who", "seen"),
    [
        ("community_staff", {"Weifang tea party"}),
        ("street_staff", {"Weifang tea party"}),
        ("other_street_staff", {"Laoshan tea party"}),
        ("platform_admin", {"Weifang tea party", "Laoshan tea party"}),
    ],
)
def test_the_page_chooser_search_finds_only_pages_in_scope(client, cast, two_activities, who, seen):
    client.force_login(cast[who])

    response = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "tea"})

    assert response.status_code == 200
    assert titles_in(response) == seen


def test_another_communitys_channel_is_404_in_the_explorer_and_chooser(
    client, community_staff, two_activities
):
    theirs = two_activities[1].get_parent()
    client.force_login(community_staff)

    for name in ("wagtailadmin_explore", "wagtailadmin_choose_page_child"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    ours = two_activities[0].get_parent()
    assert client.get(reverse("wagtailadmin_explore", args=[ours.pk])).status_code == 200


def test_the_channel_index_lists_only_the_editors_channels(client, community_staff, two_activities):
    index = two_activities[0].get_parent().get_parent()
    client.force_login(community_staff)

    body = client.get(reverse("wagtailadmin_explore", args=[index.pk])).content.decode()

    assert "潍坊一村" in body
    assert "崂山" not in body
