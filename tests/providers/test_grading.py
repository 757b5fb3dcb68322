"""The periodic grade: the formula on a table of cases, the figures gathered from a
quarter's records, and confirmation by staff, where a second D in a row suspends."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Notification
from marketplace.models import Service
from providers import services
from providers.exceptions import ProvidersError
from providers.grading import (
    QuarterFigures,
    grade_for,
    next_quarter,
    previous_quarter,
    quarter_of,
    score,
)
from providers.models import Provider, ProviderGrade
from tests.marketplace.conftest import publish

Q3 = datetime.date(2026, 7, 1)


def figures(**overrides) -> QuarterFigures:
    clean = {
        "visits": 100,
        "rating_average": 5.0,
        "rating_count": 20,
        "upheld_complaints": 0,
        "provider_no_shows": 0,
        "late_check_ins": 0,
        "verification_exceptions": 0,
        "negative_feedback": 0,
        "expired_documents": 0,
    }
    return QuarterFigures(**{**clean, **overrides})


@pytest.mark.parametrize(
    ("case", "overrides", "points", "grade"),
    [
        ("spotless", {}, 100, "A"),
        ("no ratings are no penalty", {"rating_average": None, "rating_count": 0}, 100, "A"),
        ("4.5 stars", {"rating_average": 4.5}, 95, "A"),
        ("4.04 stars rounds to 10 points", {"rating_average": 4.04}, 90, "A"),
        ("3.9 stars", {"rating_average": 3.9}, 89, "B"),
        ("ratings capped at 40", {"rating_average": 1.0}, 60, "C"),
        ("3 upheld per 100 visits", {"upheld_complaints": 3}, 94, "A"),
        ("upheld capped at 20", {"upheld_complaints": 40}, 80, "B"),
        ("small provider, 1 upheld in 10 visits", {"visits": 10, "upheld_complaints": 1}, 80, "B"),
        ("no-shows", {"provider_no_shows": 5}, 90, "A"),
        ("late check-ins", {"late_check_ins": 7}, 93, "A"),
        ("late capped at 10", {"late_check_ins": 50}, 90, "A"),
        ("verification exceptions", {"verification_exceptions": 12}, 90, "A"),
        ("negative feedback", {"negative_feedback": 2}, 94, "A"),
        ("negative feedback capped", {"negative_feedback": 30}, 80, "B"),
        ("one expired document", {"expired_documents": 1}, 90, "A"),
        ("expired capped at 20", {"expired_documents": 5}, 80, "B"),
        ("no visits, one no-show", {"visits": 0, "provider_no_shows": 1}, 80, "B"),
        (
            "everything wrong",
            {
                "rating_average": 2.0,
                "upheld_complaints": 10,
                "provider_no_shows": 10,
                "late_check_ins": 10,
                "verification_exceptions": 10,
                "negative_feedback": 10,
                "expired_documents": 2,
            },
            0,
            "D",
        ),
        ("just C", {"rating_average": 3.0, "upheld_complaints": 10}, 60, "C"),
        ("just D", {"rating_average": 3.0, "upheld_complaints": 10, "late_check_ins": 1}, 59, "D"),
        ("just B", {"rating_average": 3.5, "late_check_ins": 10}, 75, "B"),
    ],
)
def test_the_formula(case, overrides, points, grade):
    assert score(figures(**overrides)) == points, case
    assert grade_for(points) == grade, case


@pytest.mark.parametrize(
    ("day", "quarter", "before", "after"),
    [
        (
            datetime.date(2026, 1, 1),
            datetime.date(2026, 1, 1),
            datetime.date(2025, 10, 1),
            datetime.date(2026, 4, 1),
        ),
        (
            datetime.date(2026, 11, 23),
            datetime.date(2026, 10, 1),
            datetime.date(2026, 7, 1),
            datetime.date(2027, 1, 1),
        ),
        (
            datetime.date(2026, 6, 30),
            datetime.date(2026, 4, 1),
            datetime.date(2026, 1, 1),
            datetime.date(2026, 7, 1),
        ),
    ],
)
def test_quarters(day, quarter, before, after):
    assert quarter_of(day) == quarter
    assert previous_quarter(quarter) == before
    assert next_quarter(quarter) == after


def grade(provider, quarter, **overrides) -> ProviderGrade:
    return services.propose_grade(provider=provider, quarter=quarter, figures=figures(**overrides))


@pytest.mark.django_db
def test_the_job_proposes_once_and_staff_confirm_with_a_note(provider_a, community_staff):
    proposed = grade(provider_a, Q3, rating_average=3.0)
    again = grade(provider_a, Q3)
    assert again.pk == proposed.pk and again.score == 80
    with pytest.raises(ProvidersError):
        services.confirm_grade(grade=proposed, by=community_staff, confirmed="B", note=" ")
    with pytest.raises(ProvidersError):
        services.confirm_grade(grade=proposed, by=community_staff, confirmed="E", note="x")
    services.confirm_grade(grade=proposed, by=community_staff, confirmed="C", note="投诉处理慢")
    provider_a.refresh_from_db()
    assert provider_a.grade == "C"
    with pytest.raises(ProvidersError, match="已经确认"):
        services.confirm_grade(grade=proposed, by=community_staff, confirmed="A", note="x")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_street_staff", "provider_manager", "district_officer"])
def test_only_staff_in_scope_confirm(cast, provider_a, who):
    proposed = grade(provider_a, Q3)
    with pytest.raises(PermissionDenied):
        services.confirm_grade(grade=proposed, by=cast[who], confirmed="A", note="x")


@pytest.mark.django_db
def test_a_d_warns_and_a_second_d_in_a_row_suspends(provider_a, provider_manager, community_staff):
    first = grade(provider_a, previous_quarter(Q3), rating_average=1.0, upheld_complaints=20)
    services.confirm_grade(grade=first, by=community_staff, confirmed="D", note="多次投诉")
    provider_a.refresh_from_db()
    assert provider_a.status == Provider.Status.APPROVED
    assert Notification.objects.filter(user=provider_manager, message__contains="on warning")

    second = grade(provider_a, Q3, rating_average=1.0, upheld_complaints=20)
    services.confirm_grade(grade=second, by=community_staff, confirmed="D", note="仍未改善")
    provider_a.refresh_from_db()
    assert provider_a.status == Provider.Status.SUSPENDED
    assert provider_a.suspension_cause == Provider.SuspensionCause.GRADE
    assert provider_a.events.filter(action="suspended").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "history",
    [
        ["D", "C", "D"],  # not in a row
        ["D", None, "D"],  # a quarter with no grade between
        ["C", "D"],
    ],
)
def test_d_grades_not_in_a_row_only_warn(provider_a, community_staff, history):
    quarter = Q3
    for _ in history[1:]:
        quarter = previous_quarter(quarter)
    for letter in history:
        if letter is not None:
            proposed = grade(provider_a, quarter)
            services.confirm_grade(grade=proposed, by=community_staff, confirmed=letter, note="x")
        quarter = next_quarter(quarter)
    provider_a.refresh_from_db()
    assert provider_a.status == Provider.Status.APPROVED
    assert provider_a.grade == history[-1]


@pytest.mark.django_db
def test_a_suspended_providers_services_leave_the_catalogue(
    provider_a, community_staff, cleaning_service
):
    for quarter in (previous_quarter(Q3), Q3):
        services.confirm_grade(
            grade=grade(provider_a, quarter), by=community_staff, confirmed="D", note="x"
        )
    assert not Service.objects.bookable().filter(pk=cleaning_service.pk).exists()


@pytest.fixture
def cleaning_service(provider_a):
    return publish(provider_a, title_zh="家庭保洁")
