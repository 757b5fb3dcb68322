"""The staff money page (issue 18, points 3 and 6): refunds handed to staff with their two
buttons, and the orders whose money does not add up, in both languages."""

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Dispute, Order, Refund
from tests.orders.conftest import book, cleaning, put_in, slot  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def stuck(daughter, slot, grandma_li) -> Refund:  # noqa: F811
    """A ¥120 order cancelled late (¥36 kept) whose ¥84 refund Stripe never made."""
    order = put_in(book(daughter, slot, grandma_li), Order.Status.CANCELLED)
    Order.objects.filter(pk=order.pk).update(fee_fen=3600)
    return Refund.objects.create(
        payment=order.payment,
        amount_fen=8400,
        status=Refund.Status.FAILED,
        attempts=5,
        last_error="card closed",
        handed_to_staff_at=timezone.now(),
    )


@pytest.fixture
def staff_client(client, community_staff):
    client.force_login(community_staff)
    return client


@pytest.mark.parametrize(
    ("language", "heading"),
    [("zh-hans", "Stripe 未能完成的退款"), ("en", "Refunds Stripe could not make")],
)
def test_staff_see_a_stuck_refund_and_the_difference_it_leaves(
    staff_client, stuck, language, heading, settings
):
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = staff_client.get(reverse("money:index"))
    assert page.status_code == 200
    text = page.content.decode()
    assert heading in text
    assert text.count('data-testid="stuck-refund"') == 1
    assert text.count('data-testid="money-difference"') == 1
    assert "84.00" in text


def test_staff_record_a_refund_handed_over_and_the_order_adds_up(staff_client, stuck):
    answer = staff_client.post(
        reverse("money:handed_over", kwargs={"pk": stuck.pk}), {"note": "现金退还"}
    )
    assert answer.status_code == 302
    stuck.refresh_from_db()
    assert stuck.status == Refund.Status.HANDED_OVER
    text = staff_client.get(reverse("money:index")).content.decode()
    assert 'data-testid="money-difference"' not in text


def test_the_money_page_is_not_there_for_a_resident(client, daughter, stuck):
    client.force_login(daughter)
    assert client.get(reverse("money:index")).status_code == 404
    answer = client.post(reverse("money:handed_over", kwargs={"pk": stuck.pk}), {"note": "x"})
    assert answer.status_code == 404
    stuck.refresh_from_db()
    assert stuck.status == Refund.Status.FAILED


def test_an_open_chargeback_is_listed_in_the_readers_language(staff_client, stuck, settings):
    Dispute.objects.create(
        payment=stuck.payment,
        stripe_dispute_id="dp_page",
        amount_fen=12000,
        status="needs_response",
        reason="fraudulent",
    )
    text = staff_client.get(reverse("money:index")).content.decode()
    assert text.count('data-testid="open-chargeback"') == 1
    assert "需提交证据" in text
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Evidence needed" in staff_client.get(reverse("money:index")).content.decode()


def test_the_staff_dashboard_counts_the_refunds_waiting_for_them(staff_client, stuck):
    page = staff_client.get("/cms-admin/").content.decode()
    assert "<strong>1</strong> Stripe 未能完成的退款" in page
