import datetime

import pytest

from marketplace import services
from marketplace.models import Category, Service
from marketplace.slots import materialise_slots
from providers.models import Provider

WEEKDAYS_9_TO_5 = [
    {"weekday": day, "starts_at": datetime.time(9), "ends_at": datetime.time(17), "capacity": 2}
    for day in range(7)
]


def publish(
    provider: Provider,
    *,
    title_zh: str,
    category: str = "cleaning",
    description_zh: str = "",
    price_fen: int = 5000,
    funding_mode: str = "commercial",
    communities=None,
    title_en: str = "",
    duration_minutes: int = 60,
    hours=None,
) -> Service:
    """A published service built directly (fixture data, not the flow under test)."""
    service = Service.objects.create(
        provider=provider,
        category=Category.objects.get(slug=category),
        title_zh=title_zh,
        title_en=title_en,
        description_zh=description_zh,
        price_fen=price_fen,
        funding_mode=funding_mode,
        duration_minutes=duration_minutes,
        status=Service.Status.PUBLISHED,
        min_notice_hours=0,
    )
    service.communities.set(communities or provider.communities.all())
    for row in hours or WEEKDAYS_9_TO_5:
        service.weekly_hours.create(**row)
    services.reindex(service)
    return service


@pytest.fixture
def cleaning(provider_a) -> Service:
    return publish(
        provider_a,
        title_zh="家庭深度保洁服务",
        title_en="Deep home cleaning",
        description_zh="厨房卫生间重点清洁",
    )


@pytest.fixture
def bathing(provider_a) -> Service:
    return publish(
        provider_a,
        title_zh="老人洗澡上门服务",
        category="bathing",
        description_zh="两名护理员上门助浴，自带防滑垫。",
        price_fen=6000,
        funding_mode="welfare",
    )


@pytest.fixture
def slots_of():
    def make(service, start=None, days=7):
        from django.utils import timezone

        materialise_slots(service, start=start or timezone.localdate(), days=days)
        return service.slots.order_by("starts_at")

    return make
