"""Reading channels in both languages, the site search over pages and services, the
check-in list and the staff dashboard panel."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from cms import activities, channels
from cms.models import ActivityRegistration, ChannelPostPage
from communities.models import Region
from tests.cms.conftest import add_activity
from tests.marketplace.conftest import publish

pytestmark = pytest.mark.django_db


def post(channel, title, body, kind="announcement"):
    page = channel.add_child(instance=ChannelPostPage(title=title, kind=kind, body=body))
    page.save_revision().publish()
    return ChannelPostPage.objects.get(pk=page.pk)


def test_an_announcement_appears_on_its_channel_and_not_on_others(client, channel_pages):
    post(channel_pages["310115004001"], "本周六停水通知", "<p>周六 8 点到 12 点停水。</p>")
    own = client.get(channel_pages["310115004001"].url).content.decode()
    other = client.get(channel_pages["310115004002"].url).content.decode()
    assert "本周六停水通知" in own
    assert "本周六停水通知" not in other


def test_an_english_reader_sees_the_english_channel_and_untranslated_posts_in_chinese(
    client, channel_pages
):
    channel = channel_pages["310115004001"]
    notice = post(channel, "本周六停水通知", "<p>周六 8 点到 12 点停水。</p>")
    client.cookies["django_language"] = "en"

    english_channel = channel.get_translation(Locale.objects.get(language_code="en"))
    page = client.get(english_channel.url).content.decode()
    assert "Weifang No. 1 Village" in page
    assert "本周六停水通知" in page
    assert "Announcements" in page

    # The post's Chinese address under the English channel still finds it, marked as such.
    untranslated = client.get(english_channel.url + notice.slug + "/")
    assert untranslated.status_code == 200
    assert "This page has not been translated into English yet." in untranslated.content.decode()


def test_a_translated_post_is_shown_in_english_to_english_readers(client, channel_pages):
    chinese = post(channel_pages["310115004001"], "本周六停水通知", "<p>周六停水。</p>")
    english = chinese.copy_for_translation(Locale.objects.get(language_code="en"))
    english.title = "Water off on Saturday"
    english.save_revision().publish()

    client.cookies["django_language"] = "en"
    found = client.get("/search/", {"q": "Water"}).content.decode()
    assert "Water off on Saturday" in found
    client.cookies["django_language"] = "zh-hans"
    found = client.get("/search/", {"q": "停水"}).content.decode()
    assert "本周六停水通知" in found and "Water off on Saturday" not in found


def test_the_site_search_finds_pages_and_services_together(client, channel_pages, provider_a):
    publish(provider_a, title_zh="上门助浴", price_fen=8000, duration_minutes=60)
    post(channel_pages["310115004001"], "助浴服务上门啦", "<p>社区引进了上门助浴。</p>")
    found = client.get("/search/", {"q": "助浴"}).content.decode()
    assert "助浴服务上门啦" in found
    assert "上门助浴" in found.replace("助浴服务上门啦", "")
    assert "没有匹配的页面" in client.get("/search/", {"q": "不存在的词"}).content.decode()


def test_staff_check_people_in_from_the_list_of_their_own_community(
    client, channel_pages, daughter, community_staff, other_street_staff
):
    activity = add_activity(channel_pages["310115004001"])
    registration = activities.register(activity=activity, by=daughter)

    client.force_login(other_street_staff)
    assert client.get(f"/cms-admin/channel_work/activities/{activity.pk}/").status_code == 404
    checked = client.post(f"/cms-admin/channel_work/registrations/{registration.pk}/check-in/")
    assert checked.status_code == 404
    assert activity.title not in client.get("/cms-admin/channel_work/activities/").content.decode()

    client.force_login(community_staff)
    listing = client.get(f"/cms-admin/channel_work/activities/{activity.pk}/").content.decode()
    assert str(daughter) in listing
    client.post(f"/cms-admin/channel_work/registrations/{registration.pk}/check-in/")
    assert ActivityRegistration.objects.get(pk=registration.pk).checked_in_at is not None


def test_the_staff_dashboard_says_what_waits_for_them(client, community_staff, provider_a):
    provider_a.status = provider_a.Status.SUBMITTED
    provider_a.save()
    client.force_login(community_staff)
    page = client.get("/cms-admin/").content.decode()
    assert "等您处理" in page
    assert "<strong>1</strong> 服务商准入审核" in page


def test_the_channel_index_costs_the_same_queries_however_many_communities(
    client, channel_pages, weifang
):
    index = channel_pages["310115004001"].get_parent()
    client.get(index.url)  # the first request also caches the site and its root
    with CaptureQueriesContext(connection) as few:
        assert client.get(index.url).status_code == 200
    for number in range(3, 9):
        Region.objects.create(
            code=f"31011500400{number}",
            name_zh=f"潍坊{number}村",
            name_en=f"Weifang No. {number}",
            level="community",
            parent=weifang,
        )
    channels.ensure_channel_pages()
    with CaptureQueriesContext(connection) as many:
        page = client.get(index.url).content.decode()
    assert "潍坊8村" in page
    assert len(many) == len(few)
