"""Registrations arriving together on PostgreSQL: never more than the capacity."""

import pytest

from cms import activities
from cms.exceptions import ChannelsError
from cms.models import ActivityRegistration
from tests.cms.conftest import add_activity
from tests.conftest import make_user
from tests.orders.test_concurrency import in_threads

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

Status = ActivityRegistration.Status


def test_thirty_residents_at_once_for_five_places_give_five_places_and_a_waiting_list(
    channel_pages,
):
    activity = add_activity(channel_pages["310115004001"], capacity=5)
    residents = [make_user(f"neighbour{index}@example.cn") for index in range(30)]

    results = in_threads(
        [(lambda user=user: activities.register(activity=activity, by=user)) for user in residents],
        workers=15,
    )

    assert all(isinstance(result, ActivityRegistration) for result in results), results
    statuses = [registration.status for registration in ActivityRegistration.objects.all()]
    assert statuses.count(Status.REGISTERED) == 5
    assert statuses.count(Status.WAITING) == 25


def test_a_double_click_registers_a_person_once(channel_pages, daughter):
    activity = add_activity(channel_pages["310115004001"], capacity=5)

    results = in_threads([lambda: activities.register(activity=activity, by=daughter)] * 8, 8)

    registrations = [r for r in results if isinstance(r, ActivityRegistration)]
    refusals = [r for r in results if isinstance(r, ChannelsError)]
    assert (len(registrations), len(refusals)) == (1, 7)
    assert ActivityRegistration.objects.count() == 1


def test_cancellations_racing_with_registrations_never_overfill(channel_pages):
    activity = add_activity(channel_pages["310115004001"], capacity=3)
    first = [make_user(f"early{index}@example.cn") for index in range(6)]
    registrations = [activities.register(activity=activity, by=user) for user in first]
    late = [make_user(f"late{index}@example.cn") for index in range(10)]

    calls = [
        (lambda r=registration: activities.cancel(registration=r, by=r.registered_by))
        for registration in registrations[:3]
    ] + [(lambda user=user: activities.register(activity=activity, by=user)) for user in late]
    results = in_threads(calls, workers=13)

    assert not [r for r in results if isinstance(r, Exception)], results
    live = ActivityRegistration.objects.exclude(status=Status.CANCELLED)
    assert live.filter(status=Status.REGISTERED).count() == 3
    assert live.count() == 13
    # The three who waited first got the freed places, before anyone who came later.
    moved_up = {r.pk for r in registrations[3:]}
    assert set(live.filter(status=Status.REGISTERED).values_list("pk", flat=True)) == moved_up
