"""The assessment instrument: the Barthel index of activities of daily living (10 items,
0–100), cognition and living situation, and the care level they give. Pure: no database.

Care levels follow the five grades of GB/T 42195-2022 (老年人能力评估规范): 0 (能力完好) to
4 (完全失能), the same scale as the level staff typed before assessments existed. The Barthel
bands are the usual ones (Shah 1989); moderate or severe cognitive impairment raises the
level by one. docs/decisions/0026-needs-assessment.md says why.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

HIGHEST_LEVEL = 4


@dataclass(frozen=True)
class Item:
    field: str
    label: str
    # (score, what the person can do at that score), lowest first
    scores: tuple[tuple[int, str], ...]

    @property
    def allowed(self) -> set[int]:
        return {score for score, _meaning in self.scores}


BARTHEL_ITEMS: tuple[Item, ...] = (
    Item(
        "feeding",
        pgettext_lazy("needs assessment", "Feeding"),
        (
            (0, pgettext_lazy("needs assessment", "Unable")),
            (5, pgettext_lazy("needs assessment", "Needs help cutting, spreading")),
            (10, pgettext_lazy("needs assessment", "Independent")),
        ),
    ),
    Item(
        "bathing",
        pgettext_lazy("needs assessment", "Bathing"),
        (
            (0, pgettext_lazy("needs assessment", "Dependent")),
            (5, pgettext_lazy("needs assessment", "Independent")),
        ),
    ),
    Item(
        "grooming",
        pgettext_lazy("needs assessment", "Grooming"),
        (
            (0, pgettext_lazy("needs assessment", "Needs help with personal care")),
            (5, pgettext_lazy("needs assessment", "Independent: face, hair, teeth")),
        ),
    ),
    Item(
        "dressing",
        pgettext_lazy("needs assessment", "Dressing"),
        (
            (0, pgettext_lazy("needs assessment", "Dependent")),
            (5, pgettext_lazy("needs assessment", "Needs help, does about half")),
            (10, pgettext_lazy("needs assessment", "Independent")),
        ),
    ),
    Item(
        "bowels",
        pgettext_lazy("needs assessment", "Bowels"),
        (
            (0, pgettext_lazy("needs assessment", "Incontinent")),
            (5, pgettext_lazy("needs assessment", "Occasional accident")),
            (10, pgettext_lazy("needs assessment", "Continent")),
        ),
    ),
    Item(
        "bladder",
        pgettext_lazy("needs assessment", "Bladder"),
        (
            (0, pgettext_lazy("needs assessment", "Incontinent or catheterised")),
            (5, pgettext_lazy("needs assessment", "Occasional accident")),
            (10, pgettext_lazy("needs assessment", "Continent")),
        ),
    ),
    Item(
        "toilet",
        pgettext_lazy("needs assessment", "Toilet use"),
        (
            (0, pgettext_lazy("needs assessment", "Dependent")),
            (5, pgettext_lazy("needs assessment", "Needs some help")),
            (10, pgettext_lazy("needs assessment", "Independent")),
        ),
    ),
    Item(
        "transfers",
        pgettext_lazy("needs assessment", "Transfers, bed to chair"),
        (
            (0, pgettext_lazy("needs assessment", "Unable, no sitting balance")),
            (5, pgettext_lazy("needs assessment", "Major help, can sit")),
            (10, pgettext_lazy("needs assessment", "Minor help")),
            (15, pgettext_lazy("needs assessment", "Independent")),
        ),
    ),
    Item(
        "mobility",
        pgettext_lazy("needs assessment", "Walking on level ground"),
        (
            (0, pgettext_lazy("needs assessment", "Immobile")),
            (5, pgettext_lazy("needs assessment", "Wheelchair independent")),
            (10, pgettext_lazy("needs assessment", "Walks with help of one person")),
            (15, pgettext_lazy("needs assessment", "Independent")),
        ),
    ),
    Item(
        "stairs",
        pgettext_lazy("needs assessment", "Stairs"),
        (
            (0, pgettext_lazy("needs assessment", "Unable")),
            (5, pgettext_lazy("needs assessment", "Needs help")),
            (10, pgettext_lazy("needs assessment", "Independent")),
        ),
    ),
)
ITEM_FIELDS = tuple(item.field for item in BARTHEL_ITEMS)


def barthel_score(scores: dict[str, int]) -> int:
    return sum(scores[field] for field in ITEM_FIELDS)


def wrong_scores(scores: dict[str, int]) -> list[str]:
    """Labels of the items whose score is missing or not one the item allows."""
    return [str(item.label) for item in BARTHEL_ITEMS if scores.get(item.field) not in item.allowed]


def level_from_barthel(score: int) -> int:
    if score >= 100:
        return 0
    if score >= 91:
        return 1
    if score >= 61:
        return 2
    if score >= 21:
        return 3
    return 4


def care_level(*, barthel: int, cognition: str) -> int:
    level = level_from_barthel(barthel)
    if cognition in IMPAIRS_CARE_LEVEL:
        level += 1
    return min(level, HIGHEST_LEVEL)


IMPAIRS_CARE_LEVEL = frozenset({"moderate", "severe"})

LEVEL_NAMES = {
    0: _("Level 0 · fully able"),
    1: _("Level 1 · mildly dependent"),
    2: _("Level 2 · moderately dependent"),
    3: _("Level 3 · severely dependent"),
    4: _("Level 4 · fully dependent"),
}
