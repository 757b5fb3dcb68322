"""The only doors to needs assessments: recording one, attaching evidence, reminders."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import services as account_services
from accounts.models import CareRecipient, Role, User
from assessments import wording
from assessments.exceptions import AssessmentError
from assessments.instrument import ITEM_FIELDS, barthel_score, care_level, wrong_scores
from assessments.models import Assessment, AssessmentEvidence, Cognition, LivingSituation
from communities.scoping import may_act_on_community
from linli.dates import months_after
from providers.uploads import save_private_document


def may_assess(user: User, recipient: CareRecipient) -> bool:
    """Community staff whose scope covers the person's community."""
    return may_act_on_community(user, recipient.community_id, role=Role.COMMUNITY_STAFF)


@transaction.atomic
def record_assessment(
    *,
    care_recipient: CareRecipient,
    by: User,
    assessed_on: datetime.date,
    scores: dict[str, int],
    cognition: str,
    living_situation: str,
    notes: str = "",
) -> Assessment:
    """Staff record an assessment; it gives the person's care level from that day until
    the reassessment is due, and sets the level and living situation on the person."""
    recipient = CareRecipient.objects.select_for_update().get(pk=care_recipient.pk)
    if not may_assess(by, recipient):
        raise PermissionDenied
    today = timezone.localdate()
    if assessed_on > today:
        raise AssessmentError(_("An assessment cannot be dated in the future."))
    oldest = today - datetime.timedelta(days=settings.ASSESSMENT_BACKDATE_DAYS)
    if assessed_on < oldest:
        raise AssessmentError(
            _("An assessment can be recorded up to %(days)s days after it was made.")
            % {"days": settings.ASSESSMENT_BACKDATE_DAYS}
        )
    wrong = wrong_scores(scores)
    if wrong:
        raise AssessmentError(
            _("Please give a score for: %(items)s.") % {"items": "、".join(wrong)}
        )
    if cognition not in Cognition.values:
        raise AssessmentError(_("Please choose the person's cognition."))
    if living_situation not in LivingSituation.values:
        raise AssessmentError(_("Please choose the person's living situation."))
    if recipient.assessments.filter(assessed_on__gt=assessed_on).exists():
        raise AssessmentError(
            _("%(name)s has a later assessment; an earlier one cannot replace it.")
            % {"name": recipient.name}
        )
    total = barthel_score(scores)
    assessment = Assessment.objects.create(
        care_recipient=recipient,
        assessed_on=assessed_on,
        assessor=by,
        **{field: scores[field] for field in ITEM_FIELDS},
        barthel_score=total,
        cognition=cognition,
        living_situation=living_situation,
        care_level=care_level(barthel=total, cognition=cognition),
        valid_until=months_after(assessed_on, settings.ASSESSMENT_VALID_MONTHS),
        notes=notes.strip(),
    )
    account_services.take_assessed_circumstances(
        care_recipient=recipient,
        care_level=assessment.care_level,
        living_alone=living_situation == LivingSituation.ALONE,
    )
    wording.tell_family_of_assessment(assessment)
    return assessment


@transaction.atomic
def add_evidence(
    *, assessment: Assessment, by: User, upload: UploadedFile, description: str = ""
) -> AssessmentEvidence:
    """Staff keep a scan with the assessment (the signed form, a doctor's letter)."""
    if not may_assess(by, assessment.care_recipient):
        raise PermissionDenied
    evidence = AssessmentEvidence(
        assessment=assessment, description=description.strip()[:200], uploaded_by=by
    )
    return save_private_document(evidence, upload)


def send_reassessment_reminders(*, today: datetime.date) -> int:
    """Daily: the latest assessment of each person that lapses within the reminder window;
    staff and family are told once."""
    window_end = today + datetime.timedelta(days=settings.ASSESSMENT_REMINDER_DAYS)
    superseded = Assessment.objects.filter(
        Q(assessed_on__gt=OuterRef("assessed_on"))
        | Q(assessed_on=OuterRef("assessed_on"), pk__gt=OuterRef("pk")),
        care_recipient=OuterRef("care_recipient"),
    )
    due = (
        Assessment.objects.filter(
            reminded_at__isnull=True, valid_until__gte=today, valid_until__lte=window_end
        )
        .filter(~Exists(superseded))
        .values_list("pk", flat=True)
    )
    sent = 0
    for assessment_id in list(due):
        with transaction.atomic():
            claimed = Assessment.objects.filter(pk=assessment_id, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if claimed == 1:
                wording.remind_reassessment(
                    Assessment.objects.select_related("care_recipient").get(pk=assessment_id)
                )
                sent += 1
    return sent
