"""The cast every test talks about, and the rules for tests that need real parts.

A test marked `postgres`, `redis` or `browser` is skipped, loudly, when that part is
missing on a developer's machine, and fails under CI=true, where a quiet skip would
hide that the real part never ran.
"""

import datetime
import shutil

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone, translation

from accounts.models import CareLink, CareRecipient, Role, RoleAssignment, User
from communities.models import Region
from providers.models import DocumentKind, Provider, ProviderDocument, ProviderMember
from tests import clock

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MISSING_PARTS: list[str] = []


def _part_available(marker: str) -> tuple[bool, str]:
    if marker == "postgres":
        return settings.USING_POSTGRES, "PostgreSQL is not reachable (set DATABASE_URL)"
    if marker == "redis":
        return settings.USING_REDIS, "Redis is not reachable (set REDIS_URL)"
    if marker == "browser":
        return bool(CHROMIUM), "Chromium is not installed (apt-get install chromium)"
    return True, ""


def pytest_configure(config) -> None:
    # Before the test database is made: migrations and session fixtures see the same clock.
    clock.start_session()


def pytest_report_header(config) -> list[str]:
    database = settings.DATABASES["default"]
    return [
        f"linli database: {database['ENGINE'].rsplit('.', 1)[-1]} {database.get('HOST') or ''}"
        f" {database['NAME']}".rstrip(),
        f"linli channel layer: {settings.CHANNEL_LAYERS['default']['BACKEND']}",
        f"linli cache: {settings.CACHES['default']['BACKEND']}",
        f"linli browser: {CHROMIUM or 'none'}",
        f"linli clock: every test starts at {clock.frozen_instant().isoformat()}"
        f" ({clock.NOW_VARIABLE})",
    ]


def pytest_collection_modifyitems(config, items) -> None:
    """A transactional test ends with a flush of every table. Unless it also restores the
    migrated data (pages, locales, groups) with serialized_rollback, the tests after it run
    on a database without a home page, and the flush re-creates content types that the
    next restore then collides with. So every transactional test must ask for both."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: use django_db(transaction=True, serialized_rollback=True)"
            )


def pytest_runtest_setup(item) -> None:
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) is None:
            continue
        available, why = _part_available(marker)
        if available:
            continue
        if settings.CI:
            pytest.fail(f"CI=true but {why}: this test must run against the real part.")
        MISSING_PARTS.append(f"{item.nodeid}: {why}")
        pytest.skip(f"!!! NOT TESTED: {why}")


def pytest_terminal_summary(terminalreporter) -> None:
    if MISSING_PARTS:
        terminalreporter.section("REAL PARTS MISSING: these tests did not run", sep="!")
        for line in MISSING_PARTS:
            terminalreporter.write_line(line)


@pytest.fixture(autouse=True)
def _frozen_clock():
    """Every test starts at the same instant, never at the hour the suite is run."""
    traveller = clock.travel_to(clock.frozen_instant())
    yield
    traveller.stop()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's default language; a request made by an earlier test
    must not leave its language active in this thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache; one test's failures must not leak."""
    cache.clear()
    yield


PASSWORD = "correct horse battery"


def make_user(email: str, name: str = "", **fields) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, display_name=name, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def pudong(db) -> Region:
    return Region.objects.create(
        code="310115", level="district", name_zh="浦东新区", name_en="Pudong New Area"
    )


@pytest.fixture
def weifang(pudong) -> Region:
    return Region.objects.create(
        code="310115004",
        level="street",
        parent=pudong,
        name_zh="潍坊新村街道",
        name_en="Weifang Xincun Street",
    )


@pytest.fixture
def lujiazui(pudong) -> Region:
    return Region.objects.create(
        code="310115005",
        level="street",
        parent=pudong,
        name_zh="陆家嘴街道",
        name_en="Lujiazui Street",
    )


@pytest.fixture
def weifang_1(weifang) -> Region:
    return Region.objects.create(
        code="310115004001",
        level="community",
        parent=weifang,
        name_zh="潍坊一村",
        name_en="Weifang No. 1 Village",
    )


@pytest.fixture
def weifang_2(weifang) -> Region:
    return Region.objects.create(
        code="310115004002",
        level="community",
        parent=weifang,
        name_zh="潍坊二村",
        name_en="Weifang No. 2 Village",
    )


@pytest.fixture
def laoshan(lujiazui) -> Region:
    return Region.objects.create(
        code="310115005002",
        level="community",
        parent=lujiazui,
        name_zh="崂山",
        name_en="Laoshan",
    )


@pytest.fixture
def daughter(db) -> User:
    return make_user("wang.fang@example.cn", "王芳")


@pytest.fixture
def son(db) -> User:
    return make_user("wang.lei@example.cn", "王磊")


@pytest.fixture
def other_resident(db) -> User:
    return make_user("zhao.qiang@example.cn", "赵强")


@pytest.fixture
def grandma_li(daughter, weifang_1) -> CareRecipient:
    recipient = CareRecipient.objects.create(
        name="李秀兰",
        community=weifang_1,
        address="潍坊路 100 弄 5 号 101 室",
        living_alone=True,
        created_by=daughter,
    )
    CareLink.objects.create(
        care_recipient=recipient, account=daughter, relationship="child", created_by=daughter
    )
    return recipient


TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def with_second_factor(user: User) -> User:
    """Staff in the cast have set up their authenticator app, as they must."""
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": TOTP_SECRET}}
    )
    return user


def make_scoped_user(email: str, name: str, role: str, region: Region) -> User:
    """A staff member or officer with one scope, set up as they must be to sign in."""
    user = make_user(email, name)
    RoleAssignment.objects.create(user=user, role=role, region=region)
    user.groups.add(Group.objects.get(name=role))  # as accounts.services.grant_role does
    return with_second_factor(user)


@pytest.fixture
def community_staff(weifang_1) -> User:
    return make_scoped_user("staff.w1@example.cn", "赵敏", Role.COMMUNITY_STAFF, weifang_1)


@pytest.fixture
def street_staff(weifang) -> User:
    return make_scoped_user("staff.weifang@example.cn", "孙丽", Role.COMMUNITY_STAFF, weifang)


@pytest.fixture
def other_street_staff(lujiazui) -> User:
    return make_scoped_user("staff.lujiazui@example.cn", "钱鹏", Role.COMMUNITY_STAFF, lujiazui)


@pytest.fixture
def district_officer(pudong) -> User:
    return make_scoped_user("officer@example.cn", "陈刚", Role.PURCHASER_OFFICER, pudong)


@pytest.fixture
def platform_admin(db) -> User:
    user = User.objects.create_superuser(email="admin@example.cn", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return with_second_factor(user)


@pytest.fixture
def provider_a(weifang_1) -> Provider:
    provider = Provider.objects.create(
        name="安馨居家养老服务社", kind="social_org", status=Provider.Status.APPROVED
    )
    provider.communities.add(weifang_1)
    return provider


@pytest.fixture
def provider_manager(provider_a) -> User:
    user = make_user("manager@anxin.example.cn", "刘静")
    ProviderMember.objects.create(provider=provider_a, user=user, role="manager")
    return user


def give_papers(
    member: ProviderMember, *kinds: str, expires_on: datetime.date | None = None
) -> None:
    """Fixture data: the worker's own documents, approved, valid for a year unless said."""
    for kind in kinds:
        ProviderDocument.objects.create(
            provider=member.provider,
            member=member,
            kind=kind,
            file=f"provider-documents/{kind}.pdf",
            content_type="application/pdf",
            original_name=f"{kind}.pdf",
            size_bytes=1000,
            status=ProviderDocument.Status.APPROVED,
            expires_on=expires_on or timezone.localdate() + datetime.timedelta(days=365),
        )


@pytest.fixture
def caregiver(provider_a) -> User:
    """A worker with a valid health certificate, as every eldercare visit asks (ADR 0020)."""
    user = make_user("carer@anxin.example.cn", "周阿姨")
    member = ProviderMember.objects.create(provider=provider_a, user=user, role="worker")
    give_papers(member, DocumentKind.HEALTH_CERTIFICATE)
    return user


@pytest.fixture
def other_provider_manager(laoshan) -> User:
    provider = Provider.objects.create(
        name="崂山便民服务部", kind="merchant", status=Provider.Status.APPROVED
    )
    provider.communities.add(laoshan)
    user = make_user("manager@laoshan.example.cn", "钱老板")
    ProviderMember.objects.create(provider=provider, user=user, role="manager")
    return user


# Everyone in the cast who logs in, by the names `cast` gives them.
LOGGED_IN_CAST = [
    "daughter",
    "son",
    "other_resident",
    "community_staff",
    "street_staff",
    "other_street_staff",
    "district_officer",
    "platform_admin",
    "provider_manager",
    "caregiver",
    "other_provider_manager",
]


@pytest.fixture
def cast(
    daughter,
    son,
    other_resident,
    community_staff,
    street_staff,
    other_street_staff,
    district_officer,
    platform_admin,
    provider_manager,
    caregiver,
    other_provider_manager,
) -> dict[str, User]:
    """Everyone, by the name tests use for them."""
    return {
        "anonymous": None,
        "daughter": daughter,
        "son": son,
        "other_resident": other_resident,
        "community_staff": community_staff,
        "street_staff": street_staff,
        "other_street_staff": other_street_staff,
        "district_officer": district_officer,
        "platform_admin": platform_admin,
        "provider_manager": provider_manager,
        "caregiver": caregiver,
        "other_provider_manager": other_provider_manager,
    }


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def fake_stripe_url():
    """The project's own fake Stripe server (scripts/fake_stripe.py), one per test run."""
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    port = _free_port()
    root = Path(settings.BASE_DIR)
    process = subprocess.Popen(
        [sys.executable, str(root / "scripts" / "fake_stripe.py"), "--port", str(port)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/js.stripe.com/v3/", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("the fake Stripe server did not start") from None
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def fake_stripe(fake_stripe_url, settings):
    """Point the Stripe library at the fake server for this test."""
    settings.STRIPE_API_BASE = fake_stripe_url
    settings.STRIPE_JS_URL = fake_stripe_url + "/js.stripe.com/v3/"
    return fake_stripe_url
