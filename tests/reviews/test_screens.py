"""Each screen of this issue, opened by the person it is for, in Chinese and in English,
and the forms behind them doing what they say."""

import datetime

import pytest
from django.urls import reverse

from providers.grading import QuarterFigures
from providers.services import propose_grade
from reviews import services
from reviews.models import Complaint, FeedbackRequest
from tests.reviews.conftest import review

pytestmark = pytest.mark.django_db


def in_both_languages(client, url: str, chinese: str, english: str) -> None:
    client.post("/prefs/language/", {"language": "zh-hans", "next": "/"})
    body = client.get(url).content.decode()
    assert chinese in body, (url, chinese)
    client.post("/prefs/language/", {"language": "en", "next": "/"})
    body = client.get(url).content.decode()
    assert english in body, (url, english)


@pytest.fixture
def complaint(daughter, closed_order):
    return services.file_complaint(
        by=daughter,
        provider=closed_order.provider,
        order=closed_order,
        category="punctuality",
        description="迟到四十分钟",
    )


def test_the_familys_screens(client, daughter, closed_order, complaint):
    client.force_login(daughter)
    feedback = FeedbackRequest.objects.create(order=closed_order)
    in_both_languages(client, closed_order.get_absolute_url(), "写评价", "Write a review")
    in_both_languages(client, reverse("reviews:complaints"), "我的投诉", "My complaints")
    in_both_languages(
        client, reverse("reviews:file_complaint"), "投诉哪家服务商", "About which provider"
    )
    in_both_languages(client, complaint.get_absolute_url(), "前答复", "will answer by")
    in_both_languages(
        client, feedback.get_absolute_url(), "服务是否按记录完成", "happen as recorded"
    )


def test_the_family_files_a_complaint_from_the_order(client, daughter, closed_order):
    client.force_login(daughter)
    url = reverse("reviews:file_complaint") + f"?order={closed_order.code}"
    page = client.get(url)
    assert list(page.context["form"].fields["provider"].queryset) == [closed_order.provider]
    response = client.post(
        url,
        {
            "order": closed_order.code,
            "care_recipient": closed_order.care_recipient_id,
            "provider": closed_order.provider_id,
            "category": "quality",
            "description": "卫生间没有打扫",
        },
    )
    filed = Complaint.objects.get()
    assert response.url == filed.get_absolute_url()
    assert (filed.order, filed.category) == (closed_order, "quality")


def test_the_family_answers_feedback_on_the_page(client, daughter, closed_order):
    client.force_login(daughter)
    feedback = FeedbackRequest.objects.create(order=closed_order)
    client.post(
        feedback.get_absolute_url(),
        {"happened_as_recorded": "yes", "asked_to_pay_extra": "no", "comment": ""},
    )
    feedback.refresh_from_db()
    assert (feedback.happened_as_recorded, feedback.asked_to_pay_extra) == (True, False)
    assert (
        'data-testid="feedback-answered"'
        in client.get(feedback.get_absolute_url()).content.decode()
    )


def test_the_providers_screen_and_reply(
    client, daughter, closed_order, community_staff, provider_manager
):
    written = review(closed_order, daughter)
    services.moderate_review(review=written, by=community_staff, publish=True)
    client.force_login(provider_manager)
    url = reverse("reviews:provider_reviews", args=[closed_order.provider_id])
    in_both_languages(client, url, "发布回复", "Publish the reply")
    client.post(reverse("reviews:reply", args=[written.pk]), {"text": "感谢您的评价"})
    written.refresh_from_db()
    assert written.reply == "感谢您的评价"
    assert "感谢您的评价" in client.get(closed_order.service.get_absolute_url()).content.decode()


def test_the_staff_screens(client, daughter, closed_order, complaint, community_staff, provider_a):
    review(closed_order, daughter)
    propose_grade(provider=provider_a, quarter=datetime.date(2026, 7, 1), figures=QuarterFigures())
    client.force_login(community_staff)
    in_both_languages(client, reverse("review_moderation:queue"), "等待审核", "Waiting to be read")
    in_both_languages(client, reverse("complaints:index"), "待处理的投诉", "Open complaints")
    in_both_languages(
        client, reverse("complaints:detail", args=[complaint.pk]), "发送答复", "Send the answer"
    )
    in_both_languages(client, reverse("complaints:new"), "代居民登记投诉", "File a complaint")
    in_both_languages(client, reverse("grades:index"), "等待确认", "Waiting for confirmation")


def test_staff_answer_and_confirm_through_the_screens(
    client, complaint, community_staff, provider_a
):
    grade = propose_grade(
        provider=provider_a, quarter=datetime.date(2026, 7, 1), figures=QuarterFigures()
    )
    client.force_login(community_staff)
    client.post(
        reverse("complaints:answer", args=[complaint.pk]),
        {"outcome": "upheld", "note": "已约谈服务商"},
    )
    complaint.refresh_from_db()
    assert complaint.outcome == "upheld"
    client.post(
        reverse("grades:confirm", args=[grade.pk]),
        {f"grade-{grade.pk}-confirmed": "A", f"grade-{grade.pk}-note": "表现良好"},
    )
    provider_a.refresh_from_db()
    assert provider_a.grade == "A"
    assert "A 级" in client.get(provider_a.get_absolute_url()).content.decode()


def test_staff_file_for_a_resident_through_the_screen(
    client, community_staff, grandma_li, provider_a, closed_order
):
    client.force_login(community_staff)
    response = client.post(
        reverse("complaints:new"),
        {
            "care_recipient": grandma_li.pk,
            "provider": provider_a.pk,
            "order": "NOSUCH",
            "category": "safety",
            "description": "护理员未戴手套",
        },
    )
    assert response.status_code == 200 and not Complaint.objects.exists()
    client.post(
        reverse("complaints:new"),
        {
            "care_recipient": grandma_li.pk,
            "provider": provider_a.pk,
            "order": closed_order.code,
            "category": "safety",
            "description": "护理员未戴手套",
        },
    )
    filed = Complaint.objects.get()
    assert filed.on_behalf and filed.order == closed_order
