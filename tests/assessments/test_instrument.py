import pytest
from django.utils import translation

from assessments.instrument import (
    BARTHEL_ITEMS,
    barthel_score,
    care_level,
    level_from_barthel,
    wrong_scores,
)
from tests.assessments.conftest import ABLE, MODERATE


@pytest.fixture(autouse=True)
def _in_english():
    """The messages are matched in English; tests/i18n checks that they exist in Chinese."""
    with translation.override("en"):
        yield


def test_the_ten_items_score_from_0_to_100():
    assert len(BARTHEL_ITEMS) == 10
    assert sum(max(item.allowed) for item in BARTHEL_ITEMS) == 100
    assert barthel_score(ABLE) == 100
    assert barthel_score(MODERATE) == 70


@pytest.mark.parametrize(
    ("score", "level"),
    [(100, 0), (95, 1), (91, 1), (90, 2), (61, 2), (60, 3), (21, 3), (20, 4), (0, 4)],
)
def test_the_barthel_bands_give_the_care_level(score, level):
    assert level_from_barthel(score) == level


@pytest.mark.parametrize(
    ("cognition", "level"), [("intact", 3), ("mild", 3), ("moderate", 4), ("severe", 4)]
)
def test_moderate_or_severe_cognitive_impairment_raises_the_level_by_one(cognition, level):
    assert care_level(barthel=45, cognition=cognition) == level


def test_the_level_never_goes_above_total_dependency():
    assert care_level(barthel=0, cognition="severe") == 4


def test_a_score_an_item_does_not_allow_or_a_missing_item_is_named():
    scores = dict(MODERATE, bathing=10)
    del scores["stairs"]
    assert [str(label) for label in wrong_scores(scores)] == ["Bathing", "Stairs"]
