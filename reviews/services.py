"""Doors to reviews, complaints and beneficiary feedback. Holds on statement lines are
set and released through orders.services (DESIGN §8: reviews never write orders' rows)."""

import datetime
import hashlib
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model

from accounts.models import CareRecipient, Role, User
from communities.scoping import may_act_on_community
from marketplace.models import Service
from orders import services as order_services
from orders.models import Order, OrderHold
from providers.models import Provider
from providers.uploads import check_photo_upload, without_metadata
from reviews import wording
from reviews.exceptions import ReviewsError
from reviews.models import Complaint, FeedbackRequest, Review, ReviewPhoto

STAFF = Role.COMMUNITY_STAFF
REVIEW_WITHIN = datetime.timedelta(days=30)
MAX_PHOTOS = 3


def response_hours() -> int:
    return settings.COMPLAINT_RESPONSE_HOURS


def _staff_of(user: User, community_id: int) -> bool:
    return may_act_on_community(user, community_id, role=STAFF)


@transaction.atomic
def write_review(
    *,
    order: Order,
    by: User,
    overall: int,
    punctuality: int,
    attitude: int,
    quality: int,
    text: str = "",
    photos: Sequence[UploadedFile] = (),
) -> Review:
    """The booking account reviews its closed order, once, within 30 days of closing,
    with up to three photos."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.booked_by_id != by.pk:
        raise PermissionDenied
    if order.status != Order.Status.CLOSED:
        raise ReviewsError(_("An order can be reviewed once it is closed."))
    if order.closed_at is None or timezone.now() - order.closed_at > REVIEW_WITHIN:
        raise ReviewsError(_("Reviews are written within 30 days of the order closing."))
    if Review.objects.filter(order=order).exists():
        raise ReviewsError(_("This order has already been reviewed."))
    stars = {
        "overall": overall,
        "punctuality": punctuality,
        "attitude": attitude,
        "quality": quality,
    }
    if any(not 1 <= value <= 5 for value in stars.values()):
        raise ReviewsError(_("Please give from 1 to 5 stars."))
    if len(photos) > MAX_PHOTOS:
        raise ReviewsError(_("Please add at most three photos."))
    checked = [check_photo_upload(upload).stored_name for upload in photos]
    review = Review.objects.create(
        order=order,
        author=by,
        service=order.service,
        provider=order.provider,
        text=text.strip(),
        **stars,
    )
    for upload, stored_name in zip(photos, checked, strict=True):
        _save_photo(review, upload, stored_name)
    wording.tell_staff_review_waits(review, order.community_id)
    return review


def _save_photo(review: Review, upload: UploadedFile, stored_name: str) -> None:
    image = get_image_model()(title=str(review.order))
    image.file.save(stored_name, without_metadata(upload), save=False)
    try:
        image.save()
        ReviewPhoto.objects.create(review=review, image=image)
    except BaseException:
        image.file.delete(save=False)
        raise


def recompute_ratings(service: Service) -> None:
    """Averages count published reviews only. The service row is locked so two
    moderations at once cannot leave a stale average."""
    Service.objects.select_for_update().filter(pk=service.pk).exists()
    figures = Review.objects.filter(service=service, status=Review.Status.PUBLISHED).aggregate(
        average=Avg("overall"), count=Count("pk")
    )
    Service.objects.filter(pk=service.pk).update(
        rating_average=(round(figures["average"], 2) if figures["count"] else None),
        rating_count=figures["count"],
    )


@transaction.atomic
def moderate_review(*, review: Review, by: User, publish: bool, reason: str = "") -> Review:
    """Community staff publish a review or hide it, saying why; the averages follow."""
    review = Review.objects.select_for_update().select_related("order").get(pk=review.pk)
    if not _staff_of(by, review.order.community_id):
        raise PermissionDenied
    if not publish and not reason.strip():
        raise ReviewsError(_("Please say why the review is hidden."))
    review.status = Review.Status.PUBLISHED if publish else Review.Status.HIDDEN
    review.hidden_reason = "" if publish else reason.strip()[:300]
    review.moderated_by = by
    review.moderated_at = timezone.now()
    review.save(update_fields=["status", "hidden_reason", "moderated_by", "moderated_at"])
    recompute_ratings(review.service)
    return review


@transaction.atomic
def reply_to_review(*, review: Review, by: User, text: str) -> Review:
    """The provider answers a published review publicly, once."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if not Provider.objects.managed_by(by).filter(pk=review.provider_id).exists():
        raise PermissionDenied
    if review.status != Review.Status.PUBLISHED:
        raise ReviewsError(_("Only a published review can be answered."))
    if review.replied_at is not None:
        raise ReviewsError(_("A review is answered once; the reply cannot be changed."))
    if not text.strip():
        raise ReviewsError(_("Please write the reply."))
    review.reply = text.strip()
    review.replied_at = timezone.now()
    review.replied_by = by
    review.save(update_fields=["reply", "replied_at", "replied_by"])
    return review


@transaction.atomic
def file_complaint(
    *,
    by: User,
    provider: Provider,
    category: str,
    description: str,
    order: Order | None = None,
    care_recipient: CareRecipient | None = None,
) -> Complaint:
    """A resident (or staff on a resident's behalf) complains about an order or a provider;
    the staff of the recipient's community must answer within the set time. An open
    complaint keeps a subsidised order off the purchaser's bill."""
    if order is not None:
        if order.provider_id != provider.pk:
            raise ReviewsError(_("This order is not with that provider."))
        care_recipient = order.care_recipient
    if care_recipient is None:
        raise ReviewsError(_("Please say whom the service was for."))
    family = CareRecipient.objects.linked_to(by).filter(pk=care_recipient.pk).exists() or (
        order is not None and Order.objects.for_family_of(by).filter(pk=order.pk).exists()
    )
    on_behalf = not family and _staff_of(by, care_recipient.community_id)
    if not (family or on_behalf):
        raise PermissionDenied
    if category not in Complaint.Category.values:
        raise ReviewsError(_("Please choose what the complaint is about."))
    if not description.strip():
        raise ReviewsError(_("Please describe what happened."))
    complaint = Complaint.objects.create(
        order=order,
        provider=provider,
        community=care_recipient.community,
        care_recipient=care_recipient,
        filed_by=by,
        on_behalf=on_behalf,
        category=category,
        description=description.strip(),
        **_answer_clock(),
    )
    _hold_if_billed(complaint, OrderHold.Reason.COMPLAINT)
    wording.tell_staff_complaint(complaint)
    return complaint


def _answer_clock() -> dict:
    filed_at = timezone.now()
    return {
        "created_at": filed_at,
        "due_at": filed_at + datetime.timedelta(hours=response_hours()),
    }


def _hold_if_billed(complaint: Complaint, reason: str) -> None:
    order = complaint.order
    if order is None or not order.subsidy_fen:
        return
    complaint.hold = order_services.hold_order(
        order=order, reason=reason, note=complaint.description[:300]
    )
    complaint.save(update_fields=["hold"])


@transaction.atomic
def answer_complaint(*, complaint: Complaint, by: User, outcome: str, note: str) -> Complaint:
    """Staff of the community close a complaint with an outcome and a note the resident
    reads; the statement line, if held, is released."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not _staff_of(by, complaint.community_id):
        raise PermissionDenied
    if not complaint.is_open:
        raise ReviewsError(_("This complaint has already been answered."))
    if outcome not in Complaint.Outcome.values:
        raise ReviewsError(_("Please choose the outcome."))
    if not note.strip():
        raise ReviewsError(_("Please write what the resident will read."))
    complaint.outcome = outcome
    complaint.outcome_note = note.strip()
    complaint.handled_by = by
    complaint.closed_at = timezone.now()
    complaint.save(update_fields=["outcome", "outcome_note", "handled_by", "closed_at"])
    if complaint.hold_id:
        order_services.release_hold(hold=complaint.hold)
    wording.tell_complainant(complaint)
    return complaint


def flag_overdue_complaints(*, now: datetime.datetime) -> int:
    """Batch: open complaints past their answer time are flagged to street-level staff,
    once each."""
    overdue = Complaint.objects.filter(
        closed_at__isnull=True, escalated_at__isnull=True, due_at__lt=now
    ).values_list("pk", flat=True)
    flagged = 0
    for complaint_id in list(overdue):
        with transaction.atomic():
            claimed = Complaint.objects.filter(
                pk=complaint_id, escalated_at__isnull=True, closed_at__isnull=True
            ).update(escalated_at=now)
            if claimed == 1:
                wording.tell_street_overdue(
                    Complaint.objects.select_related("community__parent").get(pk=complaint_id)
                )
                flagged += 1
    return flagged


def in_sample(order: Order, percent: int) -> bool:
    """A stable sample: the same order is always in or out, whoever asks."""
    digest = hashlib.sha256(order.code.encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < percent


def request_feedback(*, since: datetime.datetime, percent: int) -> int:
    """Batch: ask the families of a sample of subsidised visits that closed since `since`."""
    candidates = Order.objects.filter(
        subsidy_fen__gt=0,
        status=Order.Status.CLOSED,
        closed_at__gte=since,
        feedback_request__isnull=True,
    ).select_related("care_recipient")
    asked = 0
    for order in candidates:
        if not in_sample(order, percent):
            continue
        with transaction.atomic():
            request, created = FeedbackRequest.objects.get_or_create(order=order)
            if created:
                wording.ask_for_feedback(request)
                asked += 1
    return asked


@transaction.atomic
def answer_feedback(
    *,
    request: FeedbackRequest,
    by: User,
    happened_as_recorded: bool,
    asked_to_pay_extra: bool,
    comment: str = "",
) -> FeedbackRequest:
    """The recipient or family answers; a worrying answer opens a case for staff and holds
    the statement line."""
    request = FeedbackRequest.objects.select_for_update().select_related("order").get(pk=request.pk)
    order = request.order
    if not Order.objects.for_family_of(by).filter(pk=order.pk).exists():
        raise PermissionDenied
    if request.answered_at is not None:
        raise ReviewsError(_("Thank you: this has already been answered."))
    request.happened_as_recorded = happened_as_recorded
    request.asked_to_pay_extra = asked_to_pay_extra
    request.comment = comment.strip()
    request.answered_by = by
    request.answered_at = timezone.now()
    request.save(
        update_fields=[
            "happened_as_recorded",
            "asked_to_pay_extra",
            "comment",
            "answered_by",
            "answered_at",
        ]
    )
    if request.is_negative:
        answers = []
        if not happened_as_recorded:
            answers.append(str(_("The service did not happen as recorded.")))
        if asked_to_pay_extra:
            answers.append(str(_("The family was asked to pay extra.")))
        complaint = Complaint.objects.create(
            order=order,
            provider=order.provider,
            community=order.community,
            care_recipient=order.care_recipient,
            filed_by=by,
            category="feedback",
            description=" ".join(answers + [request.comment]).strip(),
            **_answer_clock(),
        )
        _hold_if_billed(complaint, OrderHold.Reason.FEEDBACK)
        request.complaint = complaint
        request.save(update_fields=["complaint"])
        wording.tell_staff_complaint(complaint)
    return request
