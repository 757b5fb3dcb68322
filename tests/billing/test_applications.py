"""Applications for a programme (decision 0034): each step's rule, its history row and
who is told."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils import timezone

from accounts.notifications import text_for
from billing import applications
from billing.exceptions import BillingError
from billing.models import Application, ApplicationEvent, Eligibility, Entitlement
from linli.refusals import Refusal
from tests.assessments.conftest import assess
from tests.providers.conftest import EXE_BYTES, upload

pytestmark = pytest.mark.django_db

S = Application.Status


def period() -> dict:
    """From today (either test clock) to the programme's end."""
    return {"valid_from": timezone.localdate(), "valid_until": datetime.date(2027, 12, 31)}


@pytest.fixture
def old_grandma(grandma_li):
    grandma_li.birth_date = datetime.date(1941, 3, 8)
    grandma_li.save(update_fields=["birth_date"])
    return grandma_li


def apply(recipient, programme, by, **more):
    arguments = {"upload": upload("hukou.pdf"), "description": "户口本"} | more
    return applications.apply_for_programme(
        care_recipient=recipient, programme=programme, by=by, **arguments
    )


@pytest.fixture
def submitted(old_grandma, programme, daughter):
    return apply(old_grandma, programme, daughter, note="妈妈一个人住")


def steps(application) -> list:
    return list(application.events.values_list("old_status", "new_status"))


def test_a_daughter_applies_for_her_mother_with_evidence_and_staff_are_told(
    old_grandma, programme, daughter, community_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = apply(old_grandma, programme, daughter)

    assert application.status == S.SUBMITTED
    assert application.applied_by == daughter
    assert steps(application) == [("", S.SUBMITTED)]
    assert application.evidence.get().description == "户口本"
    told = community_staff.notifications.get(kind="application")
    assert "李秀兰" in told.text
    assert not daughter.notifications.filter(kind="application").exists()


def test_staff_apply_for_someone_without_an_account_and_her_family_is_told(
    old_grandma, programme, community_staff, daughter
):
    application = apply(old_grandma, programme, community_staff)

    assert application.applied_by == community_staff
    assert daughter.notifications.filter(kind="application").exists()


@pytest.mark.parametrize("who", ["other_resident", "other_street_staff", "provider_manager"])
def test_nobody_else_may_apply_for_her(old_grandma, programme, cast, who):
    with pytest.raises(PermissionDenied):
        apply(old_grandma, programme, cast[who])
    assert not Application.objects.exists()


def test_an_application_without_evidence_is_refused(old_grandma, programme, daughter):
    with pytest.raises(BillingError) as error:
        apply(old_grandma, programme, daughter, upload=None)
    assert "证明" in str(error.value.message)
    assert not Application.objects.exists()


def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_kept(
    old_grandma, programme, daughter
):
    with pytest.raises(Refusal):
        apply(old_grandma, programme, daughter, upload=upload("x.pdf", EXE_BYTES))
    assert not Application.objects.exists()
    assert not ApplicationEvent.objects.exists()


def test_a_second_open_application_for_the_same_programme_is_refused(
    submitted, old_grandma, programme, son
):
    old_grandma.links.create(account=son, relationship="child")
    with pytest.raises(BillingError) as error:
        apply(old_grandma, programme, son)
    assert "已有" in str(error.value.message)
    assert Application.objects.count() == 1


def test_the_database_also_refuses_two_open_applications(submitted):
    with pytest.raises(IntegrityError):
        Application.objects.create(
            care_recipient=submitted.care_recipient, programme=submitted.programme
        )


def test_after_a_refusal_she_may_apply_again(submitted, community_staff, daughter):
    applications.refuse_application(application=submitted, by=community_staff, reason="材料不符")
    again = apply(submitted.care_recipient, submitted.programme, daughter)
    assert again.status == S.SUBMITTED


def test_a_person_already_covered_cannot_apply_again(old_grandma, programme, daughter):
    Eligibility.objects.create(care_recipient=old_grandma, programme=programme, **period())
    with pytest.raises(BillingError):
        apply(old_grandma, programme, daughter)
    assert not Application.objects.exists()


def test_a_programme_that_does_not_cover_her_community_is_refused(
    old_grandma, daughter, bureau, lujiazui
):
    from tests.billing.conftest import make_programme

    elsewhere = make_programme(bureau, region=lujiazui)
    with pytest.raises(BillingError):
        apply(old_grandma, elsewhere, daughter)


def test_approval_records_the_eligibility_with_the_evidence_and_tells_the_family(
    submitted, community_staff, daughter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        applications.approve_application(application=submitted, by=community_staff, **period())

    submitted.refresh_from_db()
    assert submitted.status == S.APPROVED
    eligibility = submitted.eligibility
    assert (eligibility.valid_from, eligibility.verified_by) == (
        timezone.localdate(),
        community_staff,
    )
    carried = eligibility.evidence.get()
    assert carried.file.name == submitted.evidence.get().file.name
    assert steps(submitted)[-1] == (S.SUBMITTED, S.APPROVED)
    assert daughter.notifications.filter(kind="eligibility").exists()


def test_approval_names_the_unmet_criteria_and_changes_nothing(
    submitted, community_staff, old_grandma
):
    old_grandma.birth_date = datetime.date(1960, 1, 1)
    old_grandma.save(update_fields=["birth_date"])

    with pytest.raises(BillingError) as error:
        applications.approve_application(application=submitted, by=community_staff, **period())

    assert "年满 80 岁" in str(error.value.message)
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert not Eligibility.objects.exists()
    assert len(steps(submitted)) == 1


@pytest.mark.parametrize("who", ["other_street_staff", "daughter", "district_officer"])
def test_only_staff_of_her_community_decide(submitted, cast, who):
    with pytest.raises(PermissionDenied):
        applications.approve_application(application=submitted, by=cast[who], **period())
    with pytest.raises(PermissionDenied):
        applications.refuse_application(application=submitted, by=cast[who], reason="不行")
    assert len(steps(submitted)) == 1


def test_street_staff_decide_for_every_community_of_their_street(submitted, street_staff):
    refused = applications.refuse_application(
        application=submitted, by=street_staff, reason="不符合"
    )
    assert refused.status == S.REFUSED


def test_a_refusal_needs_a_reason_the_family_then_reads(
    submitted, community_staff, daughter, django_capture_on_commit_callbacks
):
    with pytest.raises(BillingError):
        applications.refuse_application(application=submitted, by=community_staff, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        applications.refuse_application(
            application=submitted, by=community_staff, reason="户籍不在本区"
        )

    submitted.refresh_from_db()
    assert (submitted.status, submitted.reason) == (S.REFUSED, "户籍不在本区")
    assert "户籍不在本区" in daughter.notifications.get(kind="application").text


def test_a_decided_application_is_not_decided_again(submitted, community_staff):
    applications.refuse_application(application=submitted, by=community_staff, reason="不符合")
    with pytest.raises(BillingError):
        applications.approve_application(application=submitted, by=community_staff, **period())
    assert not Eligibility.objects.exists()


def test_more_needed_lets_the_family_add_evidence_and_send_it_back(
    submitted, community_staff, daughter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        applications.ask_for_more(application=submitted, by=community_staff, reason="请补低保证")
    assert "请补低保证" in daughter.notifications.get(kind="application").text
    with pytest.raises(BillingError):
        applications.resubmit_application(application=submitted, by=daughter)

    applications.add_application_evidence(
        application=submitted, by=daughter, upload=upload("dibao.pdf"), description="低保证"
    )
    told_before = community_staff.notifications.filter(kind="application").count()
    with django_capture_on_commit_callbacks(execute=True):
        again = applications.resubmit_application(application=submitted, by=daughter)

    assert again.status == S.SUBMITTED
    assert submitted.evidence.count() == 2
    assert steps(submitted)[1:] == [(S.SUBMITTED, S.MORE_NEEDED), (S.MORE_NEEDED, S.SUBMITTED)]
    told = community_staff.notifications.filter(kind="application")
    assert told.count() == told_before + 1


def test_more_needed_cannot_be_approved_before_the_family_answers(submitted, community_staff):
    applications.ask_for_more(application=submitted, by=community_staff, reason="请补材料")
    with pytest.raises(BillingError):
        applications.approve_application(application=submitted, by=community_staff, **period())


def test_no_evidence_is_added_once_the_application_is_decided(submitted, community_staff, daughter):
    applications.approve_application(application=submitted, by=community_staff, **period())
    with pytest.raises(BillingError):
        applications.add_application_evidence(
            application=submitted, by=daughter, upload=upload("late.pdf")
        )


@pytest.fixture
def by_level(programme):
    """The programme pays by care level: level 2 gets ten hours a month."""
    Entitlement.objects.create(programme=programme, care_level=2, minutes_per_month=600)
    return programme


def test_without_an_assessment_approval_asks_for_one_and_staff_approve_after_it(
    old_grandma, by_level, daughter, community_staff, django_capture_on_commit_callbacks
):
    application = apply(old_grandma, by_level, daughter)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = applications.approve_application(
            application=application, by=community_staff, **period()
        )

    assert waiting.status == S.AWAITING_ASSESSMENT
    assert not Eligibility.objects.exists()
    assert daughter.notifications.filter(kind="application").exists()
    with pytest.raises(BillingError):
        applications.approve_application(application=application, by=community_staff, **period())

    assess(old_grandma, community_staff)
    approved = applications.approve_application(
        application=application, by=community_staff, **period()
    )
    assert approved.status == S.APPROVED
    assert approved.eligibility is not None


def test_a_typed_level_is_not_enough_for_a_programme_by_level(
    old_grandma, by_level, daughter, community_staff
):
    old_grandma.disability_level = 3
    old_grandma.save(update_fields=["disability_level"])
    application = apply(old_grandma, by_level, daughter)
    waiting = applications.approve_application(
        application=application, by=community_staff, **period()
    )
    assert waiting.status == S.AWAITING_ASSESSMENT


def test_no_assessment_is_asked_for_someone_who_fails_the_other_criteria(
    old_grandma, by_level, daughter, community_staff
):
    application = apply(old_grandma, by_level, daughter)
    old_grandma.birth_date = datetime.date(1960, 1, 1)
    old_grandma.save(update_fields=["birth_date"])
    with pytest.raises(BillingError):
        applications.approve_application(application=application, by=community_staff, **period())
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_a_programme_not_by_level_needs_no_assessment(old_grandma, programme):
    assert not applications.needs_assessment(programme, old_grandma, timezone.localdate())


def test_the_table_of_steps_has_no_way_out_of_a_decision():
    assert applications.NEXT[S.APPROVED] == set()
    assert applications.NEXT[S.REFUSED] == set()
    assert set(applications.NEXT) == set(S.values)


def test_each_side_reads_the_notice_in_its_own_language(submitted, community_staff, daughter):
    daughter.language = "en"
    daughter.save(update_fields=["language"])
    applications.refuse_application(application=submitted, by=community_staff, reason="户籍不符")

    notice = daughter.notifications.get(kind="application")
    assert text_for(notice, daughter) == (
        "李秀兰's application for Bathing help for the very old was refused: 户籍不符"
    )
