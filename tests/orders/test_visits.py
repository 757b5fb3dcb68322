import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from orders import services, visits
from orders.exceptions import OrdersError
from orders.models import Order, VisitCode, VisitRecord
from tests.conftest import make_user
from tests.orders.conftest import now_starting

pytestmark = pytest.mark.django_db


def test_the_worker_checks_in_with_the_next_code_from_the_card(confirmed, daughter, caregiver):
    card = visits.issue_visit_card(care_recipient=confirmed.care_recipient, by=daughter)
    code = card.codes.first()
    order = now_starting(confirmed)

    record = visits.check_in(order=order, by=caregiver, visit_code=code.code)

    assert record.method == VisitRecord.Method.VISIT_CODE
    code.refresh_from_db()
    assert (code.used_for, code.used_at is not None) == (order, True)
    order.refresh_from_db()
    assert order.status == Order.Status.IN_SERVICE


def test_a_used_or_wrong_code_is_refused_and_nothing_is_recorded(confirmed, daughter, caregiver):
    card = visits.issue_visit_card(care_recipient=confirmed.care_recipient, by=daughter)
    used = card.codes.first()
    VisitCode.objects.filter(pk=used.pk).update(used_at=timezone.now())
    order = now_starting(confirmed)

    for wrong in (used.code, "000000" if used.code != "000000" else "111111"):
        with pytest.raises(OrdersError):
            visits.check_in(order=order, by=caregiver, visit_code=wrong)

    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED
    assert not order.visit_records.exists()


def test_a_new_card_voids_the_old_one(confirmed, daughter, caregiver):
    old = visits.issue_visit_card(care_recipient=confirmed.care_recipient, by=daughter)
    visits.issue_visit_card(care_recipient=confirmed.care_recipient, by=daughter)
    order = now_starting(confirmed)
    with pytest.raises(OrdersError):
        visits.check_in(order=order, by=caregiver, visit_code=old.codes.first().code)


def test_only_the_assigned_worker_checks_in(confirmed, other_provider_manager):
    stranger_worker = make_user("other.worker@example.cn")
    confirmed.provider.members.create(user=stranger_worker, role="worker")
    order = now_starting(confirmed)
    for outsider in (stranger_worker, other_provider_manager):
        with pytest.raises(PermissionDenied):
            visits.check_in(order=order, by=outsider)


def test_checking_in_hours_early_is_refused(confirmed, caregiver):
    with pytest.raises(OrdersError):
        visits.check_in(order=confirmed, by=caregiver)  # the visit is two days away


def test_a_visit_is_verified_by_in_and_out_and_the_familys_word(confirmed, caregiver, daughter):
    order = now_starting(confirmed)
    visits.check_in(order=order, by=caregiver)
    visits.check_out(order=order, by=caregiver, at=order.ends_at)
    assert not visits.is_verified(order)

    services.confirm_completion(order=order, by=daughter)

    assert visits.is_verified(order)


def test_staff_can_vouch_for_a_visit_to_someone_without_a_phone(
    confirmed, caregiver, community_staff
):
    order = now_starting(confirmed)
    visits.check_in(order=order, by=caregiver)
    visits.check_out(order=order, by=caregiver, at=order.ends_at)
    visits.confirm_visit_by_staff(order=order, by=community_staff, note="电话回访确认")
    assert visits.is_verified(order)


def test_corrections_are_new_rows_and_records_cannot_be_edited(
    confirmed, caregiver, provider_manager
):
    order = now_starting(confirmed)
    check_in = visits.check_in(order=order, by=caregiver)
    correction = visits.correct_visit(
        order=order,
        by=provider_manager,
        reason="wrong_time",
        at=check_in.at - datetime.timedelta(minutes=5),
        note="手机没信号，晚签到",
    )
    assert list(order.visit_records.values_list("kind", flat=True)) == ["check_in", "correction"]
    check_in.note = "changed"
    with pytest.raises(ValueError):
        check_in.save()
    with pytest.raises(OrdersError):
        visits.correct_visit(order=order, by=provider_manager, reason="", at=correction.at)


def test_a_worker_without_the_required_qualification_is_not_sent(
    requested, provider_manager, caregiver
):
    requested.service.required_qualification = "caregiver_qualification"
    requested.service.save(update_fields=["required_qualification"])
    with pytest.raises(OrdersError):
        services.assign_worker(
            order=requested, by=provider_manager, worker=caregiver.provider_memberships.get()
        )
    requested.refresh_from_db()
    assert requested.worker is None


def test_the_worker_sees_only_their_own_visits(confirmed, caregiver, requested):
    other = make_user("wu@anxin.example.cn")
    member = confirmed.provider.members.create(user=other, role="worker")
    assert list(Order.objects.visible_to(caregiver)) == [confirmed]
    assert not Order.objects.visible_to(other).exists()
    Order.objects.filter(pk=confirmed.pk).update(worker=member)
    assert not Order.objects.visible_to(caregiver).exists()


def test_a_missed_visit_to_someone_living_alone_alerts_family_and_staff_once(
    confirmed, daughter, community_staff, django_capture_on_commit_callbacks
):
    Order.objects.filter(pk=confirmed.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=40)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert visits.send_missed_visit_alerts(now=timezone.now(), grace_minutes=30) == 1
        assert visits.send_missed_visit_alerts(now=timezone.now(), grace_minutes=30) == 0
    assert daughter.notifications.filter(kind="missed_visit").count() == 1
    assert community_staff.notifications.filter(kind="missed_visit").count() == 1


def test_no_alert_for_someone_not_living_alone_or_already_checked_in(
    confirmed, caregiver, grandma_li
):
    Order.objects.filter(pk=confirmed.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=40)
    )
    grandma_li.living_alone = False
    grandma_li.save(update_fields=["living_alone"])
    assert visits.send_missed_visit_alerts(now=timezone.now(), grace_minutes=30) == 0
