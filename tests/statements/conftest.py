import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role, RoleAssignment
from billing.models import Purchaser, PurchaserOfficer
from communities.models import Region
from orders.models import Order
from statements import services
from statements.models import Statement, StatementLine
from tests.billing import conftest as billing_fixtures
from tests.conftest import make_user, with_second_factor
from tests.orders.conftest import book, delivered
from tests.providers.conftest import png_bytes

# Billing's fixtures (a purchaser, its programme, an eligible grandma and subsidised bathing),
# shared here rather than written again.
bathing = billing_fixtures.bathing
bathing_slots = billing_fixtures.bathing_slots
bureau = billing_fixtures.bureau
grandma_eligible = billing_fixtures.grandma_eligible
programme = billing_fixtures.programme


@pytest.fixture
def month():
    return timezone.localdate().replace(day=1)


@pytest.fixture
def three_visits(daughter, caregiver, bathing_slots, grandma_li, grandma_eligible) -> list[Order]:
    return [
        delivered(book(daughter, slot, grandma_li), caregiver, daughter)
        for slot in bathing_slots[:3]
    ]


@pytest.fixture
def statement(bureau, provider_a, district_officer, month) -> Statement:
    return services.open_statement(
        purchaser=bureau, provider=provider_a, month=month, by=district_officer
    )


REASON = "老人签字的服务单在附件里，服务确已完成"


def evidence(name: str = "visit-sheet.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content or png_bytes(), content_type="image/png")


@pytest.fixture
def approved(statement, three_visits, district_officer) -> Statement:
    """The month approved with its 24-yuan line excluded for missing evidence."""
    services.issue_statement(statement=statement, by=district_officer)
    services.start_review(statement=statement, by=district_officer)
    services.exclude_line(
        line=statement.lines.get(subsidy_fen=2400),
        by=district_officer,
        reason="evidence_missing",
        note="缺少服务照片",
    )
    return services.approve_statement(statement=statement, by=district_officer)


@pytest.fixture
def excluded(approved) -> StatementLine:
    return approved.lines.get(exclusion__isnull=False)


@pytest.fixture
def huangpu_officer(db):
    from django.contrib.auth.models import Group

    huangpu = Region.objects.create(
        code="310101", level="district", name_zh="黄浦区", name_en="Huangpu"
    )
    officer = with_second_factor(make_user("officer@huangpu.example.cn", "黄浦官员"))
    RoleAssignment.objects.create(user=officer, role=Role.PURCHASER_OFFICER, region=huangpu)
    officer.groups.add(Group.objects.get(name="purchaser_officer"))
    purchaser = Purchaser.objects.create(name_zh="黄浦区民政局", name_en="Huangpu", region=huangpu)
    PurchaserOfficer.objects.create(purchaser=purchaser, user=officer)
    return officer


@pytest.fixture
def with_everything(
    bureau, provider_a, district_officer, month, daughter, caregiver, bathing_slots, grandma_li,
    grandma_eligible,
) -> Statement:  # fmt: skip
    """A statement under review with two billed lines, one of them excluded, and a
    correction of the month before, whose reason would run as a formula in a spreadsheet."""
    first = delivered(book(daughter, bathing_slots[0], grandma_li), caregiver, daughter)
    earlier = services.open_statement(
        purchaser=bureau, provider=provider_a, month=month, by=district_officer
    )
    services.issue_statement(statement=earlier, by=district_officer)
    services.add_adjustment(
        line=earlier.lines.get(order=first),
        by=district_officer,
        amount_fen=-850,
        reason='=HYPERLINK("http://example.com") 少服务 20 分钟',
    )
    for slot in bathing_slots[1:3]:
        delivered(book(daughter, slot, grandma_li), caregiver, daughter)
    statement = Statement.objects.get(month=services.next_month(month), provider=provider_a)
    services.issue_statement(statement=statement, by=district_officer)
    statement = services.start_review(statement=statement, by=district_officer)
    services.exclude_line(
        line=statement.lines.order_by("pk").first(),
        by=district_officer,
        reason="evidence_missing",
        note="-缺签到照片",
    )
    return statement
