import datetime

import pytest
from django.utils import timezone

from cms import channels
from cms.models import ActivityPage, CommunityChannelPage


@pytest.fixture
def channel_pages(weifang_1, weifang_2, laoshan, community_staff, street_staff, other_street_staff):
    """The channel of every community in the cast's region tree, and its editor groups."""
    channels.ensure_channel_pages()
    return {
        region.code: CommunityChannelPage.objects.get(
            region=region, locale__language_code="zh-hans"
        )
        for region in (weifang_1, weifang_2, laoshan)
    }


def add_activity(channel, *, capacity=2, days=3, title="重阳节茶话会") -> ActivityPage:
    starts = timezone.now() + datetime.timedelta(days=days)
    activity = channel.add_child(
        instance=ActivityPage(
            title=title,
            place="社区活动室",
            capacity=capacity,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
        )
    )
    activity.save_revision().publish()
    return ActivityPage.objects.get(pk=activity.pk)
