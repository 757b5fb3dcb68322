"""Every provider URL, tried by everyone in the cast who has no business there."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from providers import services
from providers.models import Provider
from tests.conftest import make_user
from tests.providers.conftest import add_required_documents, register_social_org

pytestmark = pytest.mark.django_db

OUTSIDERS = [
    "daughter",
    "son",
    "other_resident",
    "other_street_staff",
    "district_officer",
    "provider_manager",
    "caregiver",
    "other_provider_manager",
]


def log_in(client, user):
    if user is not None:
        Authenticator.objects.get_or_create(
            user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "JBSWY3DP"}}
        )
        client.force_login(user)
    return client


def manager_urls(provider) -> list[tuple[str, str]]:
    member = provider.members.first()
    return [
        ("get", reverse("providers:manage", args=[provider.pk])),
        ("get", reverse("providers:edit", args=[provider.pk])),
        ("post", reverse("providers:upload_document", args=[provider.pk])),
        ("post", reverse("providers:submit", args=[provider.pk])),
        ("post", reverse("providers:invite", args=[provider.pk])),
        ("post", reverse("providers:remove_member", args=[provider.pk, member.pk])),
        ("post", reverse("providers:add_photo", args=[provider.pk])),
        ("post", reverse("providers:remove_photo", args=[provider.pk, 1])),
    ]


def staff_urls(provider) -> list[tuple[str, str]]:
    document = provider.documents.first()
    return [
        ("get", reverse("vetting:detail", args=[provider.pk])),
        ("post", reverse("vetting:decide", args=[provider.pk, "approve"])),
        ("post", reverse("vetting:decide", args=[provider.pk, "reject"])),
        ("post", reverse("vetting:decide_document", args=[document.pk, "approve"])),
    ]


@pytest.mark.parametrize("who", OUTSIDERS + ["community_staff", "street_staff"])
def test_a_providers_management_pages_are_404_for_everyone_but_its_managers(
    client, cast, submitted_provider, who
):
    log_in(client, cast[who])
    for method, url in manager_urls(submitted_provider):
        assert getattr(client, method)(url).status_code == 404, url
    submitted_provider.refresh_from_db()
    assert submitted_provider.status == Provider.Status.SUBMITTED
    assert submitted_provider.members.count() == 1


@pytest.mark.parametrize("who", OUTSIDERS)
def test_documents_are_404_for_outsiders(client, cast, submitted_provider, who):
    log_in(client, cast[who])
    document = submitted_provider.documents.first()
    assert client.get(reverse("providers:document_file", args=[document.pk])).status_code == 404


@pytest.mark.parametrize("who", ["street_staff", "community_staff", "platform_admin"])
def test_documents_are_served_to_staff_whose_scope_covers_the_provider(
    client, cast, submitted_provider, who
):
    log_in(client, cast[who])
    document = submitted_provider.documents.first()
    response = client.get(reverse("providers:document_file", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"


def test_the_manager_reads_their_own_documents(client, submitted_provider, applicant):
    client.force_login(applicant)
    document = submitted_provider.documents.first()
    assert client.get(reverse("providers:document_file", args=[document.pk])).status_code == 200


@pytest.mark.parametrize("who", ["other_street_staff", "district_officer"])
def test_staff_screens_of_a_provider_outside_ones_scope_are_refused(
    client, cast, submitted_provider, who
):
    log_in(client, cast[who])
    for method, url in staff_urls(submitted_provider):
        response = getattr(client, method)(url, {"reason": "x"})
        assert response.status_code in {403, 404}, url
    submitted_provider.refresh_from_db()
    assert submitted_provider.status == Provider.Status.SUBMITTED


def test_another_streets_staff_gets_404_on_the_application(
    client, other_street_staff, submitted_provider
):
    log_in(client, other_street_staff)
    response = client.get(reverse("vetting:detail", args=[submitted_provider.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["daughter", "provider_manager", "caregiver"])
def test_people_without_admin_access_are_turned_away_from_staff_screens(
    client, cast, submitted_provider, who
):
    log_in(client, cast[who])
    for method, url in staff_urls(submitted_provider):
        response = getattr(client, method)(url, {"reason": "x"})
        assert response.status_code == 404, url
    submitted_provider.refresh_from_db()
    assert submitted_provider.status == Provider.Status.SUBMITTED


def test_another_streets_staff_does_not_see_the_application_in_their_queue(
    client, other_street_staff, submitted_provider
):
    log_in(client, other_street_staff)
    response = client.get(reverse("vetting:queue"))
    assert response.status_code == 200
    assert list(response.context["applications"]) == []
    assert submitted_provider.name not in response.content.decode()


def test_the_street_staff_sees_it_and_approves_it(client, street_staff, submitted_provider):
    log_in(client, street_staff)
    queue = client.get(reverse("vetting:queue"))
    assert list(queue.context["applications"]) == [submitted_provider]

    response = client.post(reverse("vetting:decide", args=[submitted_provider.pk, "approve"]))

    assert response.status_code == 302
    submitted_provider.refresh_from_db()
    assert submitted_provider.status == Provider.Status.APPROVED


def test_the_queue_lists_applications_oldest_first(client, street_staff, weifang_1, weifang_2):
    names = []
    for index, community in enumerate([weifang_2, weifang_1, weifang_2]):
        owner = make_user(f"owner{index}@example.cn")
        provider = register_social_org(owner, [community], name=f"服务社{index}")
        Provider.objects.filter(pk=provider.pk).update(credit_code=f"CODE{index}")
        add_required_documents(provider, owner)
        services.submit_application(provider=provider, by=owner)
        names.append(provider.name)

    log_in(client, street_staff)
    queue = client.get(reverse("vetting:queue")).context["applications"]
    assert [p.name for p in queue] == names


@pytest.mark.parametrize("who", ["anonymous", "daughter", "other_street_staff"])
def test_a_public_profile_exists_only_while_approved(
    client, cast, submitted_provider, street_staff, who
):
    log_in(client, cast[who])
    url = reverse("providers:profile", args=[submitted_provider.pk])
    assert client.get(url).status_code == 404

    services.approve_application(provider=submitted_provider, by=street_staff)
    response = client.get(url)
    assert response.status_code == 200
    assert "安馨居家养老服务社" in response.content.decode()

    services.suspend_provider(provider=submitted_provider, by=street_staff, reason="投诉")
    assert client.get(url).status_code == 404
