import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cms import channels
from cms.models import ActivityPage, CommunityChannelPage
from tests.clock import frozen_instant


@pytest.fixture(scope="module")
def demo_seeded_once(django_db_setup, django_db_blocker):
    """`make run`'s demo, seeded once for a module whose tests read it: seeding takes most
    of a minute, and a test each made the suite's longest part. The seed stays in a
    transaction of its own, rolled back after the module's last test; each test's own
    transaction nests inside it as a savepoint, so what a test writes is still undone.
    The clock stands still while seeding: a minute before midnight the day must not turn."""
    with django_db_blocker.unblock(), transaction.atomic():
        # At the instant every test starts from: the module may begin minutes into the run.
        with time_machine.travel(frozen_instant(), tick=False):
            call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


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
