"""Which care level counts for a person on a day, and where it comes from. Eligibility
rules, entitlements and the pages that show the level all ask here."""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.models import CareRecipient
from assessments.instrument import LEVEL_NAMES
from assessments.models import Assessment


@dataclass(frozen=True)
class CareLevel:
    """`level` is None when the last assessment has lapsed: no level counts until the
    person is reassessed. Without any assessment, the level staff typed in counts."""

    level: int | None
    assessment: Assessment | None = None
    lapsed_on: datetime.date | None = None

    @property
    def assessed(self) -> bool:
        return self.assessment is not None

    @property
    def typed(self) -> bool:
        return self.assessment is None and self.lapsed_on is None

    @property
    def counts_as(self) -> int:
        return self.level or 0

    def describe(self) -> str:
        if self.level is None:
            return str(
                _("No level: the assessment lapsed on %(day)s; reassessment is due.")
                % {"day": self.lapsed_on.isoformat()}
            )
        name = str(LEVEL_NAMES[self.level])
        if self.typed:
            return str(_("%(level)s (typed in by staff, not assessed)") % {"level": name})
        return str(
            _("%(level)s (assessed on %(on)s, valid until %(until)s)")
            % {
                "level": name,
                "on": self.assessment.assessed_on.isoformat(),
                "until": self.assessment.valid_until.isoformat(),
            }
        )


def care_level_of(recipient: CareRecipient, on: datetime.date) -> CareLevel:
    latest = (
        Assessment.objects.filter(care_recipient=recipient, assessed_on__lte=on)
        .order_by("-assessed_on", "-pk")
        .first()
    )
    return level_from(recipient, latest, on)


def level_from(recipient: CareRecipient, latest: Assessment | None, on: datetime.date) -> CareLevel:
    """The care level on `on`, given the person's latest assessment made by then."""
    if latest is None:
        return CareLevel(level=recipient.disability_level)
    if latest.valid_until < on:
        return CareLevel(level=None, lapsed_on=latest.valid_until)
    return CareLevel(level=latest.care_level, assessment=latest)


def levels_over(recipient_ids, until: datetime.date):
    """`care_level_of` for many people and days with one query: a function of (recipient,
    day) for days up to `until`, from their assessments loaded at once."""
    assessments: dict[int, list[Assessment]] = {}
    for assessment in Assessment.objects.filter(
        care_recipient_id__in=recipient_ids, assessed_on__lte=until
    ).order_by("-assessed_on", "-pk"):
        assessments.setdefault(assessment.care_recipient_id, []).append(assessment)

    def level_of(recipient: CareRecipient, on: datetime.date) -> CareLevel:
        latest = next((a for a in assessments.get(recipient.pk, ()) if a.assessed_on <= on), None)
        return level_from(recipient, latest, on)

    return level_of
