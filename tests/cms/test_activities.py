"""Activities: places up to the capacity, a waiting list that moves up, and check-in."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import CareRecipient, Notification
from cms import activities
from cms.exceptions import ChannelsError
from cms.models import ActivityPage, ActivityRegistration
from tests.cms.conftest import add_activity
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

Status = ActivityRegistration.Status


@pytest.fixture
def activity(channel_pages):
    return add_activity(channel_pages["310115004001"], capacity=2)


def test_residents_get_places_up_to_the_capacity_then_the_waiting_list(
    activity, daughter, son, other_resident
):
    first = activities.register(activity=activity, by=daughter)
    second = activities.register(activity=activity, by=son)
    third = activities.register(activity=activity, by=other_resident)
    assert [first.status, second.status, third.status] == [
        Status.REGISTERED,
        Status.REGISTERED,
        Status.WAITING,
    ]


def test_a_daughter_registers_her_mother_and_herself_as_two_people(activity, daughter, grandma_li):
    for_mother = activities.register(activity=activity, by=daughter, care_recipient=grandma_li)
    for_herself = activities.register(activity=activity, by=daughter)
    assert (for_mother.attendee_name, for_herself.attendee_name) == ("李秀兰", str(daughter))
    with pytest.raises(ChannelsError, match="已经报名"):
        activities.register(activity=activity, by=daughter, care_recipient=grandma_li)


def test_nobody_registers_a_person_they_do_not_care_for(activity, other_resident, grandma_li):
    with pytest.raises(PermissionDenied):
        activities.register(activity=activity, by=other_resident, care_recipient=grandma_li)
    assert not ActivityRegistration.objects.exists()


def test_registration_closes_when_the_activity_has_begun(activity, daughter):
    ActivityPage.objects.filter(pk=activity.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    with pytest.raises(ChannelsError, match="报名已截止"):
        activities.register(activity=activity, by=daughter)


def test_a_cancelled_place_goes_to_the_first_waiting_and_they_are_told(
    activity, daughter, son, other_resident
):
    first = activities.register(activity=activity, by=daughter)
    activities.register(activity=activity, by=son)
    waiting = activities.register(activity=activity, by=other_resident)
    fourth = activities.register(activity=activity, by=make_user("fourth@example.cn"))

    activities.cancel(registration=first, by=daughter)

    waiting.refresh_from_db()
    fourth.refresh_from_db()
    assert (waiting.status, fourth.status) == (Status.REGISTERED, Status.WAITING)
    told = Notification.objects.get(user=other_resident, kind="activity")
    assert told.params["activity"]["zh-hans"] == activity.title  # and in English, if translated
    assert not Notification.objects.filter(user=fourth.registered_by, kind="activity").exists()
    with pytest.raises(ChannelsError, match="已经取消"):
        activities.cancel(registration=first, by=daughter)


def test_cancelling_a_waiting_place_moves_nobody(activity, daughter, son, other_resident):
    activities.register(activity=activity, by=daughter)
    activities.register(activity=activity, by=son)
    waiting = activities.register(activity=activity, by=other_resident)
    activities.cancel(registration=waiting, by=other_resident)
    assert activity.registrations.filter(status=Status.REGISTERED).count() == 2
    assert not Notification.objects.filter(kind="activity").exists()


def test_only_the_family_cancels_a_registration(activity, daughter, son, grandma_li):
    registration = activities.register(activity=activity, by=daughter, care_recipient=grandma_li)
    with pytest.raises(PermissionDenied):
        activities.cancel(registration=registration, by=son)
    registration.refresh_from_db()
    assert registration.status == Status.REGISTERED


def test_staff_of_the_community_check_people_in_and_no_one_else(
    activity, daughter, son, other_resident, community_staff, other_street_staff
):
    registration = activities.register(activity=activity, by=daughter)
    activities.register(activity=activity, by=son)
    waiting = activities.register(activity=activity, by=other_resident)

    with pytest.raises(PermissionDenied):
        activities.check_in(registration=registration, by=other_street_staff)
    with pytest.raises(ChannelsError, match="已报名"):
        activities.check_in(registration=waiting, by=community_staff)
    checked = activities.check_in(registration=registration, by=community_staff)
    assert checked.checked_in_at is not None


def test_the_registration_form_offers_only_the_residents_own_people(
    client, activity, daughter, other_resident, grandma_li
):
    client.force_login(other_resident)
    page = client.get(activity.url).content.decode()
    assert "李秀兰" not in page
    response = client.post(f"/activities/{activity.pk}/register/", {"attendee": str(grandma_li.pk)})
    assert response.status_code == 302
    assert not ActivityRegistration.objects.exists()

    client.force_login(daughter)
    assert "李秀兰" in client.get(activity.url).content.decode()
    client.post(f"/activities/{activity.pk}/register/", {"attendee": str(grandma_li.pk)})
    registration = ActivityRegistration.objects.get()
    assert registration.care_recipient == grandma_li
    assert "李秀兰" in client.get(activity.url).content.decode()


def test_a_resident_cannot_cancel_someone_elses_registration_by_url(
    client, activity, daughter, other_resident
):
    registration = activities.register(activity=activity, by=daughter)
    client.force_login(other_resident)
    response = client.post(f"/activities/registrations/{registration.pk}/cancel/")
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == Status.REGISTERED


def test_anonymous_visitors_are_asked_to_sign_in_to_register(client, activity):
    response = client.post(f"/activities/{activity.pk}/register/", {"attendee": "self"})
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not CareRecipient.objects.exists() and not ActivityRegistration.objects.exists()
