"""The quarter's figures are gathered from what really happened: visits, ratings that were
published, upheld complaints, the provider's no-shows, late check-ins, unverified visits,
"no" answers in feedback and documents that ran out."""

import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from marketplace.models import Slot
from orders.models import Order
from providers.grading import QuarterFigures, quarter_of
from providers.models import DocumentKind, ProviderDocument, ProviderGrade
from reviews import grading, services
from reviews.models import FeedbackRequest
from tests.orders.conftest import book, delivered, put_in
from tests.reviews.conftest import review

pytestmark = pytest.mark.django_db


def insurance(provider, kind=DocumentKind.LIABILITY_INSURANCE, **fields) -> ProviderDocument:
    """An approved liability insurance (or another `kind`) on file; its content does not
    matter here."""
    return ProviderDocument.objects.create(
        provider=provider,
        kind=kind,
        file="provider-documents/insurance.pdf",
        content_type="application/pdf",
        original_name="保险单.pdf",
        size_bytes=1000,
        status=ProviderDocument.Status.APPROVED,
        **fields,
    )


@pytest.fixture
def quarter_of_records(daughter, caregiver, community_staff, closed_order, grandma_li):
    """One of each thing the formula counts, all for provider A in this quarter."""
    free = iter(Slot.objects.filter(service=closed_order.service).exclude(pk=closed_order.slot_id))
    written = review(closed_order, daughter, overall=4)
    services.moderate_review(review=written, by=community_staff, publish=True)
    hidden = review(
        late := delivered(book(daughter, next(free), grandma_li), caregiver, daughter),
        daughter,
        overall=1,
    )
    services.moderate_review(review=hidden, by=community_staff, publish=False, reason="广告")
    Order.objects.filter(pk=late.pk).update(
        starts_at=F("starts_at") - datetime.timedelta(minutes=20)
    )
    put_in(book(daughter, next(free), grandma_li), Order.Status.CLOSED)  # never verified
    no_show = put_in(book(daughter, next(free), grandma_li), Order.Status.NO_SHOW)
    Order.objects.filter(pk=no_show.pk).update(no_show_by=Order.Side.PROVIDER)
    resident_absent = put_in(book(daughter, next(free), grandma_li), Order.Status.NO_SHOW)
    Order.objects.filter(pk=resident_absent.pk).update(no_show_by=Order.Side.RESIDENT)

    complaint = services.file_complaint(
        by=daughter,
        provider=closed_order.provider,
        order=closed_order,
        category="punctuality",
        description="迟到",
    )
    services.answer_complaint(
        complaint=complaint, by=community_staff, outcome="upheld", note="属实"
    )
    dismissed = services.file_complaint(
        by=daughter,
        provider=closed_order.provider,
        order=closed_order,
        category="attitude",
        description="态度",
    )
    services.answer_complaint(
        complaint=dismissed, by=community_staff, outcome="not_upheld", note="不属实"
    )
    feedback = FeedbackRequest.objects.create(order=closed_order)
    services.answer_feedback(
        request=feedback, by=daughter, happened_as_recorded=True, asked_to_pay_extra=True
    )
    insurance(closed_order.provider, expires_on=timezone.localdate())
    return quarter_of(timezone.localdate())


def test_the_figures_count_what_happened(provider_a, quarter_of_records):
    assert grading.figures_for(provider_a, quarter_of_records) == QuarterFigures(
        visits=3,
        rating_average=4.0,
        rating_count=1,
        upheld_complaints=1,
        provider_no_shows=1,
        late_check_ins=1,
        verification_exceptions=1,
        negative_feedback=1,
        expired_documents=1,
    )


def test_a_renewed_document_is_not_counted(provider_a, quarter_of_records):
    insurance(
        provider_a,
        expires_on=timezone.localdate() + datetime.timedelta(days=365),
        reviewed_at=timezone.now() - datetime.timedelta(days=3),
    )
    assert grading.figures_for(provider_a, quarter_of_records).expired_documents == 0


def test_the_job_proposes_each_providers_grade_once(provider_a, quarter_of_records):
    assert grading.grade_quarter(quarter_of_records) == 1
    assert grading.grade_quarter(quarter_of_records) == 0
    proposed = ProviderGrade.objects.get()
    assert (proposed.provider, proposed.score, proposed.proposed) == (provider_a, 0, "D")
    assert proposed.inputs["upheld_complaints"] == 1
    assert proposed.confirmed == ""


def test_an_empty_quarter_is_a_clean_sheet(provider_a):
    figures = grading.figures_for(provider_a, datetime.date(2026, 1, 1))
    assert figures == QuarterFigures(0, None, 0, 0, 0, 0, 0, 0, 0)
