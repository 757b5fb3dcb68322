"""The demo's reviews (issue 20, point 8): the families reviewed the past months' visits,
so services and 安馨 show stars with a count and its 评价 (Reviews) page has something.

A review is written within 30 days of its order closing, which the six past months are long
past, so each is written as `reviews.services.write_review` and the staff's moderation
would have left it (published), dated the day after its visit; the averages are then
computed by `recompute_ratings`, as after a moderation."""

import datetime

from accounts.models import User
from cms import demo_history
from marketplace.models import Service
from orders.models import Order
from reviews.models import Review
from reviews.services import recompute_ratings

MODERATOR = "staff.weifang1@linli.local"
# stars (overall, punctuality, attitude, quality) and words, taken in turn.
WORDS = [
    ((5, 5, 5, 5), "周阿姨很细心，洗澡时一直扶着妈妈，很放心。"),
    ((5, 4, 5, 5), "准时上门，陪老人聊了一个小时，老人很开心。"),
    ((4, 4, 5, 4), "服务不错，下次希望能早十分钟到。"),
    ((5, 5, 5, 4), "态度好，做事麻利，家里收拾得很干净。"),
]
REPLY = "谢谢您的信任，我们会继续用心服务。/ Thank you, we will keep it up."


def seed() -> int:
    """Reviews the past months' closed visits not reviewed yet; returns how many."""
    moderator = User.objects.get(email=MODERATOR)
    owner = User.objects.get(email="owner.anxin@linli.local")
    orders = (
        Order.objects.filter(
            provider__name=demo_history.PROVIDER,
            status=Order.Status.CLOSED,
            review__isnull=True,
            idempotency_key__startswith="demo-",
            assisted_by__isnull=True,  # booked by the family, not at the desk
        )
        .select_related("booked_by")
        .order_by("starts_at", "pk")
    )
    written = []
    for index, order in enumerate(orders):
        stars, text = WORDS[index % len(WORDS)]
        at = order.ends_at + datetime.timedelta(days=1)
        written.append(
            Review(
                order=order,
                author=order.booked_by,
                service_id=order.service_id,
                provider_id=order.provider_id,
                overall=stars[0],
                punctuality=stars[1],
                attitude=stars[2],
                quality=stars[3],
                text=text,
                status=Review.Status.PUBLISHED,
                moderated_by=moderator,
                moderated_at=at + datetime.timedelta(hours=2),
                reply=REPLY if index % 5 == 0 else "",
                replied_at=at + datetime.timedelta(days=1) if index % 5 == 0 else None,
                replied_by=owner if index % 5 == 0 else None,
                created_at=at,
            )
        )
    Review.objects.bulk_create(written)
    for service in Service.objects.filter(pk__in={r.service_id for r in written}):
        recompute_ratings(service)
    return len(written)
