"""Issue 19, point 8: one set of places for an activity in all its languages, a waiting
list that moves up when places are added, and walk-ins registered by staff."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import translation
from wagtail.models import Locale

from accounts.models import Notification
from cms import activities
from cms.exceptions import ChannelsError
from cms.models import ActivityPage, ActivityRegistration
from tests.cms.conftest import add_activity
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

Status = ActivityRegistration.Status


@pytest.fixture
def chinese(channel_pages) -> ActivityPage:
    return add_activity(channel_pages["310115004001"], capacity=2, title="重阳节茶话会")


@pytest.fixture
def english(chinese) -> ActivityPage:
    copy = chinese.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    copy.title = "Double Ninth tea party"
    copy.save_revision().publish()
    return ActivityPage.objects.get(pk=copy.pk)


def residents(count: int) -> list:
    return [make_user(f"resident{index}@example.cn", f"居民{index}") for index in range(count)]


def test_capacity_two_in_chinese_and_english_gives_two_places_not_four(chinese, english):
    people = residents(4)

    made = [
        activities.register(activity=version, by=person)
        for version, person in zip([chinese, english, english, chinese], people, strict=True)
    ]

    assert [r.status for r in made] == [Status.REGISTERED, Status.REGISTERED] + [Status.WAITING] * 2
    registered = ActivityRegistration.objects.filter(status=Status.REGISTERED)
    assert registered.count() == 2


@pytest.mark.parametrize("first", ["chinese", "english"])
def test_one_person_cannot_hold_a_place_on_both_versions(
    request, chinese, english, daughter, first
):
    versions = {"chinese": chinese, "english": english}
    other = "english" if first == "chinese" else "chinese"
    activities.register(activity=versions[first], by=daughter)

    with pytest.raises(ChannelsError), translation.override("en"):
        activities.register(activity=versions[other], by=daughter)

    assert ActivityRegistration.objects.exclude(status=Status.CANCELLED).count() == 1


def test_the_database_refuses_a_second_live_place_across_versions(chinese, english, daughter):
    activities.register(activity=chinese, by=daughter)

    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityRegistration.objects.create(
            activity=english,
            translation_key=english.translation_key,
            registered_by=daughter,
            attendee=f"u{daughter.pk}",
            status=Status.REGISTERED,
        )


def test_both_pages_show_the_same_places_left(chinese, english, daughter):
    from cms.templatetags.channels import activity_places

    activities.register(activity=english, by=daughter)

    assert activity_places(chinese).free == activity_places(english).free == 1


def test_a_cancelled_english_place_goes_to_the_first_waiting_in_chinese(
    chinese, english, django_capture_on_commit_callbacks
):
    first, second, waiting = residents(3)
    taken = activities.register(activity=english, by=first)
    activities.register(activity=chinese, by=second)
    queued = activities.register(activity=chinese, by=waiting)

    activities.cancel(registration=taken, by=first)

    queued.refresh_from_db()
    assert queued.status == Status.REGISTERED


def test_raising_capacity_moves_the_waiting_list_up_in_order_and_tells_them(
    chinese, english, street_staff, django_capture_on_commit_callbacks
):
    people = residents(5)
    for index, person in enumerate(people):
        activities.register(activity=english if index % 2 else chinese, by=person)

    with django_capture_on_commit_callbacks(execute=True):
        moved = activities.set_capacity(activity=english, by=street_staff, capacity=4)

    assert [r.registered_by for r in moved] == people[2:4]
    statuses = [ActivityRegistration.objects.get(registered_by=person).status for person in people]
    assert statuses == [Status.REGISTERED] * 4 + [Status.WAITING]
    assert {page.capacity for page in ActivityPage.objects.all()} == {4}
    told = Notification.objects.get(user=people[3])  # registered on the English page
    with translation.override("en"):
        assert "is now registered for Double Ninth tea party" in told.text
    with translation.override("zh-hans"):
        assert "重阳节茶话会" in told.text and "registered" not in told.text
    assert not Notification.objects.filter(user=people[4]).exists()


def test_lowering_capacity_takes_no_place_away(chinese, street_staff):
    people = residents(2)
    for person in people:
        activities.register(activity=chinese, by=person)

    assert activities.set_capacity(activity=chinese, by=street_staff, capacity=1) == []

    assert ActivityRegistration.objects.filter(status=Status.REGISTERED).count() == 2


@pytest.mark.parametrize("who", ["other_street_staff", "daughter"])
def test_only_staff_of_the_community_change_the_places(chinese, cast, who):
    with pytest.raises(PermissionDenied):
        activities.set_capacity(activity=chinese, by=cast[who], capacity=10)


def test_staff_register_a_walk_in_resident_with_an_account(
    chinese, english, street_staff, daughter
):
    registration = activities.register_walk_in(activity=english, by=street_staff, person=daughter)

    assert (registration.registered_by, registration.added_by) == (daughter, street_staff)
    assert registration.status == Status.REGISTERED
    with pytest.raises(ChannelsError):
        activities.register(activity=chinese, by=daughter)


def test_staff_register_a_walk_in_without_an_account_by_name_and_phone(
    chinese, english, community_staff, django_capture_on_commit_callbacks
):
    first, second = residents(2)
    activities.register(activity=chinese, by=first)
    activities.register(activity=chinese, by=second)

    walk_in = activities.register_walk_in(
        activity=english, by=community_staff, name="张大爷", phone="138 0000 1234"
    )
    with pytest.raises(ChannelsError):
        activities.register_walk_in(
            activity=chinese, by=community_staff, name="张大爷", phone="13800001234"
        )

    assert (walk_in.status, walk_in.attendee_name, walk_in.registered_by) == (
        Status.WAITING,
        "张大爷",
        None,
    )
    with django_capture_on_commit_callbacks(execute=True):
        activities.set_capacity(activity=chinese, by=community_staff, capacity=3)
    walk_in.refresh_from_db()
    assert walk_in.status == Status.REGISTERED
    told = Notification.objects.get(user=community_staff)
    with translation.override("en"):
        assert "张大爷 (138 0000 1234), who has no account" in told.text


def test_a_walk_in_needs_a_name_and_a_phone(chinese, community_staff):
    for name, phone in [("", "13800001234"), ("张大爷", ""), ("张大爷", "12")]:
        with pytest.raises(ChannelsError):
            activities.register_walk_in(
                activity=chinese, by=community_staff, name=name, phone=phone
            )
    assert not ActivityRegistration.objects.exists()


@pytest.mark.parametrize("who", ["other_street_staff", "daughter", "district_officer"])
def test_only_staff_of_the_community_register_walk_ins(chinese, cast, who):
    with pytest.raises(PermissionDenied):
        activities.register_walk_in(
            activity=chinese, by=cast[who], name="张大爷", phone="13800001234"
        )
    assert not ActivityRegistration.objects.exists()


@pytest.mark.parametrize("capacity", [-1, 10_001, 2**40])
def test_places_stay_between_none_and_ten_thousand(chinese, street_staff, capacity):
    with pytest.raises(ChannelsError):
        activities.set_capacity(activity=chinese, by=street_staff, capacity=capacity)
    chinese.refresh_from_db()
    assert chinese.capacity == 2


def test_the_workspace_registers_a_walk_in_and_adds_places(client, chinese, street_staff, daughter):
    from django.urls import reverse

    client.force_login(street_staff)
    walk_in = reverse("channel_work:walk_in", args=[chinese.pk])
    client.post(walk_in, {"email": daughter.email})
    client.post(walk_in, {"name": "张大爷", "phone": "13800001234"})
    client.post(walk_in, {"name": "李阿婆", "phone": "13900005678"})
    client.post(reverse("channel_work:change_places", args=[chinese.pk]), {"capacity": "3"})

    rows = ActivityRegistration.objects.order_by("pk")
    assert [(r.attendee_name, r.status) for r in rows] == [
        (str(daughter), Status.REGISTERED),
        ("张大爷", Status.REGISTERED),
        ("李阿婆", Status.REGISTERED),
    ]


def test_staff_of_another_street_get_404_from_the_walk_in_and_places_forms(
    client, chinese, other_street_staff
):
    from django.urls import reverse

    client.force_login(other_street_staff)
    for name, data in [
        ("walk_in", {"name": "张大爷", "phone": "13800001234"}),
        ("change_places", {"capacity": "9"}),
    ]:
        assert (
            client.post(reverse(f"channel_work:{name}", args=[chinese.pk]), data).status_code == 404
        )
    assert not ActivityRegistration.objects.exists()
    chinese.refresh_from_db()
    assert chinese.capacity == 2
