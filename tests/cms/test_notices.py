"""Targeted notices: the reach shown before sending is who receives it, families included,
and staff see who has read it."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from accounts.models import CareLink, CareRecipient, Notification
from cms import notices
from cms.exceptions import ChannelsError
from cms.models import NoticeDelivery, TargetedNotice
from cms.notices import Segment
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbourhood(grandma_li, daughter, son, weifang_1, weifang_2, laoshan):
    """Grandma Li lives alone with her own account and two children's; others do not fit."""
    grandma_li.account = make_user("lixiulan@example.cn", "李秀兰")
    grandma_li.birth_date = datetime.date(1941, 3, 2)
    grandma_li.save()
    CareLink.objects.create(care_recipient=grandma_li, account=son, relationship="child")
    uncle = CareRecipient.objects.create(
        name="张建国", community=weifang_1, address="潍坊路 1 号", living_alone=False
    )
    CareLink.objects.create(
        care_recipient=uncle, account=make_user("zhang.son@example.cn"), relationship="child"
    )
    elsewhere = CareRecipient.objects.create(
        name="陈老伯", community=weifang_2, address="潍坊路 2 号", living_alone=True
    )
    CareLink.objects.create(
        care_recipient=elsewhere, account=make_user("chen.son@example.cn"), relationship="child"
    )
    # A second person living alone whom the daughter also looks after: one notice for her.
    aunt = CareRecipient.objects.create(
        name="李秀梅", community=weifang_1, address="潍坊路 3 号", living_alone=True
    )
    CareLink.objects.create(care_recipient=aunt, account=daughter, relationship="other")
    return {"grandma": grandma_li, "uncle": uncle, "elsewhere": elsewhere, "aunt": aunt}


def send(by, communities, **criteria):
    return notices.send_notice(
        by=by,
        title="寒潮来袭，请注意保暖",
        body="明晚气温降到零下，社区已备好取暖器，需要请来电。",
        segment=Segment(communities=communities, **criteria),
    )


def test_the_reach_shown_before_sending_is_exactly_who_receives_it(
    neighbourhood, community_staff, weifang_1, django_capture_on_commit_callbacks
):
    segment = Segment(communities=[weifang_1], living_alone=True)
    people, accounts = notices.preview(segment)
    assert (people, accounts) == (2, 3)  # grandma and aunt; grandma, daughter and son

    with django_capture_on_commit_callbacks(execute=True):
        notice = send(community_staff, [weifang_1], living_alone=True)

    receivers = set(NoticeDelivery.objects.filter(notice=notice).values_list("user", flat=True))
    told = set(Notification.objects.filter(kind="notice").values_list("user", flat=True))
    mailed = {message.to[0] for message in mail.outbox}
    assert (notice.recipients_count, notice.reach) == (people, accounts)
    assert len(receivers) == len(told) == len(mailed) == accounts
    assert receivers == told
    assert mailed == {"lixiulan@example.cn", "wang.fang@example.cn", "wang.lei@example.cn"}
    daughter_delivery = NoticeDelivery.objects.get(
        notice=notice, user__email="wang.fang@example.cn"
    )
    assert set(daughter_delivery.for_names.split("、")) == {"李秀兰", "李秀梅"}


def test_each_criterion_narrows_the_segment(neighbourhood, weifang_1, weifang_2):
    everyone = Segment(communities=[weifang_1, weifang_2])
    assert notices.people_in(everyone).count() == 4
    names = {p.name for p in notices.people_in(Segment(communities=[weifang_1], min_age=80))}
    assert names == {"李秀兰"}
    neighbourhood["uncle"].disability_level = 3
    neighbourhood["uncle"].low_income = True
    neighbourhood["uncle"].save()
    by_level = Segment(communities=[weifang_1], min_disability_level=2)
    assert [p.name for p in notices.people_in(by_level)] == ["张建国"]
    low_income = Segment(communities=[weifang_1], low_income=True)
    assert [p.name for p in notices.people_in(low_income)] == ["张建国"]
    assert not notices.people_in(
        Segment(communities=[weifang_1], low_income=True, living_alone=True)
    ).exists()


def test_staff_send_only_to_communities_in_their_scope(
    neighbourhood, community_staff, street_staff, weifang_1, weifang_2
):
    with pytest.raises(PermissionDenied):
        send(community_staff, [weifang_1, weifang_2])
    assert not TargetedNotice.objects.exists()
    notice = send(street_staff, [weifang_1, weifang_2], living_alone=True)
    assert notice.recipients_count == 3
    with pytest.raises(ChannelsError, match="至少选择一个社区"):
        send(street_staff, [])


def test_a_linked_daughter_reads_her_mothers_notice_and_nobody_else_can(
    client, neighbourhood, community_staff, daughter, other_resident, weifang_1
):
    notice = send(community_staff, [weifang_1], living_alone=True)

    client.force_login(other_resident)
    assert client.get(f"/notices/{notice.pk}/").status_code == 404
    assert notice.title not in client.get("/notices/").content.decode()

    client.force_login(daughter)
    listing = client.get("/notices/").content.decode()
    assert notice.title in listing
    page = client.get(f"/notices/{notice.pk}/")
    assert page.status_code == 200
    assert notice.body in page.content.decode()
    delivery = NoticeDelivery.objects.get(notice=notice, user=daughter)
    assert delivery.read_at is not None
    assert delivery.notification.read_at is not None


def test_staff_see_who_has_read_and_other_streets_do_not_see_the_notice(
    client, neighbourhood, community_staff, other_street_staff, daughter, weifang_1
):
    notice = send(community_staff, [weifang_1], living_alone=True)
    notices.read_notice(delivery=NoticeDelivery.objects.get(notice=notice, user=daughter))

    client.force_login(community_staff)
    page = client.get(f"/cms-admin/channel_work/notices/{notice.pk}/").content.decode()
    assert "3 个账户中已有 1 个阅读" in page
    assert page.count("尚未阅读") == 2

    client.force_login(other_street_staff)
    assert client.get(f"/cms-admin/channel_work/notices/{notice.pk}/").status_code == 404


def test_staff_preview_the_reach_then_send_from_the_workspace(
    client, neighbourhood, community_staff, weifang_1
):
    client.force_login(community_staff)
    form = {
        "title": "免费体检",
        "body": "本周六上午社区卫生站为独居老人免费体检。",
        "communities": [weifang_1.pk],
        "living_alone": "on",
    }
    preview = client.post("/cms-admin/channel_work/", form).content.decode()
    assert "涉及 2 人，将送达 3 个账户" in preview
    assert not TargetedNotice.objects.exists()

    response = client.post("/cms-admin/channel_work/", {**form, "send": "1"})
    notice = TargetedNotice.objects.get()
    assert response["Location"].endswith(f"/cms-admin/channel_work/notices/{notice.pk}/")
    assert notice.reach == NoticeDelivery.objects.filter(notice=notice).count() == 3


def test_a_segment_that_reaches_nobody_sends_nothing_but_is_recorded(
    neighbourhood, community_staff, weifang_1
):
    notice = send(community_staff, [weifang_1], living_alone=True, min_disability_level=4)
    assert (notice.recipients_count, notice.reach) == (0, 0)
    assert not Notification.objects.exists()


@pytest.mark.parametrize("who", ["daughter", "provider_manager", "district_officer"])
def test_people_who_are_not_community_staff_cannot_open_the_notice_workspace(client, cast, who):
    client.force_login(cast[who])
    assert client.get("/cms-admin/channel_work/").status_code in (302, 403, 404)
