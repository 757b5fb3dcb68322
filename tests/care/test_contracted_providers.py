"""A plan paid by a programme is made only with one of the programme's contracted providers
(issue 16 point 3, decision 0033)."""

import datetime

import pytest
from django.utils import translation

from billing.models import Contract, Programme
from care import services
from care.exceptions import CareError
from care.models import CarePlan
from providers.models import ProviderGrade
from tests.care.conftest import tomorrow, twice_a_week

pytestmark = pytest.mark.django_db


def propose(recipient, staff, service, programme):
    return services.propose_plan(
        care_recipient=recipient,
        provider=service.provider,
        by=staff,
        starts_on=tomorrow(),
        patterns=twice_a_week(service),
        programme=programme,
    )


def test_a_plan_of_a_programme_refuses_a_provider_it_has_not_contracted(
    bath, covered_grandma, community_staff, bureau_programme
):
    Contract.objects.filter(programme=bureau_programme).delete()

    with translation.override("en"), pytest.raises(CareError) as refusal:
        propose(covered_grandma, community_staff, bath, bureau_programme)

    message = str(refusal.value.message)
    assert "安馨居家养老服务社 has no contract with Bathing help for the very old" in message
    assert "contracted providers" in message
    assert not CarePlan.objects.exists()


def test_the_refusal_is_in_chinese_for_a_chinese_reader(
    bath, covered_grandma, community_staff, bureau_programme
):
    Contract.objects.filter(programme=bureau_programme).delete()
    with translation.override("zh-hans"), pytest.raises(CareError) as refusal:
        propose(covered_grandma, community_staff, bath, bureau_programme)
    assert "没有与高龄助浴补贴签订合同" in str(refusal.value.message)


def test_a_plan_with_a_contracted_provider_is_made(
    bath, covered_grandma, community_staff, bureau_programme
):
    plan = propose(covered_grandma, community_staff, bath, bureau_programme)
    assert plan.programme == bureau_programme


def test_a_contract_that_begins_after_the_plans_start_is_not_enough(
    bath, covered_grandma, community_staff, bureau_programme
):
    start = tomorrow().replace(day=1)
    later = start.replace(year=start.year + 1)
    Contract.objects.filter(programme=bureau_programme).update(first_month=later, last_month=later)
    with pytest.raises(CareError):
        propose(covered_grandma, community_staff, bath, bureau_programme)
    assert not CarePlan.objects.exists()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "Bathing help for the very old pays only for providers graded B or better; "
         "安馨居家养老服务社's latest grade is C."),
        ("zh-hans", "高龄助浴补贴只为等级B及以上的服务商付费；安馨居家养老服务社最新等级为C。"),
    ],
)  # fmt: skip
def test_a_plan_of_a_programme_refuses_a_provider_below_its_minimum_grade(
    bath, covered_grandma, community_staff, bureau_programme, language, words
):
    Programme.objects.filter(pk=bureau_programme.pk).update(minimum_grade="B")
    bureau_programme.refresh_from_db()
    ProviderGrade.objects.create(
        provider=bath.provider,
        quarter=datetime.date(2026, 1, 1),
        score=65,
        proposed="C",
        confirmed="C",
    )
    with translation.override(language), pytest.raises(CareError) as refusal:
        propose(covered_grandma, community_staff, bath, bureau_programme)
    assert words in str(refusal.value.message)
    assert not CarePlan.objects.exists()
