"""Reviews: who may write one and when, moderation that hides a review everywhere, and the
provider's one public reply."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import Notification
from linli.refusals import Refusal
from marketplace.models import Service
from orders.models import Order
from reviews import services
from reviews.exceptions import ReviewsError
from reviews.models import Review
from tests.orders.conftest import book, put_in
from tests.reviews.conftest import days_ago, five_stars, review

pytestmark = pytest.mark.django_db


def png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize(
    "who", ["son", "other_resident", "provider_manager", "caregiver", "community_staff"]
)
def test_only_the_booking_account_may_review(cast, closed_order, who):
    with pytest.raises(PermissionDenied):
        review(closed_order, cast[who])
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    "status", ["requested", "confirmed", "in_service", "completed", "disputed", "cancelled"]
)
def test_an_order_is_reviewed_only_once_closed(daughter, slot, grandma_li, status):
    order = put_in(book(daughter, slot, grandma_li), status)
    with pytest.raises(ReviewsError, match="订单结束后"):
        review(order, daughter)


def test_a_closed_order_is_reviewed_once(daughter, closed_order, community_staff):
    first = review(closed_order, daughter, overall=4)
    assert (first.status, first.overall, first.provider) == ("pending", 4, closed_order.provider)
    with pytest.raises(ReviewsError, match="已经评价"):
        review(closed_order, daughter)
    assert Review.objects.count() == 1
    assert Notification.objects.filter(user=community_staff, kind="review").count() == 1


def test_reviews_are_written_within_thirty_days_of_closing(daughter, closed_order):
    Order.objects.filter(pk=closed_order.pk).update(closed_at=days_ago(31))
    closed_order.refresh_from_db()
    with pytest.raises(ReviewsError, match="30"):
        review(closed_order, daughter)
    Order.objects.filter(pk=closed_order.pk).update(closed_at=days_ago(29))
    closed_order.refresh_from_db()
    assert review(closed_order, daughter).pk


@pytest.mark.parametrize("stars", [{"overall": 0}, {"quality": 6}, {"punctuality": -1}])
def test_stars_run_from_one_to_five(daughter, closed_order, stars):
    with pytest.raises(ReviewsError):
        review(closed_order, daughter, **stars)
    assert not Review.objects.exists()


def test_photos_are_kept_and_at_most_three(daughter, closed_order):
    with pytest.raises(ReviewsError, match="三张"):
        services.write_review(
            order=closed_order, by=daughter, photos=[png() for _ in range(4)], **five_stars()
        )
    with pytest.raises(Refusal):
        services.write_review(
            order=closed_order,
            by=daughter,
            photos=[SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")],
            **five_stars(),
        )
    assert not Review.objects.exists()
    written = services.write_review(
        order=closed_order, by=daughter, photos=[png(), png("b.png")], **five_stars()
    )
    assert written.photos.count() == 2


def averages(service: Service) -> tuple:
    service.refresh_from_db()
    return service.rating_average, service.rating_count


def test_moderation_decides_what_counts_and_shows(client, daughter, closed_order, community_staff):
    written = review(closed_order, daughter, overall=2)
    service, provider = closed_order.service, closed_order.provider
    assert averages(service) == (None, 0)
    assert "周阿姨很细心" not in client.get(service.get_absolute_url()).content.decode()

    services.moderate_review(review=written, by=community_staff, publish=True)
    assert averages(service) == (2, 1)
    for page in (service.get_absolute_url(), provider.get_absolute_url()):
        assert "周阿姨很细心" in client.get(page).content.decode()

    services.moderate_review(
        review=written, by=community_staff, publish=False, reason="含有个人电话号码"
    )
    assert averages(service) == (None, 0)
    for page in (service.get_absolute_url(), provider.get_absolute_url()):
        body = client.get(page).content.decode()
        assert "周阿姨很细心" not in body
        assert "★ 2.0" not in body
    written.refresh_from_db()
    assert (written.status, written.hidden_reason) == ("hidden", "含有个人电话号码")


def test_hiding_needs_a_reason_and_staff_in_scope(
    daughter, closed_order, community_staff, other_street_staff, provider_manager
):
    written = review(closed_order, daughter)
    with pytest.raises(ReviewsError):
        services.moderate_review(review=written, by=community_staff, publish=False, reason=" ")
    for outsider in (other_street_staff, provider_manager, daughter):
        with pytest.raises(PermissionDenied):
            services.moderate_review(review=written, by=outsider, publish=True)
    written.refresh_from_db()
    assert written.status == "pending"


def test_a_provider_replies_once_and_cannot_change_it(
    daughter, closed_order, community_staff, provider_manager, other_provider_manager
):
    written = review(closed_order, daughter)
    with pytest.raises(ReviewsError, match="已发布"):
        services.reply_to_review(review=written, by=provider_manager, text="谢谢")
    services.moderate_review(review=written, by=community_staff, publish=True)
    with pytest.raises(PermissionDenied):
        services.reply_to_review(review=written, by=other_provider_manager, text="谢谢")

    services.reply_to_review(review=written, by=provider_manager, text="感谢您的认可")
    with pytest.raises(ReviewsError, match="只能回复一次"):
        services.reply_to_review(review=written, by=provider_manager, text="改一下")
    written.refresh_from_db()
    assert written.reply == "感谢您的认可"


def test_the_review_page_works_in_both_languages(client, daughter, closed_order):
    client.force_login(daughter)
    url = f"/orders/{closed_order.code}/review/"
    assert "提交评价" in client.get(url).content.decode()
    client.post("/prefs/language/", {"language": "en", "next": "/"})
    response = client.post(url, {"overall": "9"})
    body = response.content.decode()
    assert response.status_code == 200 and "Please give from 1 to 5 stars." in body
    response = client.post(
        url,
        {
            "overall": 4,
            "punctuality": 5,
            "attitude": 5,
            "quality": 4,
            "text": "很好",
            "photos": png(),
        },
    )
    assert response.status_code == 302
    written = Review.objects.get()
    assert (written.overall, written.photos.count()) == (4, 1)


def test_a_review_photo_is_published_without_its_gps_position(daughter, closed_order):
    from tests.providers.conftest import assert_no_metadata, jpeg_with_gps

    written = services.write_review(
        order=closed_order,
        by=daughter,
        photos=[SimpleUploadedFile("home.jpg", jpeg_with_gps(), content_type="image/jpeg")],
        **five_stars(),
    )
    assert_no_metadata(written.photos.get().image.file)
