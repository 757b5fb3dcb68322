import datetime

from django.utils import timezone

from assessments.instrument import ITEM_FIELDS
from assessments.models import Cognition, LivingSituation
from assessments.services import record_assessment

# Barthel 70: moderately dependent, level 2 by the bands in assessments.instrument.
MODERATE = {
    "feeding": 10,
    "bathing": 0,
    "grooming": 5,
    "dressing": 5,
    "bowels": 10,
    "bladder": 10,
    "toilet": 5,
    "transfers": 10,
    "mobility": 10,
    "stairs": 5,
}
ABLE = {field: {"transfers": 15, "mobility": 15}.get(field, 10) for field in ITEM_FIELDS} | {
    "bathing": 5,
    "grooming": 5,
}


def assess(recipient, staff, scores=MODERATE, *, on=None, cognition=Cognition.INTACT, **kw):
    return record_assessment(
        care_recipient=recipient,
        by=staff,
        assessed_on=on or timezone.localdate(),
        scores=dict(scores),
        cognition=cognition,
        living_situation=kw.pop("living_situation", LivingSituation.ALONE),
        **kw,
    )


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)
