"""The eligibility screens, tried by everyone who has no business there (the purchaser's
statement screens: tests/statements/test_workspace_authorisation.py)."""

import datetime

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("community_staff", 200),
        ("street_staff", 200),
        ("other_street_staff", 404),
        ("district_officer", 404),
    ],
)
def test_eligibility_screens_follow_the_staff_scope(client, cast, grandma_li, who, expected):
    client.force_login(cast[who])
    assert (
        client.get(reverse("eligibility:recipient", args=[grandma_li.pk])).status_code == expected
    )


def test_a_staff_member_records_eligibility_through_the_screen(
    client, grandma_li, programme, community_staff
):
    grandma_li.birth_date = datetime.date(1941, 3, 8)
    grandma_li.save(update_fields=["birth_date"])
    client.force_login(community_staff)
    response = client.post(
        reverse("eligibility:record", args=[grandma_li.pk]),
        {
            "programme": programme.pk,
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-31",
        },
    )
    assert response.status_code == 302
    assert grandma_li.eligibilities.get().programme == programme
