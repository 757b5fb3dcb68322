"""Staff assess a person; the level counts from that day until the reassessment is due."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from accounts.models import Notification
from assessments.exceptions import AssessmentError
from assessments.levels import care_level_of
from assessments.models import Assessment
from assessments.services import send_reassessment_reminders
from tests.assessments.conftest import ABLE, MODERATE, assess, days

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The messages are matched in English; tests/i18n checks that they exist in Chinese."""
    with translation.override("en"):
        yield


def test_staff_record_an_assessment_that_sets_the_level_until_reassessment(
    grandma_li, community_staff, daughter
):
    today = timezone.localdate()
    assessment = assess(grandma_li, community_staff, notes="  uses a walking frame ")
    assert (assessment.barthel_score, assessment.care_level) == (70, 2)
    assert assessment.assessor == community_staff
    assert assessment.valid_until.year == today.year + 1
    assert assessment.notes == "uses a walking frame"
    grandma_li.refresh_from_db()
    assert grandma_li.disability_level == 2 and grandma_li.living_alone
    level = care_level_of(grandma_li, today)
    assert level.assessed and level.level == 2 and level.assessment == assessment
    assert Notification.objects.filter(user=daughter, kind="assessment").exists()


def test_a_year_from_31_january_ends_on_the_last_day_of_february_next_year():
    from linli.dates import months_after

    assert months_after(datetime.date(2027, 1, 31), 13) == datetime.date(2028, 2, 29)
    assert months_after(datetime.date(2026, 12, 7), 12) == datetime.date(2027, 12, 7)


def test_without_an_assessment_the_typed_level_counts_and_says_so(grandma_li):
    grandma_li.disability_level = 3
    level = care_level_of(grandma_li, timezone.localdate())
    assert level.typed and level.level == 3
    assert "typed in by staff" in level.describe()


def test_a_lapsed_assessment_gives_no_level_until_reassessed(grandma_li, community_staff):
    assessment = assess(grandma_li, community_staff)
    after = assessment.valid_until + days(1)
    level = care_level_of(grandma_li, after)
    assert level.level is None and level.counts_as == 0
    assert level.lapsed_on == assessment.valid_until
    assert assessment.valid_until.isoformat() in level.describe()


def test_a_later_assessment_supersedes_the_earlier_from_its_day(grandma_li, community_staff):
    today = timezone.localdate()
    first = assess(grandma_li, community_staff, on=today - days(20))
    second = assess(grandma_li, community_staff, ABLE, on=today)
    assert care_level_of(grandma_li, today - days(1)).assessment == first
    assert care_level_of(grandma_li, today).assessment == second
    assert care_level_of(grandma_li, today).level == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"on": 1}, "future"),
        ({"on": -31}, "up to 30 days"),
        ({"scores": dict(MODERATE, feeding=7)}, "Feeding"),
        ({"cognition": "confused"}, "cognition"),
        ({"living_situation": "boat"}, "living situation"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(grandma_li, community_staff, change, message):
    arguments = dict(change)
    if "on" in arguments:
        arguments["on"] = timezone.localdate() + days(arguments["on"])
    scores = arguments.pop("scores", MODERATE)
    with pytest.raises(AssessmentError, match=message):
        assess(grandma_li, community_staff, scores, **arguments)
    assert not Assessment.objects.exists()
    grandma_li.refresh_from_db()
    assert grandma_li.disability_level == 0


def test_an_assessment_cannot_be_dated_before_a_later_one(grandma_li, community_staff):
    assess(grandma_li, community_staff)
    with pytest.raises(AssessmentError, match="later assessment"):
        assess(grandma_li, community_staff, on=timezone.localdate() - days(3))


def test_staff_of_another_street_and_family_cannot_assess(
    grandma_li, other_street_staff, daughter, district_officer
):
    for outsider in (other_street_staff, daughter, district_officer):
        with pytest.raises(PermissionDenied):
            assess(grandma_li, outsider)
    assert not Assessment.objects.exists()


def test_street_staff_may_assess_in_their_street(grandma_li, street_staff):
    assert assess(grandma_li, street_staff).assessor == street_staff


def test_reminders_go_once_to_family_and_staff_of_the_latest_assessment_only(
    grandma_li, community_staff, daughter
):
    today = timezone.localdate()
    assess(grandma_li, community_staff, on=today - days(25))
    latest = assess(grandma_li, community_staff, on=today - days(5))
    # Both lapse inside the window from here; only the latest is due for reassessment.
    lapsing = latest.valid_until - days(25)
    assert send_reassessment_reminders(today=latest.valid_until - days(31)) == 0
    assert send_reassessment_reminders(today=lapsing) == 1
    assert send_reassessment_reminders(today=lapsing) == 0
    told = set(
        Notification.objects.filter(message__contains="lapses").values_list("user", flat=True)
    )
    assert told == {daughter.pk, community_staff.pk}
