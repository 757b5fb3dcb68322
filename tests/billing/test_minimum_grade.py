"""A programme may require a minimum grade of the providers it pays for (decision 0039):
below it, new bookings and the daily run of plans get no subsidy; bookings made before
keep theirs."""

import datetime

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from billing.models import Programme, Purchaser
from billing.subsidy_batch import Ledger
from cms.workspace.purchase import ProgrammeForm
from providers.models import ProviderGrade
from tests.billing.test_contracts import split_of
from tests.billing.test_programme_money import edit_post, save_form
from tests.orders.conftest import book

pytestmark = pytest.mark.django_db


def graded(provider, *, confirmed: str, proposed: str = "") -> None:
    """A confirmed grade for the first quarter and, if given, a later one only proposed."""
    ProviderGrade.objects.create(
        provider=provider,
        quarter=datetime.date(2026, 1, 1),
        score=70,
        proposed=confirmed,
        confirmed=confirmed,
    )
    if proposed:
        ProviderGrade.objects.create(
            provider=provider, quarter=datetime.date(2026, 4, 1), score=95, proposed=proposed
        )


@pytest.fixture
def wants_b(programme) -> Programme:
    Programme.objects.filter(pk=programme.pk).update(minimum_grade="B")
    programme.refresh_from_db()
    return programme


def batch_subsidy(service, recipient, slot) -> int:
    day = timezone.localdate(slot.starts_at)
    with transaction.atomic():
        ledger = Ledger.load([(service, recipient, day)], day, day)
        return ledger.quote(
            service=service, care_recipient=recipient, quantity=1, on=day
        ).subsidy_fen


def test_a_provider_below_the_minimum_gets_no_subsidy_in_the_quote_nor_the_batch(
    provider_a, bathing, bathing_slots, grandma_li, grandma_eligible, wants_b
):
    graded(provider_a, confirmed="C", proposed="A")
    split = split_of(bathing, grandma_li, bathing_slots[0])
    assert (split.subsidy_fen, split.graded_out) == (0, (wants_b.name,))
    assert batch_subsidy(bathing, grandma_li, bathing_slots[0]) == 0


@pytest.mark.parametrize("grade", ["A", "B", ""])
def test_a_provider_at_or_above_the_minimum_or_not_graded_is_subsidised(
    provider_a, bathing, bathing_slots, grandma_li, grandma_eligible, wants_b, grade
):
    if grade:
        graded(provider_a, confirmed=grade, proposed="D")
    assert split_of(bathing, grandma_li, bathing_slots[0]).subsidy_fen == 4800
    assert batch_subsidy(bathing, grandma_li, bathing_slots[0]) == 4800


def test_an_order_booked_before_the_grade_fell_keeps_its_subsidy(
    provider_a, daughter, bathing_slots, grandma_li, grandma_eligible, wants_b
):
    before = book(daughter, bathing_slots[0], grandma_li)
    graded(provider_a, confirmed="D")
    after = book(daughter, bathing_slots[1], grandma_li)
    before.refresh_from_db()
    assert (before.subsidy_fen, after.subsidy_fen) == (4800, 0)
    wants_b.refresh_from_db()
    assert wants_b.reserved_fen == 4800


def test_the_officer_sets_the_minimum_on_the_programme_form(programme, bureau, district_officer):
    form = ProgrammeForm(
        edit_post(programme, minimum_grade="C"),
        instance=programme,
        purchasers=Purchaser.objects.filter(pk=bureau.pk),
    )
    save_form(form, programme, district_officer)
    programme.refresh_from_db()
    assert programme.minimum_grade == "C"
    refused = ProgrammeForm(
        edit_post(programme, minimum_grade="E"),
        instance=programme,
        purchasers=Purchaser.objects.filter(pk=bureau.pk),
    )
    assert "minimum_grade" in refused.errors


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            "李秀兰: pays ¥75.00 (Bathing help for the very old pays only for providers "
            "of a higher grade)",
        ),
        ("zh-hans", "李秀兰：支付 ¥75.00（高龄助浴补贴只为等级更高的服务商付费）"),
    ],
)
def test_the_booking_page_says_why_the_programme_pays_nothing(
    client,
    provider_a,
    daughter,
    bathing,
    bathing_slots,
    grandma_li,
    grandma_eligible,
    wants_b,
    language,
    words,
):
    graded(provider_a, confirmed="C")
    client.force_login(daughter)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("orders:book", args=[bathing.pk]))
    assert words in response.text
