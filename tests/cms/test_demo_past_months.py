"""The demo's six past months (cms/demo_history.py) and the purchaser dashboard's figures,
each computed here again from the orders and compared with the page (decision 0038)."""

import datetime
import re
from collections import defaultdict
from io import StringIO

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from billing.models import Eligibility, Programme, Purchaser
from cms import demo_data, demo_history
from marketplace.templatetags.money import yuan
from orders.models import Order
from orders.transitions import SUBSIDY_RELEASED
from providers.models import Provider
from statements.models import Adjustment, LineExclusion, PaymentRecord, Statement
from statements.reconciliation import reconcile
from tests.conftest import with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def still_clock():
    """Seeding takes seconds; a minute before midnight the day must not turn meanwhile."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


@pytest.fixture
def demo(client, demo_seeded_once):
    officer = with_second_factor(User.objects.get(email=demo_data.PURCHASER[3]))
    client.force_login(officer)
    return Purchaser.objects.get(name_zh=demo_data.PURCHASER[0])


def previous_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def test_the_demo_has_six_past_months_billed_approved_and_paid(demo):
    statements = Statement.objects.filter(purchaser=demo).order_by("month")
    assert [s.month for s in statements] == demo_history.past_months(timezone.localdate())
    assert statements.last().month == previous_month()
    assert {s.status for s in statements} == {Statement.Status.PAID}
    for statement in statements:
        assert statement.issued_at.date() > statement.month
        assert statement.approved_at <= timezone.now()
        assert timezone.localdate(statement.approved_at) <= statement.paid_on
        assert statement.paid_on <= timezone.localdate()
    assert LineExclusion.objects.filter(line__statement__purchaser=demo).count() == 1
    assert LineExclusion.objects.get().note
    adjustment = Adjustment.objects.get()
    assert adjustment.statement.month > adjustment.corrects.statement.month
    corrected = PaymentRecord.objects.get(corrects__isnull=False)
    assert corrected.reason and corrected.corrects.reference != corrected.reference


def test_the_demos_past_visits_are_reviewed_and_give_services_their_stars(demo):
    """Issue 20, point 8: six months of history had orders and statements but no review."""
    from marketplace.models import Service
    from reviews.models import Review

    closed = Order.objects.filter(
        provider__name=demo_history.PROVIDER, status="closed", assisted_by__isnull=True
    )
    reviews = Review.objects.filter(order__in=closed, status=Review.Status.PUBLISHED)
    assert reviews.count() == closed.count() > 0
    assert all(
        r.created_at <= timezone.now() and r.author_id == r.order.booked_by_id for r in reviews
    )
    assert reviews.exclude(reply="").exists()
    bathing = Service.objects.get(provider__name=demo_history.PROVIDER, title_zh="上门助浴服务")
    assert bathing.rating_count == reviews.filter(service=bathing).count()
    assert bathing.rating_average is not None


def test_every_month_of_the_demo_reconciles_to_the_fen(demo):
    for month in demo_history.past_months(timezone.localdate()):
        report = reconcile(demo, month)
        assert report.checks and report.all_hold, [
            (c.label, c.left_fen, c.right_fen) for c in report.checks if not c.holds
        ]


def test_seeding_again_adds_no_month_and_no_visit(demo):
    before = (Statement.objects.count(), Order.objects.count(), PaymentRecord.objects.count())
    spent = list(Programme.objects.order_by("pk").values_list("spent_fen", "reserved_fen"))
    call_command("seed_demo", stdout=StringIO())
    after = (Statement.objects.count(), Order.objects.count(), PaymentRecord.objects.count())
    assert after == before
    assert list(Programme.objects.order_by("pk").values_list("spent_fen", "reserved_fen")) == spent


# The figures again, in plain Python from the orders and their statement lines.


def visit_month(order: Order) -> datetime.date:
    return timezone.localtime(order.starts_at).date().replace(day=1)


def billed(order: Order) -> bool:
    return any(
        line.kind == "billed"
        and not hasattr(line, "exclusion")
        and line.statement.status != Statement.Status.DRAFT
        for line in order.statement_lines.all()
    )


def counts(order: Order) -> bool:
    left_off = any(
        hasattr(line, "exclusion") or line.kind == "excluded"
        for line in order.statement_lines.all()
    )
    return order.status not in SUBSIDY_RELEASED and not left_off


def expected_rows(orders, key) -> dict:
    rows = defaultdict(lambda: [0, 0, 0, 0, set()])
    for order in orders:
        row = rows[key(order)]
        row[0] += 1
        row[1] += order.subsidy_fen
        if billed(order):
            row[2] += 1
            row[3] += order.subsidy_fen
            row[4].add(order.care_recipient_id)
    return {
        label: [str(n), yuan(fen), str(b), yuan(bfen), str(len(people))]
        for label, (n, fen, b, bfen, people) in rows.items()
    }


def page_rows(page: BeautifulSoup, kind: str) -> dict:
    rows = {}
    for tr in page.select(f'[data-testid="by-{kind}"] tbody tr'):
        cells = [td.get_text(strip=True) for td in tr.find_all("td")]
        if len(cells) == 6:
            rows[cells[0]] = cells[1:]
    return rows


def eligible_people(purchaser, month) -> set[int]:
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return {
        e.care_recipient_id
        for e in Eligibility.objects.filter(programme__purchaser=purchaser)
        if e.valid_from < following
        and e.valid_until >= month
        and (e.revoked_at is None or timezone.localdate(e.revoked_at) >= month)
    }


def check_month(client, purchaser, month, query) -> BeautifulSoup:
    response = client.get(reverse("purchase:dashboard"), query)
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    language = response.headers["Content-Language"]
    with translation.override(language):
        compare(page, purchaser, month)
    return page


def compare(page: BeautifulSoup, purchaser, month) -> None:
    orders = [
        order
        for order in Order.objects.filter(programme__purchaser=purchaser, subsidy_fen__gt=0)
        .select_related("programme", "community")
        .prefetch_related("statement_lines__statement", "statement_lines__exclusion")
        if counts(order)
    ]
    assert all(order.subsidy_month == visit_month(order) for order in orders)
    shown_months = demo_history.past_months(month + datetime.timedelta(days=32))
    by_month = expected_rows(
        [o for o in orders if visit_month(o) in shown_months], lambda o: f"{visit_month(o):%Y-%m}"
    )
    zero = [["0", yuan(0), "0", yuan(0), "0"]]
    assert page_rows(page, "month") == {
        f"{start:%Y-%m}": by_month.get(f"{start:%Y-%m}", zero[0]) for start in shown_months
    }
    in_month = [o for o in orders if visit_month(o) == month]
    assert page_rows(page, "programme") == expected_rows(in_month, lambda o: o.programme.name)
    assert page_rows(page, "community") == expected_rows(in_month, lambda o: o.community.name)
    served = {o.care_recipient_id for o in in_month if billed(o)}
    eligible = eligible_people(purchaser, month)
    numbers = re.findall(r"\d+", page.select_one('[data-testid="served"]').get_text())
    assert numbers == [str(len(served)), str(len(eligible))]
    listed = {
        li.get_text().split("·")[0].strip() for li in page.select('[data-testid="not-served"] li')
    }
    unserved = Eligibility.objects.filter(care_recipient__in=eligible - served)
    assert listed == ({e.care_recipient.name for e in unserved} or {translation.gettext("None.")})


@pytest.mark.parametrize(
    ("language", "heading"), [("zh-hans", "已结算服务次数"), ("en", "Billed visits")]
)
def test_the_dashboard_shows_last_months_figures_as_the_orders_give_them(
    client, demo, language, heading
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = check_month(client, demo, previous_month(), {})
    assert heading in page.get_text()
    not_served = page.select_one('[data-testid="not-served"]').get_text()
    assert "刘建国" in not_served  # eligible for meals, never served
    assert "陈秀英" not in not_served


def test_every_past_month_of_the_dashboard_adds_up_from_the_orders(client, demo):
    this_month = timezone.localdate().replace(day=1)
    for month in [*demo_history.past_months(timezone.localdate()), this_month]:
        check_month(client, demo, month, {"month": f"{month:%Y-%m}"})
    # The excluded visit counts nowhere: its subsidy went back to the budget.
    assert not counts(LineExclusion.objects.get().line.order)


def test_the_provider_finds_its_six_statements_with_the_exclusions_reason(client, demo):
    owner = User.objects.get(email="owner.anxin@linli.local")
    client.force_login(owner)
    provider = Provider.objects.get(name=demo_history.PROVIDER)
    listing = client.get(reverse("statements:provider_statements", args=[provider.pk]))
    assert listing.status_code == 200
    text = listing.content.decode()
    statements = Statement.objects.filter(provider=provider)
    assert statements.count() == 6
    for statement in statements:
        assert reverse("statements:statement", args=[statement.pk]) in text
    excluded = Statement.objects.get(lines__exclusion__isnull=False)
    page = client.get(reverse("statements:statement", args=[excluded.pk])).content.decode()
    assert demo_history.EXCLUSION[2] in page
