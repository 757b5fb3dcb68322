"""Issue 20, point 8: whatever the day and hour the demo is started, the carer and the
family each see a visit due today (before, the plan's visits still to come were all there
was: none on a Sunday, none after 16:00)."""

import datetime
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cms import demo_today
from orders.models import Order

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def still_clock():
    """Seeding takes seconds; a minute before midnight the day must not turn meanwhile."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def todays_visits(email: str):
    today = timezone.localdate()
    return Order.objects.assigned_to(User.objects.get(email=email)).filter(
        starts_at__date=today, status=Order.Status.CONFIRMED
    )


def test_after_seeding_twice_the_carer_and_the_family_see_one_visit_due_today(client):
    """Seeding is slow, so one test: seeded twice (as `make run` does every start), the
    carer's visits page and the family's orders show the one visit due today."""
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    visits = todays_visits(demo_today.CARER)
    assert visits.filter(notes=demo_today.NOTE).count() == 1
    visit = visits.first()
    client.force_login(User.objects.get(email=demo_today.CARER))
    assert visit.get_absolute_url() in client.get(reverse("orders:visits")).content.decode()
    family = User.objects.get(email=demo_today.FAMILY)
    client.force_login(family)
    assert visit.get_absolute_url() in client.get(reverse("orders:mine")).content.decode()
    assert client.get(visit.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-11-22T08:10", "2026-11-22T08:30"),  # a Sunday morning: her plan has nothing
        ("2026-11-18T15:30", "2026-11-18T16:00"),
        ("2026-11-18T21:45", "2026-11-18T22:00"),  # after her plan's last visit of the day
        ("2027-02-28T23:59", "2027-02-28T23:30"),  # no half hour left: a moment ago, today
    ],
)
def test_todays_demo_visit_starts_at_the_next_half_hour_and_never_tomorrow(now, expected):
    start = demo_today.visit_start(datetime.datetime.fromisoformat(now).replace(tzinfo=SHANGHAI))

    assert timezone.localtime(start) == datetime.datetime.fromisoformat(expected).replace(
        tzinfo=SHANGHAI
    )
