import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from billing import services
from billing.exceptions import BillingError
from billing.models import Eligibility
from linli.refusals import Refusal
from tests.providers.conftest import EXE_BYTES, upload

pytestmark = pytest.mark.django_db

PERIOD = {"valid_from": datetime.date(2026, 1, 1), "valid_until": datetime.date(2026, 12, 31)}


@pytest.fixture
def old_grandma(grandma_li):
    grandma_li.birth_date = datetime.date(1941, 3, 8)
    grandma_li.save(update_fields=["birth_date"])
    return grandma_li


def test_staff_of_her_community_record_her_eligibility_and_the_family_is_told(
    old_grandma, programme, community_staff, daughter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        eligibility = services.record_eligibility(
            care_recipient=old_grandma, programme=programme, by=community_staff, **PERIOD
        )
    assert eligibility.verified_by == community_staff
    assert daughter.notifications.filter(kind="eligibility").exists()


@pytest.mark.parametrize("who", ["other_street_staff", "daughter", "district_officer"])
def test_others_cannot_record_eligibility(old_grandma, programme, cast, who):
    with pytest.raises(PermissionDenied):
        services.record_eligibility(
            care_recipient=old_grandma, programme=programme, by=cast[who], **PERIOD
        )
    assert not Eligibility.objects.exists()


def test_unmet_criteria_are_named(grandma_li, programme, community_staff):
    grandma_li.birth_date = datetime.date(1960, 1, 1)
    grandma_li.save(update_fields=["birth_date"])
    with pytest.raises(BillingError) as error:
        services.record_eligibility(
            care_recipient=grandma_li, programme=programme, by=community_staff, **PERIOD
        )
    assert "年满 80 岁" in str(error.value.message)
    assert not Eligibility.objects.exists()


def test_evidence_is_checked_like_any_document(old_grandma, programme, community_staff):
    eligibility = services.record_eligibility(
        care_recipient=old_grandma, programme=programme, by=community_staff, **PERIOD
    )
    services.add_evidence(eligibility=eligibility, by=community_staff, upload=upload())
    with pytest.raises(Refusal):
        services.add_evidence(
            eligibility=eligibility, by=community_staff, upload=upload("低保证.pdf", EXE_BYTES)
        )
    assert eligibility.evidence.count() == 1


def test_renewal_reminders_go_out_once(old_grandma, programme, community_staff, daughter):
    services.record_eligibility(
        care_recipient=old_grandma, programme=programme, by=community_staff, **PERIOD
    )
    assert services.send_renewal_reminders(today=datetime.date(2026, 12, 10)) == 1
    assert services.send_renewal_reminders(today=datetime.date(2026, 12, 11)) == 0
    assert daughter.notifications.filter(kind="eligibility").count() == 2  # recorded + renew


def test_the_family_sees_which_programmes_cover_her(
    client, old_grandma, programme, community_staff, daughter
):
    services.record_eligibility(
        care_recipient=old_grandma,
        programme=programme,
        by=community_staff,
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2030, 1, 1),
    )
    client.force_login(daughter)
    page = client.get(reverse("accounts:care_recipient", args=[old_grandma.pk]))
    assert "高龄助浴补贴" in page.content.decode()
