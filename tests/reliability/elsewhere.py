"""Somebody else's world: a district none of the cast works in, with its own residents,
providers, staff, purchaser and every kind of object a URL can point at. Every cast
member is a stranger to all of it, so any URL filled with these objects must refuse them.

`SECRETS` are strings that exist only in this world's private rows; no page shown to a
stranger may contain one.
"""

import datetime

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import CareLink, CareRecipient, Notification, Role
from assessments import services as assessment_services
from billing import applications
from billing import services as billing_services
from billing.models import Purchaser, PurchaserOfficer
from care.models import CarePlan, Occurrence, PlanItem
from cms import activities, channels, notices
from cms.models import ChannelPostPage, CommunityChannelPage, SurveyAnswer, SurveyField, SurveyPage
from communities.models import Region
from marketplace import services as marketplace_services
from marketplace.models import ServiceChange
from orders import services as order_services
from orders import visits
from orders.models import Order, Payment, Refund, SavedCard
from providers import members as member_services
from providers import services as provider_services
from providers.models import (
    CommunityRequest,
    DocumentKind,
    Provider,
    ProviderGrade,
    ProviderMember,
    Venue,
    VenueSitting,
)
from reviews import services as review_services
from reviews.models import FeedbackRequest, SpotCheck
from statements import contests
from statements import services as statement_services
from statements.models import StatementJob
from tests.assessments.conftest import MODERATE
from tests.billing.conftest import make_eligible, make_programme
from tests.cms.conftest import add_activity
from tests.conftest import give_papers, make_scoped_user, make_user
from tests.marketplace.conftest import publish
from tests.orders.conftest import book, delivered, put_in
from tests.providers.conftest import SOCIAL_ORG_CODE, add_required_documents, png_bytes, upload
from tests.reliability.conftest import slot_of

RECIPIENT = "隐秘老人甲"
ADDRESS = "秘密弄 9 号 901 室"
PHONE = "13900009999"
COMPLAINT = "隐秘投诉内容"
ELIGIBILITY_NOTE = "隐秘资格备注"
EVIDENCE = "隐秘证明材料"
INVITEE = "invitee.secret@elsewhere.example.cn"
STRANGER = "stranger.secret@elsewhere.example.cn"
NOTICE = "隐秘通知正文"
SURVEY_ANSWER = "隐秘调查意见"
ASSESSMENT_NOTE = "隐秘评估记录"
PLAN_NOTE = "隐秘照护备注"
CONTEST = "隐秘申诉理由"
APPLICATION_NOTE = "隐秘补贴申请说明"
SECRET_PAGE = "隐秘草稿文章"
# Titles of the other community's pages: no editor elsewhere may see them in the admin.
PAGE_TITLES = (SECRET_PAGE, "隐秘活动", "外滩调查")


def build() -> dict:
    huangpu = Region.objects.create(code="310101", level="district", name_zh="黄浦区")
    bund = Region.objects.create(
        code="310101002", level="street", parent=huangpu, name_zh="外滩街道"
    )
    bund_1 = Region.objects.create(
        code="310101002001", level="community", parent=bund, name_zh="外滩一社区"
    )
    stranger = make_user(STRANGER, "陌生家属")
    staff = make_scoped_user(
        "staff.secret@elsewhere.example.cn", "外滩社工", Role.COMMUNITY_STAFF, bund
    )
    officer = make_scoped_user(
        "officer.secret@elsewhere.example.cn", "黄浦科员", Role.PURCHASER_OFFICER, huangpu
    )
    recipient = CareRecipient.objects.create(
        name=RECIPIENT,
        community=bund_1,
        address=ADDRESS,
        phone=PHONE,
        birth_date=datetime.date(1938, 5, 1),
        created_by=stranger,
    )
    link = CareLink.objects.create(
        care_recipient=recipient, account=stranger, relationship="child", created_by=stranger
    )

    # An approved provider with a manager and a worker, and one still being vetted.
    owner = make_user("owner.secret@elsewhere.example.cn", "远方老板")
    provider = Provider.objects.create(
        name="远方家政服务社", kind="social_org", status=Provider.Status.APPROVED
    )
    provider.communities.add(bund_1)
    ProviderMember.objects.create(provider=provider, user=owner, role="owner")
    worker_user = make_user("worker.secret@elsewhere.example.cn", "远方阿姨")
    worker = ProviderMember.objects.create(provider=provider, user=worker_user, role="worker")
    give_papers(worker, DocumentKind.HEALTH_CERTIFICATE)  # bathing is eldercare (ADR 0020)
    document = provider_services.upload_document(
        provider=provider,
        by=owner,
        kind=DocumentKind.LIABILITY_INSURANCE,
        upload=upload("secret-insurance.pdf"),
        expires_on=timezone.localdate() + datetime.timedelta(days=365),
    )
    photo = provider_services.add_photo(
        provider=provider, by=owner, upload=upload("team.png", png_bytes()), caption="团队"
    )
    invitation = member_services.invite_member(
        provider=provider, by=owner, email=INVITEE, role="worker"
    )
    applicant = make_user("applicant.secret@elsewhere.example.cn", "待审老板")
    pending = provider_services.register_provider(
        by=applicant,
        kind=Provider.Kind.SOCIAL_ORG,
        name="待审服务社",
        communities=[bund_1],
        legal_name="上海市黄浦区待审服务社",
        credit_code=SOCIAL_ORG_CODE,
        contact_phone="021-6333 0000",
    )
    add_required_documents(pending, applicant)
    provider_services.submit_application(provider=pending, by=applicant)
    bund_2 = Region.objects.create(
        code="310101002002", level="community", parent=bund, name_zh="外滩二社区"
    )
    community_request = CommunityRequest.objects.create(
        provider=provider, community=bund_2, requested_by=owner
    )
    grade = ProviderGrade.objects.create(
        provider=provider, quarter=datetime.date(2026, 7, 1), score=70, proposed="B"
    )

    # A canteen of the provider's, with a lunch sitting every day (decision 0028).
    venue = Venue.objects.create(
        provider=provider, name="远方食堂", address="外滩一村1号", community=bund_1
    )
    sitting = VenueSitting.objects.create(
        venue=venue, weekday=0, starts_at=datetime.time(11, 30), minutes=60, places=10
    )

    # A subsidised service, its calendar and a price change waiting for staff.
    service = publish(
        provider,
        title_zh="远方助浴",
        category="bathing",
        price_fen=7500,
        funding_mode="welfare",
        duration_minutes=90,
    )
    exception = marketplace_services.set_date_exception(
        service=service,
        by=owner,
        date=timezone.localdate() + datetime.timedelta(days=20),
        reason="休息",
    )
    change = ServiceChange.objects.create(
        service=service, price_fen=8000, funding_mode="welfare", requested_by=owner
    )

    # The purchaser, its programme, the recipient's eligibility and its evidence.
    purchaser = Purchaser.objects.create(name_zh="黄浦区民政局", region=huangpu)
    PurchaserOfficer.objects.create(purchaser=purchaser, user=officer)
    programme = make_programme(purchaser, name_zh="黄浦助浴补贴")
    eligibility = make_eligible(recipient, programme, staff)
    eligibility.note = ELIGIBILITY_NOTE
    eligibility.save(update_fields=["note"])
    evidence = billing_services.add_evidence(
        eligibility=eligibility, by=staff, upload=upload("secret-dibao.pdf"), description=EVIDENCE
    )

    # Her daughter's application for another programme, with a private note and a scan
    # (the programme covers no category, so the orders below do not draw on it).
    meals = make_programme(purchaser, name_zh="黄浦助餐补贴")
    meals.categories.clear()
    application = applications.apply_for_programme(
        care_recipient=recipient,
        programme=meals,
        by=stranger,
        upload=upload("secret-hukou.pdf"),
        description=APPLICATION_NOTE,
        note=APPLICATION_NOTE,
    )

    # Her needs assessment, with a private note and a scan.
    assessment = assessment_services.record_assessment(
        care_recipient=recipient,
        by=staff,
        assessed_on=timezone.localdate(),
        scores=MODERATE,
        cognition="mild",
        living_situation="alone",
        notes=ASSESSMENT_NOTE,
    )
    assessment_evidence = assessment_services.add_evidence(
        assessment=assessment,
        by=staff,
        upload=upload("secret-assessment.pdf"),
        description=ASSESSMENT_NOTE,
    )

    # Her care plan (the rows only: what it makes is tested in tests/care).
    plan = CarePlan.objects.create(
        care_recipient=recipient,
        provider=provider,
        created_by=staff,
        assisted=True,
        starts_on=timezone.localdate() + datetime.timedelta(days=1),
        notes=PLAN_NOTE,
    )
    item = PlanItem.objects.create(
        plan=plan,
        service=service,
        weekday=plan.starts_on.weekday(),
        starts_at=datetime.time(9),
        valid_from=plan.starts_on,
    )
    occurrence = Occurrence.objects.create(
        plan=plan, item=item, day=plan.starts_on, status=Occurrence.Status.BOOKED
    )

    # Her daughter's saved card (decision 0029): its owner alone sees or removes it.
    saved_card = SavedCard.objects.create(
        user=stranger,
        status=SavedCard.Status.ACTIVE,
        stripe_customer_id="cus_elsewhere",
        stripe_payment_method_id="pm_elsewhere",
        brand="visa",
        last4="4242",
    )

    # Orders: one waiting for the provider, one done, reviewed, asked for feedback, billed
    # on an issued statement and then complained about.
    slot = slot_of(service, capacity=9)
    requested = book(stranger, slot, recipient)
    closed = delivered(book(stranger, slot, recipient), worker_user, stranger)
    assert closed.status == Order.Status.CLOSED and closed.subsidy_fen > 0
    review = review_services.write_review(
        order=closed,
        by=stranger,
        text="还可以",
        overall=4,
        punctuality=4,
        attitude=4,
        quality=4,
    )
    feedback = FeedbackRequest.objects.create(order=closed)
    statement = statement_services.open_statement(
        purchaser=purchaser, provider=provider, month=closed.starts_at.date(), by=officer
    )
    statement = statement_services.issue_statement(statement=statement, by=officer)
    contested = _contested_line(statement, officer, owner, slot, stranger, recipient, worker_user)
    # The complaint comes after the statement, so the line is billed (and can be excluded).
    complaint = review_services.file_complaint(
        by=stranger, provider=provider, order=closed, category="attitude", description=COMPLAINT
    )
    # A call-back drawn for this world's staff (decision 0037): it names the person and visit.
    spot_check = SpotCheck.objects.create(
        order=closed,
        provider=provider,
        method=SpotCheck.Method.PHONE,
        drawn_on=timezone.localdate(),
        assigned_to=staff,
    )
    later = _orders_further_along(slot, stranger, recipient, worker)
    # A refund Stripe never made, handed to this world's staff (the money page).
    stuck = put_in(book(stranger, slot, recipient), Order.Status.CANCELLED)
    payment, _new = Payment.objects.get_or_create(
        order=stuck, defaults={"amount_fen": 1000, "status": Payment.Status.SUCCEEDED}
    )
    stuck_refund = Refund.objects.create(
        payment=payment,
        amount_fen=payment.amount_fen,
        status=Refund.Status.FAILED,
        attempts=5,
        handed_to_staff_at=timezone.now(),
    )
    channel_things = _channel_things(bund_1, staff, stranger, recipient)
    # Last, so that it is the stranger's newest notification (the polling tests look for it).
    Notification.objects.create(user=stranger, kind="order", message=COMPLAINT)
    return {
        **channel_things,
        **later,
        # The people whose world it is.
        "stranger": stranger,
        "owner": owner,
        "worker_user": worker_user,
        "staff": staff,
        "officer": officer,
        "recipient": recipient,
        "care_link": link,
        "provider": provider,
        "pending_provider": pending,
        "community_request": community_request,
        "worker": worker,
        "document": document,
        "photo": photo,
        "invitation": invitation,
        "grade": grade,
        "service": service,
        "exception": exception,
        "venue": venue,
        "sitting": sitting,
        "change": change,
        "programme": programme,
        "eligibility": eligibility,
        "evidence": evidence,
        "assessment": assessment,
        "application": application,
        "application_evidence": application.evidence.get(),
        "assessment_evidence": assessment_evidence,
        "plan": plan,
        "occurrence": occurrence,
        "saved_card": saved_card,
        "requested": requested,
        "closed": closed,
        "review": review,
        "complaint": complaint,
        "spot_check": spot_check,
        "feedback": feedback,
        "statement": statement,
        "line": statement.lines.get(),
        "statement_pdf": _written_pdf(statement, officer),
        "contest": contested,
        "contest_evidence": contested.evidence.get(),
        "stuck_refund": stuck_refund,
        "codes": [
            requested.code,
            closed.code,
            contested.line.order_code,
            *(order.code for order in later.values()),
        ],
    }


def _written_pdf(statement, officer) -> StatementJob:
    """The statement's PDF as the background task leaves it (decision 0048)."""
    job = StatementJob(
        statement=statement,
        kind="pdf",
        status="done",
        requested_by=officer,
        finished_at=timezone.now(),
    )
    job.file.save("statement-elsewhere.pdf", ContentFile(b"%PDF-1.4 " + CONTEST.encode()))
    return job


def _contested_line(statement, officer, owner, slot, stranger, recipient, worker_user):
    """The next month's statement, approved with its one line excluded, which the provider
    contests (decision 0035). Made after the first statement, so its line is not on it."""
    order = delivered(book(stranger, slot, recipient), worker_user, stranger)
    following = statement_services.open_statement(
        purchaser=statement.purchaser,
        provider=statement.provider,
        month=statement_services.next_month(statement.month),
        by=officer,
    )
    statement_services.issue_statement(statement=following, by=officer)
    statement_services.start_review(statement=following, by=officer)
    line = following.lines.get(order=order)
    statement_services.exclude_line(line=line, by=officer, reason="other", note=CONTEST)
    statement_services.approve_statement(statement=following, by=officer)
    evidence = SimpleUploadedFile("sheet.png", png_bytes(), content_type="image/png")
    return contests.contest_line(line=line, by=owner, reason=CONTEST, evidence=evidence)


def _orders_further_along(slot, stranger, recipient, worker) -> dict:
    """An order at each later step with fields to fill, due now: assigned (check-in code),
    done and waiting for the family (dispute), and disputed (staff settle it). Made after
    the statement was issued, so none of them is on it."""

    def due_now(status: str) -> Order:
        order = put_in(book(stranger, slot, recipient), status, worker=worker)
        Order.objects.filter(pk=order.pk).update(starts_at=timezone.now())
        order.refresh_from_db()
        return order

    confirmed = due_now(Order.Status.CONFIRMED)
    completed = due_now(Order.Status.CONFIRMED)
    visits.check_in(order=completed, by=worker.user)
    visits.check_out(order=completed, by=worker.user)
    disputed = due_now(Order.Status.CONFIRMED)
    visits.check_in(order=disputed, by=worker.user)
    visits.check_out(order=disputed, by=worker.user)
    order_services.open_dispute(order=disputed, by=stranger, reason="没有来")
    for order in (completed, disputed):
        order.refresh_from_db()
    return {
        "confirmed": confirmed,
        "completed": completed,
        "disputed": disputed,
    }


def _channel_things(community, staff, stranger, recipient) -> dict:
    """The community's channel: an activity the stranger registered their mother for, a
    notice sent to her family, a survey the stranger answered."""
    channels.ensure_channel_pages()
    channel = CommunityChannelPage.objects.get(region=community, locale__language_code="zh-hans")
    activity = add_activity(channel, title="隐秘活动")
    registration = activities.register(activity=activity, by=stranger, care_recipient=recipient)
    notice = notices.send_notice(
        by=staff, title="外滩通知", body=NOTICE, segment=notices.Segment(communities=[community])
    )
    survey = SurveyPage(title="外滩调查", slug="bund-survey")
    survey.form_fields = [SurveyField(sort_order=0, label="意见", field_type="singleline")]
    channel.add_child(instance=survey)
    survey.save_revision().publish()
    SurveyAnswer.objects.create(page=survey, user=stranger, form_data={"yi_jian": SURVEY_ANSWER})
    # A draft nobody outside the community has any business reading, linking to the activity
    # so that the activity's "usage" has something to list.
    secret = ChannelPostPage(
        title=SECRET_PAGE,
        slug="secret-draft",
        body=f'<p><a linktype="page" id="{activity.pk}">活动</a></p>',
        live=False,
    )
    channel.add_child(instance=secret)
    secret.save_revision()
    return {
        "channel": channel,
        "secret_page": secret,
        "activity": activity,
        "registration": registration,
        "notice": notice,
        "survey": survey,
    }
