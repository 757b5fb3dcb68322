"""The booking page (issue 20, point 1; decision 0040): a strip of days, the chosen day's
times as chips with their free places, the person preselected, the price split beside the
book button, a way to a weekly plan, and no labels for the form's hidden fields."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import CareLink, CareRecipient
from marketplace.models import Slot
from orders.services import place_order
from tests.marketplace.conftest import publish

pytestmark = pytest.mark.django_db


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def cleaning(provider_a):
    """Two times the day after tomorrow (one with 2 places), one the day after."""
    service = publish(provider_a, title_zh="家庭保洁", price_fen=12000, hours=[])
    service.max_days_ahead = 30
    service.save(update_fields=["max_days_ahead"])
    first = timezone.localdate() + datetime.timedelta(days=2)
    for day, hour, capacity in [
        (first, 9, 2),
        (first, 14, 1),
        (first + datetime.timedelta(days=1), 10, 1),
    ]:
        Slot.objects.create(
            service=service,
            starts_at=at(day, hour),
            ends_at=at(day, hour) + datetime.timedelta(hours=1),
            capacity=capacity,
        )
    return service


def page(client, service, **query) -> str:
    return client.get(reverse("orders:book", args=[service.pk]), query).content.decode()


def test_the_hidden_fields_show_no_stray_labels(client, daughter, grandma_li, cleaning):
    client.force_login(daughter)

    body = page(client, cleaning)

    assert "Submission" not in body and "Quoted" not in body
    assert 'for="id_submission"' not in body and 'for="id_quoted"' not in body
    assert re.search(r'<input type="hidden" name="submission"', body)


def test_the_times_are_the_first_free_days_chips_with_their_free_places(
    client, daughter, grandma_li, cleaning
):
    client.force_login(daughter)
    first = timezone.localdate() + datetime.timedelta(days=2)

    body = page(client, cleaning)

    # Only that day's two times, each saying what its number means.
    assert body.count('name="slot"') == 2
    assert "09:00–10:00 · 剩 2 个名额" in body and "14:00–15:00 · 剩 1 个名额" in body
    assert not re.search(r"\d{2}:\d{2} \(\d+\)", body)
    assert f'href="?day={first:%Y-%m-%d}" aria-current="date"' in body


def test_the_day_strip_shows_the_coming_weeks_and_another_day_is_one_tap_away(
    client, daughter, grandma_li, cleaning
):
    client.force_login(daughter)
    next_day = timezone.localdate() + datetime.timedelta(days=3)

    body = page(client, cleaning, day=f"{next_day:%Y-%m-%d}")

    assert body.count("data-day=") == 14  # today and the 13 days after it
    assert body.count('name="slot"') == 1 and "10:00–11:00" in body
    assert f'href="?day={next_day:%Y-%m-%d}" aria-current="date"' in body


def test_the_only_person_is_preselected(client, daughter, grandma_li, cleaning):
    client.force_login(daughter)

    body = page(client, cleaning)

    assert re.search(rf'name="care_recipient" value="{grandma_li.pk}"[^>]*checked', body)


def test_the_person_last_booked_for_is_preselected(
    client, daughter, grandma_li, weifang_1, cleaning
):
    grandpa = CareRecipient.objects.create(
        name="王建国", community=weifang_1, address="潍坊路 100 弄", created_by=daughter
    )
    CareLink.objects.create(
        care_recipient=grandpa, account=daughter, relationship="child", created_by=daughter
    )
    client.force_login(daughter)
    assert (
        "checked"
        not in re.findall(r'<input[^>]*name="care_recipient"[^>]*>', page(client, cleaning))[0]
    )

    slot = Slot.objects.filter(service=cleaning).earliest("starts_at")
    place_order(booked_by=daughter, slot=slot, care_recipient=grandpa, idempotency_key="last")
    body = page(client, cleaning)

    assert re.search(rf'name="care_recipient" value="{grandpa.pk}"[^>]*checked', body)
    assert not re.search(rf'name="care_recipient" value="{grandma_li.pk}"[^>]*checked', body)


def test_the_price_split_sits_beside_the_book_button(client, daughter, grandma_li, cleaning):
    client.force_login(daughter)

    body = page(client, cleaning)

    bar = body[body.index('data-testid="book-bar"') :]
    bar = bar[: bar.index("</form>")]
    for words in ("标价", "¥120.00", "补贴", "您需支付", 'data-testid="book"'):
        assert words in bar


def test_a_link_leads_to_making_it_a_weekly_plan(client, daughter, grandma_li, cleaning):
    client.force_login(daughter)

    body = page(client, cleaning)

    plan = reverse("care:new_plan", args=[grandma_li.pk])
    assert f'href="{plan}?provider={cleaning.provider_id}"' in body


def test_a_sent_back_form_shows_the_day_of_the_chosen_time(client, daughter, grandma_li, cleaning):
    client.force_login(daughter)
    later = Slot.objects.filter(service=cleaning).latest("starts_at")

    response = client.post(
        reverse("orders:book", args=[cleaning.pk]), {"slot": later.pk, "care_recipient": ""}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert re.search(rf'name="slot" value="{later.pk}"[^>]*checked', body)
