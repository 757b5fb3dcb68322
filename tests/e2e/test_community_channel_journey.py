"""Community channels in a real browser: staff of 潍坊一村 publish an announcement in the
Wagtail admin and send a targeted notice to the elderly who live alone in their community;
the daughter of one of them, with her mother's channel open in another city, sees the notice
arrive without reloading, reads it, and the staff see that she has."""

import re

import pytest
from playwright.sync_api import expect

from cms import channels, notices
from cms.models import ChannelPostPage, CommunityChannelPage, NoticeDelivery
from tests.conftest import PASSWORD
from tests.e2e.steps import give_authenticator, in_a_plain_thread, log_in, log_in_with_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_staff_announce_and_notify_those_living_alone_and_the_family_sees_it_live(
    live_site, new_page, screenshot, daughter, grandma_li, community_staff, weifang_2
):
    channels.ensure_channel_pages()
    channel = CommunityChannelPage.objects.get(
        region=grandma_li.community, locale__language_code="zh-hans"
    )

    family = new_page()
    log_in(family, live_site, daughter.email, PASSWORD)
    family.goto(live_site.url + channel.url)
    expect(family.locator("h1")).to_have_text("潍坊一村")
    expect(family.locator("html[data-live-socket=open]")).to_have_count(1)
    # A mark on this very page: had it reloaded, the mark would be gone.
    family.evaluate("window.sameVisit = true")

    staff = new_page()
    log_in_with_code(
        staff, live_site, community_staff.email, PASSWORD, give_authenticator(community_staff)
    )
    staff.goto(live_site.url + f"/cms-admin/pages/add/cms/channelpostpage/{channel.pk}/")
    staff.fill("input[name=title]", "寒潮预警：本周末降温")
    editor = staff.locator(".Draftail-Editor [contenteditable=true]").first
    editor.click()
    staff.keyboard.insert_text("周六起气温降到零下，社区活动室开放取暖。")
    expect(editor).to_contain_text("周六起气温降到零下")
    # Draftail copies its content into the form a moment after typing.
    expect(staff.locator("input[name=body]")).to_have_value(re.compile("周六起气温降到零下"))
    screenshot(staff, "01-announcement-editor")
    # "Publish" sits in the save button's menu; pressing it is submitting the form with it.
    staff.locator("button[name=action-publish]").evaluate(
        "button => button.form.requestSubmit(button)"
    )
    # Publishing returns to the channel's page listing (the editor shows the title as well,
    # so the listing's address is what says it was saved).
    expect(staff).to_have_url(re.compile(rf"/cms-admin/pages/{channel.pk}/$"), timeout=20_000)
    expect(staff.locator("main")).to_contain_text("寒潮预警：本周末降温")
    post = ChannelPostPage.objects.get(title="寒潮预警：本周末降温")
    assert post.live and post.get_parent().pk == channel.pk

    staff.goto(live_site.url + "/cms-admin/channel_work/")
    staff.fill("input[name=title]", "寒潮来袭，请独居老人注意保暖")
    staff.fill(
        "textarea[name=body]", "社区志愿者明天上午会上门送取暖器，有需要请拨打 021-5888 0000。"
    )
    staff.get_by_label("潍坊一村").check()
    staff.get_by_label("仅独居人员").check()
    staff.get_by_test_id("preview-reach").click()
    expect(staff.get_by_test_id("reach")).to_contain_text("涉及 1 人，将送达 1 个账户")
    screenshot(staff, "02-notice-reach")
    staff.get_by_test_id("send-notice").click()
    expect(staff.get_by_test_id("read-count")).to_contain_text("1 个账户中已有 0 个阅读")

    news = family.locator("[data-live-news] a")
    expect(news).to_contain_text("社区通知：寒潮来袭，请独居老人注意保暖", timeout=15_000)
    assert family.evaluate("window.sameVisit === true")
    screenshot(family, "03-notice-arrives-live")
    news.click()
    expect(family.locator("main")).to_contain_text("社区志愿者明天上午会上门送取暖器")
    expect(family.locator("main")).to_contain_text("李秀兰")
    screenshot(family, "04-notice")

    family.goto(live_site.url + channel.url)
    expect(family.get_by_test_id("announcements")).to_contain_text("寒潮预警：本周末降温")

    staff.reload()
    expect(staff.get_by_test_id("read-count")).to_contain_text("1 个账户中已有 1 个阅读")
    screenshot(staff, "05-read-receipts")
    delivery = NoticeDelivery.objects.get(user=daughter)
    assert delivery.read_at is not None
    assert re.search(r"\d{4}-\d\d-\d\d", staff.locator("table.listing").inner_text())


def test_without_a_live_connection_the_notice_still_appears_at_the_next_poll(
    live_site, new_page, daughter, grandma_li, community_staff
):
    family = new_page()
    # A network that lets no WebSocket through: the page falls back to polling.
    family.add_init_script("window.WebSocket = function () { throw new Error('blocked'); };")
    family.clock.install()
    log_in(family, live_site, daughter.email, PASSWORD)
    family.goto(live_site.url + "/services/")
    family.wait_for_load_state("networkidle")
    assert family.evaluate("window.linliLive.state()") == "polling"

    in_a_plain_thread(
        lambda: notices.send_notice(
            by=community_staff,
            title="明早停电检修",
            body="明早 8 点到 10 点停电。",
            segment=notices.Segment(communities=[grandma_li.community], living_alone=True),
        )
    )
    family.clock.run_for(31_000)

    expect(family.locator("[data-live-news] a")).to_contain_text("社区通知：明早停电检修")
    expect(family.locator("[data-unread-count]")).to_have_text("1")
    family.clock.run_for(31_000)
    expect(family.locator("[data-live-news] a")).to_have_count(1)  # told once, not each poll
