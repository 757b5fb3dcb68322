"""Elder mode reaches the staff workspace (issue 20, point 6): staff who chose large text on
the site get it in the Wagtail admin too, and nobody else does."""

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_staff_in_elder_mode_get_the_workspaces_elder_stylesheet(client, community_staff):
    User.objects.filter(pk=community_staff.pk).update(elder_mode=True)
    client.force_login(community_staff)
    page = client.get("/cms-admin/").content.decode()
    assert "css/workspace-elder.css" in page
    assert "css/workspace.css" in page


def test_staff_in_standard_text_get_only_the_workspaces_own_sizes(client, community_staff):
    client.force_login(community_staff)
    page = client.get("/cms-admin/").content.decode()
    assert "css/workspace.css" in page
    assert "css/workspace-elder.css" not in page


def test_the_elder_choice_of_one_request_does_not_leak_into_the_next(client, community_staff):
    User.objects.filter(pk=community_staff.pk).update(elder_mode=True)
    client.force_login(community_staff)
    client.get("/cms-admin/")
    User.objects.filter(pk=community_staff.pk).update(elder_mode=False)
    assert "css/workspace-elder.css" not in client.get("/cms-admin/").content.decode()
