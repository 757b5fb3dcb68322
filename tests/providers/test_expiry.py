import datetime

import pytest
from django.utils import timezone

from accounts.models import Notification
from providers import services
from providers.expiry import process_document_expiry
from providers.models import DocumentKind, Provider, ProviderDocument, ProviderEvent
from tests.conftest import make_user
from tests.providers.conftest import upload

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def set_expiry(provider, kind, expires_on):
    ProviderDocument.objects.filter(provider=provider, kind=kind, member=None).update(
        expires_on=expires_on
    )


def warnings_to(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("message", flat=True))


def test_the_30_and_7_day_warnings_go_out_once_each_not_daily(approved_provider, applicant):
    set_expiry(approved_provider, DocumentKind.LIABILITY_INSURANCE, days(30))

    for offset in range(0, 24):  # the job runs every day from 30 days before to 7 before
        process_document_expiry(today=TODAY + datetime.timedelta(days=offset))

    expiry_warnings = [m for m in warnings_to(applicant) if "expires on" in m]
    assert len(expiry_warnings) == 2


def test_a_first_look_inside_seven_days_sends_one_warning_not_two(approved_provider, applicant):
    set_expiry(approved_provider, DocumentKind.LIABILITY_INSURANCE, days(5))

    process_document_expiry(today=TODAY)
    process_document_expiry(today=TODAY)

    assert len([m for m in warnings_to(applicant) if "expires on" in m]) == 1


def test_expiry_of_an_organisation_document_suspends_the_provider(approved_provider, applicant):
    set_expiry(approved_provider, DocumentKind.LIABILITY_INSURANCE, days(-1))

    report = process_document_expiry(today=TODAY)
    process_document_expiry(today=TODAY)  # a second run changes nothing

    approved_provider.refresh_from_db()
    assert approved_provider.status == Provider.Status.SUSPENDED
    assert approved_provider.suspension_cause == Provider.SuspensionCause.DOCUMENT_EXPIRED
    assert report.suspended_providers == [approved_provider.pk]
    actions = list(approved_provider.events.values_list("action", flat=True)[:2])
    assert actions == [ProviderEvent.Action.SUSPENDED, ProviderEvent.Action.DOCUMENT_EXPIRED]
    assert approved_provider.events.filter(action="suspended").count() == 1


def test_expiry_of_a_workers_certificate_suspends_only_that_worker(
    approved_provider, applicant, weifang_1
):
    worker = make_user("zhou@anxin.example.cn", "周阿姨")
    other = make_user("wu@anxin.example.cn", "吴师傅")
    members = {}
    for user in (worker, other):
        members[user] = approved_provider.members.create(user=user, role="worker")
        document = services.upload_document(
            provider=approved_provider,
            by=applicant,
            kind=DocumentKind.HEALTH_CERTIFICATE,
            upload=upload(),
            expires_on=timezone.localdate() + datetime.timedelta(days=90),
            member=members[user],
        )
        document.status = "approved"
        document.save(update_fields=["status"])
    ProviderDocument.objects.filter(member=members[worker]).update(expires_on=days(-1))

    report = process_document_expiry(today=TODAY)

    members[worker].refresh_from_db()
    members[other].refresh_from_db()
    approved_provider.refresh_from_db()
    assert members[worker].suspended_at is not None
    assert members[worker].suspension_reason == DocumentKind.HEALTH_CERTIFICATE
    assert members[other].suspended_at is None
    assert approved_provider.status == Provider.Status.APPROVED
    assert report.suspended_workers == [members[worker].pk]
    assert Notification.objects.filter(user=worker).exists()


def test_a_renewal_already_approved_means_no_suspension(approved_provider, applicant, street_staff):
    set_expiry(approved_provider, DocumentKind.LIABILITY_INSURANCE, days(-1))
    renewal = services.upload_document(
        provider=approved_provider,
        by=applicant,
        kind=DocumentKind.LIABILITY_INSURANCE,
        upload=upload(),
        expires_on=timezone.localdate() + datetime.timedelta(days=400),
    )
    services.approve_document(document=renewal, by=street_staff)

    process_document_expiry(today=TODAY)

    approved_provider.refresh_from_db()
    assert approved_provider.status == Provider.Status.APPROVED


def test_approving_the_new_document_reinstates_what_expiry_suspended(
    approved_provider, applicant, street_staff
):
    set_expiry(approved_provider, DocumentKind.LIABILITY_INSURANCE, days(-1))
    process_document_expiry(today=TODAY)
    renewal = services.upload_document(
        provider=approved_provider,
        by=applicant,
        kind=DocumentKind.LIABILITY_INSURANCE,
        upload=upload(),
        expires_on=timezone.localdate() + datetime.timedelta(days=400),
    )
    approved_provider.refresh_from_db()
    assert approved_provider.status == Provider.Status.SUSPENDED  # uploading is not enough

    services.approve_document(document=renewal, by=street_staff)

    approved_provider.refresh_from_db()
    assert approved_provider.status == Provider.Status.APPROVED
    assert approved_provider.suspension_cause == ""
    assert approved_provider.events.first().action == ProviderEvent.Action.REINSTATED


def test_a_staff_suspension_is_not_lifted_by_a_document(approved_provider, applicant, street_staff):
    services.suspend_provider(provider=approved_provider, by=street_staff, reason="投诉")
    renewal = services.upload_document(
        provider=approved_provider,
        by=applicant,
        kind=DocumentKind.LIABILITY_INSURANCE,
        upload=upload(),
        expires_on=timezone.localdate() + datetime.timedelta(days=400),
    )
    services.approve_document(document=renewal, by=street_staff)

    approved_provider.refresh_from_db()
    assert approved_provider.status == Provider.Status.SUSPENDED


def test_the_daily_task_runs_the_expiry_check(approved_provider):
    from providers.tasks import check_document_expiry

    set_expiry(approved_provider, DocumentKind.LIABILITY_INSURANCE, datetime.date(2000, 1, 1))
    result = check_document_expiry.enqueue()

    assert result.return_value["suspended_providers"] == 1
