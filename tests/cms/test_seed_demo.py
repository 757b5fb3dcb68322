import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import CareLink, CareRecipient, Role, RoleAssignment, User
from billing.models import Application
from cms import demo_data
from communities.models import Region
from config.landing import landing_url
from marketplace.models import Service
from orders.workers import qualified_workers
from providers.models import ProviderMember

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_seeded_once")]

ALL_DEMO_EMAILS = (
    [demo_data.ADMIN[0]]
    + [r[0] for r in demo_data.RESIDENTS]
    + [s[0] for s in demo_data.STAFF]
    + [m[0] for p in demo_data.PROVIDERS for m in p[5]]
)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def table_sizes() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Region, User, RoleAssignment, CareRecipient, CareLink, ProviderMember)
    }


def test_seeding_builds_the_demo_neighbourhood():
    assert Region.objects.filter(level="district").count() == 1
    assert Region.objects.filter(level="street").count() == 2
    assert Region.objects.filter(level="community").count() == 6
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == {Role.COMMUNITY_STAFF, Role.PURCHASER_OFFICER}
    grandma = CareRecipient.objects.get(name="李秀兰")
    assert grandma.account is None
    assert grandma.links.count() == 2


def test_seeding_twice_changes_nothing():
    before = table_sizes()
    seed()
    assert table_sizes() == before


def test_the_printed_logins_cover_every_role():
    printed = seed()
    assert demo_data.DEMO_PASSWORD in printed
    for email in ALL_DEMO_EMAILS:
        assert email in printed


STAFF_EMAILS = [demo_data.ADMIN[0]] + [s[0] for s in demo_data.STAFF]


@pytest.mark.parametrize("email", ALL_DEMO_EMAILS)
def test_every_demo_login_works(client, email):
    response = client.post(
        reverse("account_login"), {"login": email, "password": demo_data.DEMO_PASSWORD}
    )
    assert response.status_code == 302
    # Each role lands on its own work (decision 0042).
    assert response.url == landing_url(User.objects.get(email=email))
    home = client.get(reverse("accounts:home"))
    if email in STAFF_EMAILS:
        assert home.url.startswith(reverse("mfa_activate_totp"))  # first, a second factor
    else:
        assert home.status_code == 200


@pytest.mark.parametrize("email", STAFF_EMAILS)
def test_demo_staff_are_sent_to_set_up_a_second_factor(client, email):
    client.post(reverse("account_login"), {"login": email, "password": demo_data.DEMO_PASSWORD})
    response = client.get("/cms-admin/")
    assert response.url.startswith(reverse("mfa_activate_totp"))


def test_the_english_home_page_exists_after_seeding(client):
    client.cookies["django_language"] = "en"
    body = client.get("/").content.decode()
    assert "Linli links residents with the community services around them" in body


def test_demo_providers_went_through_admission():
    from providers.models import Provider

    statuses = dict(Provider.objects.values_list("name", "status"))
    assert statuses == {
        "安馨居家养老服务社": "approved",
        "绿城物业潍坊项目部": "approved",
        "泉东便民维修部": "submitted",
    }
    approved = Provider.objects.get(name="安馨居家养老服务社")
    assert set(approved.documents.values_list("status", flat=True)) == {"approved"}
    assert approved.events.filter(action="approved").count() == 1


def test_the_demo_carer_holds_valid_papers_and_is_offered_for_eldercare():
    """Issue 19: 周阿姨 had no certificates, yet the assign list offered her and sending her
    failed. Now she holds what bathing and meals ask, and the list offers her."""
    carer = ProviderMember.objects.get(user__email="carer.anxin@linli.local")
    assert set(carer.documents.filter(status="approved").values_list("kind", flat=True)) == {
        "health_certificate",
        "caregiver_qualification",
    }
    in_a_month = timezone.localdate() + datetime.timedelta(days=30)
    for service in Service.objects.filter(
        provider=carer.provider, category__parent__slug="eldercare"
    ):
        assert carer in qualified_workers(carer.provider, service, in_a_month), service


def test_the_demo_care_plan_can_be_tried_at_once(client):
    """李秀兰 is assessed at level 2, her programmes grant by level, and her plan is
    active with its carer and this week's visits booked."""
    from assessments.levels import care_level_of
    from care.models import CarePlan, Occurrence

    seed()  # twice: nothing is made again
    grandma = CareRecipient.objects.get(name="李秀兰")
    level = care_level_of(grandma, timezone.localdate())
    assert level.assessed and level.level == 2
    plan = CarePlan.objects.get(care_recipient=grandma)
    assert plan.status == CarePlan.Status.ACTIVE and plan.worker.user.email.startswith("carer")
    week = timezone.localdate() + datetime.timedelta(days=7)
    booked = plan.occurrences.filter(status=Occurrence.Status.BOOKED, day__lte=week)
    assert booked.count() >= 5
    assert all(o.order.worker_id == plan.worker_id for o in booked)
    client.force_login(User.objects.get(email="wang.fang@linli.local"))
    page = client.get(reverse("care:person", args=[grandma.pk])).content.decode()
    assert "中度失能" in page and f"/care/plans/{plan.pk}/" in page


def test_the_demo_has_an_application_waiting_for_staff_with_its_evidence():
    seed()  # twice

    waiting = Application.objects.get()
    assert waiting.status == Application.Status.SUBMITTED
    assert waiting.care_recipient.name == "周桂英"
    assert waiting.evidence.count() == 1


def test_the_demo_has_a_call_back_waiting_for_weifang_1s_staff():
    from cms.workspace.spot_checks import waiting_count
    from reviews.models import SpotCheck

    zhao_min = User.objects.get(email="staff.weifang1@linli.local")
    sun_li = User.objects.get(email="staff.weifang@linli.local")
    call_back = SpotCheck.objects.get()
    assert (call_back.assigned_to, call_back.order.assisted_by) == (zhao_min, sun_li)
    assert call_back.is_open and not call_back.order.care_recipient.links.exists()
    assert waiting_count(zhao_min) == 1
    assert not SpotCheck.objects.in_scope_of(sun_li).exists()  # she booked it
