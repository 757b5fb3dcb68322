"""Channel pages follow the region tree, and page permissions follow staff scopes."""

import pytest
from wagtail.models import Locale

from accounts.models import Role, RoleAssignment, User
from cms import channels, jobs
from cms.models import ChannelPostPage, CommunityChannelPage
from communities.models import Region

pytestmark = pytest.mark.django_db


def can_edit(user, page) -> bool:
    permissions = page.permissions_for_user(user)
    return permissions.can_edit() and permissions.can_add_subpage()


def test_every_community_gets_a_channel_in_both_languages_once(channel_pages, weifang_1):
    assert channels.ensure_channel_pages() == 0
    chinese = CommunityChannelPage.objects.get(region=weifang_1, locale__language_code="zh-hans")
    english = chinese.get_translation(Locale.objects.get(language_code="en"))
    assert (chinese.title, english.title) == ("潍坊一村", "Weifang No. 1 Village")
    assert CommunityChannelPage.objects.count() == 2 * len(channel_pages)


@pytest.mark.parametrize(
    ("who", "editable"),
    [
        ("community_staff", {"310115004001"}),
        ("street_staff", {"310115004001", "310115004002"}),
        ("other_street_staff", {"310115005002"}),
        ("daughter", set()),
        ("provider_manager", set()),
        ("district_officer", set()),
    ],
)
def test_staff_edit_the_channels_of_their_scope_and_no_other(cast, channel_pages, who, editable):
    user = cast[who]
    for code, channel in channel_pages.items():
        english = channel.get_translation(Locale.objects.get(language_code="en"))
        for page in (channel, english):
            assert can_edit(user, page) == (code in editable), (who, code, page.locale)


def test_a_new_scope_grants_and_a_removed_one_withdraws(channel_pages, daughter, weifang_2):
    channel = channel_pages["310115004002"]
    assignment = RoleAssignment.objects.create(
        user=daughter, role=Role.COMMUNITY_STAFF, region=weifang_2
    )
    # Each request loads the user afresh; Wagtail caches permissions on the user object.
    assert can_edit(User.objects.get(pk=daughter.pk), channel)
    assignment.delete()
    assert not can_edit(User.objects.get(pk=daughter.pk), channel)


def test_staff_cannot_add_a_post_to_another_communitys_channel(client, cast, channel_pages):
    client.force_login(cast["community_staff"])
    other = channel_pages["310115004002"]
    response = client.post(
        f"/cms-admin/pages/add/cms/channelpostpage/{other.pk}/",
        {
            "title": "不该出现",
            "slug": "x",
            "kind": "announcement",
            "date": "2026-11-23",
            "body": '{"blocks":[{"key":"a","text":"x","type":"unstyled","depth":0,'
            '"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
            "action-publish": "1",
        },
    )
    # Out of scope, the page does not exist for them (cms/middleware.py, decision 0021).
    assert response.status_code == 404
    assert not ChannelPostPage.objects.filter(title="不该出现").exists()
    own = channel_pages["310115004001"]
    client.post(
        f"/cms-admin/pages/add/cms/channelpostpage/{own.pk}/",
        {
            "title": "停水通知",
            "slug": "water",
            "kind": "announcement",
            "date": "2026-11-23",
            "body": '{"blocks":[{"key":"a","text":"明天停水","type":"unstyled","depth":0,'
            '"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
            "action-publish": "1",
        },
    )
    posted = ChannelPostPage.objects.get(title="停水通知")
    assert posted.live and posted.get_parent().pk == own.pk


def test_a_community_added_later_gets_its_channel_from_the_daily_jobs(channel_pages, weifang):
    added = Region.objects.create(
        code="310115004009",
        level="community",
        parent=weifang,
        name_zh="潍坊九村",
        name_en="Weifang No. 9",
    )
    for job in jobs.DAILY:
        job.enqueue()  # the immediate backend runs each at once, as the workers would

    chinese = CommunityChannelPage.objects.get(region=added, locale__language_code="zh-hans")
    assert chinese.get_translation(Locale.objects.get(language_code="en")).title == "Weifang No. 9"
