"""Spot checks (抽查, decision 0037): the day's call-back list of visits nobody in the family
follows online, given to staff other than whoever booked; a failed check holds the visit's
statement line until a passed re-check, and counts against the provider's grade."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from accounts import services as account_services
from orders.models import Order, OrderHold
from providers.grading import QuarterFigures, quarter_of, score
from reviews import grading, spotchecks
from reviews.exceptions import ReviewsError
from reviews.models import SpotCheck
from statements import services as statement_services
from tests.billing.conftest import make_eligible
from tests.conftest import make_scoped_user
from tests.orders.conftest import book, put_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour(community_staff, weifang_1, programme):
    """张阿婆 has no account and no family online: staff book for her at the desk, with
    the programme's subsidy."""
    person = account_services.register_care_recipient_for_assistance(
        by=community_staff,
        name="张阿婆",
        community=weifang_1,
        address="潍坊路 200 弄",
        birth_date=datetime.date(1938, 5, 1),
        living_alone=True,
    )
    make_eligible(person, programme, community_staff)
    return person


def done_yesterday(order: Order) -> Order:
    """Fixture data: the visit took place the day before the test clock's day."""
    start = timezone.now() - datetime.timedelta(days=1)
    Order.objects.filter(pk=order.pk).update(
        starts_at=start, ends_at=start + (order.ends_at - order.starts_at)
    )
    return put_in(order, Order.Status.COMPLETED)


@pytest.fixture
def desk_visit(community_staff, bathing_slots, neighbour) -> Order:
    order = done_yesterday(book(community_staff, bathing_slots[0], neighbour))
    assert order.subsidy_fen > 0 and order.assisted_by == community_staff
    return order


def check(by, order=None, provider=None, **fields) -> SpotCheck:
    values = {"method": "phone", "outcome": "failed", "findings": "老人说没有人来过", **fields}
    return spotchecks.record_spot_check(by=by, order=order, provider=provider, **values)


def test_the_call_back_list_takes_desk_visits_and_gives_them_to_someone_else(
    desk_visit, community_staff, street_staff, daughter, bathing_slots, grandma_li
):
    followed = done_yesterday(book(daughter, bathing_slots[1], grandma_li))
    assert spotchecks.draw_call_backs(day=timezone.localdate(), percent=100) == 1
    drawn = SpotCheck.objects.get()
    assert (drawn.order, drawn.assigned_to, drawn.method) == (desk_visit, street_staff, "phone")
    assert drawn.is_open and not SpotCheck.objects.filter(order=followed).exists()
    # Drawn again the same day (or the next), the visit is not drawn twice.
    assert spotchecks.draw_call_backs(day=timezone.localdate(), percent=100) == 0


def test_a_visit_only_its_booker_could_call_back_is_not_drawn(desk_visit, community_staff):
    assert spotchecks.draw_call_backs(day=timezone.localdate(), percent=100) == 0
    assert not SpotCheck.objects.exists()


def test_call_backs_go_to_whoever_has_the_fewest_open(
    desk_visit, community_staff, street_staff, weifang, bathing_slots, neighbour
):
    colleague = make_scoped_user("qian@example.cn", "钱社工", "community_staff", weifang)
    second = done_yesterday(book(community_staff, bathing_slots[1], neighbour))
    assert spotchecks.draw_call_backs(day=timezone.localdate(), percent=100) == 2
    given = set(SpotCheck.objects.values_list("order", "assigned_to"))
    assert {user for _order, user in given} == {street_staff.pk, colleague.pk}
    assert {order for order, _user in given} == {desk_visit.pk, second.pk}


def test_the_one_who_booked_never_sees_their_own_visit_to_check(
    client, desk_visit, community_staff, street_staff
):
    spotchecks.draw_call_backs(day=timezone.localdate(), percent=100)
    drawn = SpotCheck.objects.get()
    assert not SpotCheck.objects.in_scope_of(community_staff).exists()
    assert SpotCheck.objects.in_scope_of(street_staff).get() == drawn
    with pytest.raises(PermissionDenied):
        spotchecks.record_call_back(
            check=drawn, by=community_staff, outcome="passed", findings="服务正常"
        )
    with pytest.raises(PermissionDenied):
        check(community_staff, desk_visit)
    client.force_login(community_staff)
    assert client.get(f"/cms-admin/spot_checks/{drawn.pk}/").status_code == 404
    assert desk_visit.code not in client.get("/cms-admin/spot_checks/").content.decode()


def test_the_sample_is_the_same_all_day_and_another_the_next_day(desk_visit):
    today = timezone.localdate()
    days = [today + datetime.timedelta(days=n) for n in range(60)]
    drawn = [spotchecks.draws(desk_visit, day, 50) for day in days]
    assert drawn == [spotchecks.draws(desk_visit, day, 50) for day in days]
    assert True in drawn and False in drawn
    assert not any(spotchecks.draws(desk_visit, day, 0) for day in days)


def test_visits_older_than_a_week_are_not_drawn(desk_visit):
    assert spotchecks.draw_call_backs(day=timezone.localdate() + datetime.timedelta(days=9)) == 0


def test_a_failed_spot_check_holds_its_line_until_a_passed_re_check(
    subsidised_visit, community_staff, bureau, district_officer
):
    failed = check(community_staff, subsidised_visit)
    assert failed.hold.reason == OrderHold.Reason.SPOT_CHECK
    month = timezone.localdate(subsidised_visit.starts_at).replace(day=1)
    statement = statement_services.open_statement(
        purchaser=bureau, provider=subsidised_visit.provider, month=month, by=district_officer
    )
    statement_services.issue_statement(statement=statement, by=district_officer)
    line = statement.lines.get(order=subsidised_visit)
    assert line.kind == "held" and "老人说没有人来过" in line.hold_reason

    check(
        community_staff,
        subsidised_visit,
        method="on_site",
        outcome="passed",
        findings="上门核实属实",
    )
    failed.hold.refresh_from_db()
    assert failed.hold.released_at is not None
    later = statement_services.open_statement(
        purchaser=bureau,
        provider=subsidised_visit.provider,
        month=statement_services.next_month(month),
        by=district_officer,
    )
    statement_services.issue_statement(statement=later, by=district_officer)
    assert [(line.order, line.kind) for line in later.lines.all()] == [(subsidised_visit, "billed")]


def test_a_failed_check_of_an_unsubsidised_visit_or_of_a_provider_holds_nothing(
    community_staff, street_staff, provider_a, daughter, slot, grandma_li
):
    paid_in_full = done_yesterday(book(daughter, slot, grandma_li))
    assert check(community_staff, paid_in_full).hold is None
    assert check(community_staff, provider=provider_a, method="on_site").hold is None
    assert not OrderHold.objects.exists()


def test_a_visit_still_to_come_cannot_be_checked(community_staff, daughter, slot, grandma_li):
    coming = book(daughter, slot, grandma_li)
    with translation.override("en"), pytest.raises(ReviewsError, match="taken place"):
        check(community_staff, coming)
    assert not SpotCheck.objects.exists()


def test_could_not_reach_holds_nothing_and_needs_no_findings(desk_visit, street_staff):
    assert check(street_staff, desk_visit, outcome="unreachable", findings="").hold is None


@pytest.mark.parametrize("who", ["other_street_staff", "provider_manager", "daughter"])
def test_only_staff_of_the_community_record_checks(cast, desk_visit, provider_a, who):
    with pytest.raises(PermissionDenied):
        check(cast[who], desk_visit)
    with pytest.raises(PermissionDenied):
        check(cast[who], provider=provider_a)
    assert not SpotCheck.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"outcome": ""}, "outcome"),
        ({"method": "letter"}, "how"),
        ({"findings": "  "}, "found"),
        ({"follow_up": "下周再上门"}, "date"),
        ({"follow_up": "下周再上门", "follow_up_due": datetime.date(2020, 1, 1)}, "before"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    desk_visit, street_staff, fields, message
):
    with translation.override("en"), pytest.raises(ReviewsError, match=message):
        check(street_staff, desk_visit, **fields)
    assert not SpotCheck.objects.exists() and not OrderHold.objects.exists()


def test_a_call_back_is_recorded_once_and_its_follow_up_closed(desk_visit, street_staff):
    spotchecks.draw_call_backs(day=timezone.localdate(), percent=100)
    drawn = SpotCheck.objects.get()
    due = timezone.localdate() + datetime.timedelta(days=3)
    recorded = spotchecks.record_call_back(
        check=drawn,
        by=street_staff,
        outcome="failed",
        findings="护理员只待了十分钟",
        follow_up="约服务商谈话",
        follow_up_due=due,
    )
    assert (recorded.checked_by, recorded.follow_up_due, recorded.follow_up_open) == (
        street_staff,
        due,
        True,
    )
    assert recorded.hold is not None
    with pytest.raises(ReviewsError):
        spotchecks.record_call_back(check=drawn, by=street_staff, outcome="passed", findings="")
    done = spotchecks.finish_follow_up(check=drawn, by=street_staff, note="已约谈")
    assert not done.follow_up_open and done.findings.endswith("已约谈")
    with pytest.raises(ReviewsError):
        spotchecks.finish_follow_up(check=drawn, by=street_staff)


def test_failed_checks_count_against_the_grade(community_staff, provider_a):
    check(community_staff, provider=provider_a, method="on_site")
    check(community_staff, provider=provider_a, method="on_site", outcome="passed", findings="")
    figures = grading.figures_for(provider_a, quarter_of(timezone.localdate()))
    assert figures.failed_spot_checks == 1
    assert score(QuarterFigures(visits=10, failed_spot_checks=1)) < score(QuarterFigures(visits=10))


def in_both_languages(client, url: str, chinese: str, english: str) -> None:
    client.post("/prefs/language/", {"language": "zh-hans", "next": "/"})
    assert chinese in client.get(url).content.decode(), (url, chinese)
    client.post("/prefs/language/", {"language": "en", "next": "/"})
    assert english in client.get(url).content.decode(), (url, english)


def waiting(user) -> int:
    from cms.workspace.dashboard import WaitingForYouPanel

    rows = WaitingForYouPanel(user).get_context_data()["rows"]
    return next(count for _label, count, url in rows if url == reverse("spot_checks:index"))


def test_staff_work_a_call_back_through_the_screens(client, desk_visit, street_staff):
    spotchecks.draw_call_backs(day=timezone.localdate(), percent=100)
    drawn = SpotCheck.objects.get()
    assert waiting(street_staff) == 1
    client.force_login(street_staff)
    index = reverse("spot_checks:index")
    in_both_languages(client, index, "待您回访", "Call-backs for you")
    assert desk_visit.code in client.get(index).content.decode()
    detail = reverse("spot_checks:detail", args=[drawn.pk])
    in_both_languages(client, detail, "张阿婆", "Phone call-back")

    client.post(reverse("spot_checks:record", args=[drawn.pk]), {"findings": "没接"})
    drawn.refresh_from_db()
    assert drawn.is_open  # no outcome: refused, nothing saved
    due = timezone.localdate()
    client.post(
        reverse("spot_checks:record", args=[drawn.pk]),
        {
            "outcome": "failed",
            "findings": "只待了十分钟",
            "follow_up": "约谈",
            "follow_up_due": due,
        },
    )
    drawn.refresh_from_db()
    assert (drawn.outcome, drawn.hold is not None) == ("failed", True)
    assert waiting(street_staff) == 1  # now the follow-up, due today
    client.post(reverse("spot_checks:follow_up", args=[drawn.pk]), {"note": "已约谈"})
    drawn.refresh_from_db()
    assert not drawn.follow_up_open and waiting(street_staff) == 0


def test_staff_record_a_check_of_a_provider_and_the_provider_reads_it(
    client, community_staff, provider_a, provider_manager
):
    client.force_login(community_staff)
    new = reverse("spot_checks:new")
    in_both_languages(client, new, "记录抽查", "Record a spot check")
    refused = client.post(new, {"method": "on_site", "outcome": "failed", "findings": "无证上岗"})
    assert "order number or the provider" in refused.content.decode()
    assert not SpotCheck.objects.exists()
    client.post(
        new,
        {
            "provider": provider_a.pk,
            "method": "on_site",
            "outcome": "failed",
            "findings": "无证上岗",
        },
    )
    assert SpotCheck.objects.get().checked_by == community_staff
    client.force_login(provider_manager)
    url = reverse("reviews:provider_reviews", args=[provider_a.pk])
    in_both_languages(client, url, "无证上岗", "Spot checks by community staff")
    manage = reverse("providers:manage", args=[provider_a.pk])
    in_both_languages(
        client, manage, "抽查：0 次通过，1 次未通过", "Spot checks: 0 passed, 1 failed"
    )
