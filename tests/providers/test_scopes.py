"""Who decides where a provider works (issue 19, point 4): an application is decided only by
staff whose scope covers every community it names, and a community added after approval
waits for its own staff before any service of the provider is offered there."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from accounts.models import Notification
from marketplace import services as catalogue
from marketplace.exceptions import MarketplaceError
from marketplace.models import Category
from marketplace.selectors import CatalogueFilters, search_services
from providers import areas, services
from providers.exceptions import ProvidersError
from providers.models import CommunityRequest, Provider, ProviderEvent
from tests.marketplace.conftest import publish
from tests.providers.conftest import add_required_documents, register_social_org

pytestmark = pytest.mark.django_db


def applied(applicant, communities) -> Provider:
    provider = register_social_org(applicant, communities)
    add_required_documents(provider, applicant)
    return services.submit_application(provider=provider, by=applicant)


DECISIONS = {
    "approve": lambda provider, by: services.approve_application(provider=provider, by=by),
    "reject": lambda provider, by: services.reject_application(
        provider=provider, by=by, reason="资料不全"
    ),
    "request_changes": lambda provider, by: services.request_changes(
        provider=provider, by=by, note="请补充"
    ),
}


@pytest.mark.parametrize("decision", DECISIONS)
def test_staff_of_one_community_cannot_decide_an_application_that_spans_two(
    applicant, community_staff, weifang_1, weifang_2, decision
):
    provider = applied(applicant, [weifang_1, weifang_2])

    with pytest.raises(PermissionDenied):
        DECISIONS[decision](provider, community_staff)

    provider.refresh_from_db()
    assert provider.status == Provider.Status.SUBMITTED


def test_street_staff_decide_an_application_that_spans_communities_of_their_street(
    applicant, street_staff, weifang_1, weifang_2
):
    provider = applied(applicant, [weifang_1, weifang_2])

    provider = services.approve_application(provider=provider, by=street_staff)

    assert provider.status == Provider.Status.APPROVED


@pytest.mark.parametrize("who", ["street_staff", "other_street_staff", "community_staff"])
def test_an_application_across_two_streets_is_decided_by_neither_streets_staff(
    applicant, cast, weifang_1, laoshan, who
):
    provider = applied(applicant, [weifang_1, laoshan])

    with pytest.raises(PermissionDenied):
        services.approve_application(provider=provider, by=cast[who])


def test_an_application_across_two_streets_is_decided_by_staff_of_their_district(
    applicant, weifang_1, laoshan, pudong
):
    from accounts.models import Role
    from tests.conftest import make_scoped_user

    district_staff = make_scoped_user(
        "staff.pudong@example.cn", "区社工", Role.COMMUNITY_STAFF, pudong
    )
    provider = applied(applicant, [weifang_1, laoshan])

    provider = services.approve_application(provider=provider, by=district_staff)

    assert provider.status == Provider.Status.APPROVED


def test_staff_who_cannot_decide_still_see_the_application_but_no_decision(
    client, applicant, community_staff, weifang_1, weifang_2
):
    provider = applied(applicant, [weifang_1, weifang_2])
    client.force_login(community_staff)

    queue = client.get(reverse("vetting:queue"))
    page = client.get(reverse("vetting:detail", args=[provider.pk]))
    refused = client.post(reverse("vetting:decide", args=[provider.pk, "approve"]))

    assert list(queue.context["applications"]) == [provider]
    assert provider.pk not in queue.context["decidable"]
    assert page.context["may_decide"] is False
    assert 'data-testid="approve"' not in page.content.decode()
    # Wagtail turns the refusal into a way back to the dashboard with its message.
    assert refused.status_code in (302, 403)
    assert refused.get("Location", "") != reverse("vetting:detail", args=[provider.pk])
    provider.refresh_from_db()
    assert provider.status == Provider.Status.SUBMITTED


@pytest.fixture
def approved(applicant, street_staff, weifang_1) -> Provider:
    provider = applied(applicant, [weifang_1])
    return services.approve_application(provider=provider, by=street_staff)


def test_a_community_added_after_approval_is_asked_for_not_served(
    approved, applicant, weifang_1, weifang_2, street_staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.update_provider(
            provider=approved, by=applicant, communities=[weifang_1, weifang_2]
        )

    assert list(approved.communities.all()) == [weifang_1]
    request = CommunityRequest.objects.get(provider=approved)
    assert (request.community, request.status) == (weifang_2, CommunityRequest.Status.PENDING)
    assert approved.events.filter(action=ProviderEvent.Action.COMMUNITY_REQUESTED).exists()
    told = Notification.objects.get(user=street_staff, url__contains="/communities/")
    with translation.override("en"):
        assert "asks to serve Weifang No. 2 Village" in told.text
    with translation.override("zh-hans"):
        assert "潍坊二村" in told.text and "asks" not in told.text


def test_no_service_is_put_in_a_community_still_waiting(approved, applicant, weifang_1, weifang_2):
    services.update_provider(provider=approved, by=applicant, communities=[weifang_1, weifang_2])

    with pytest.raises(MarketplaceError):
        catalogue.create_service(
            provider=approved,
            by=applicant,
            communities=[weifang_2],
            category=Category.objects.get(slug="cleaning"),
            title_zh="保洁",
            price_fen=5000,
        )


def test_the_catalogue_shows_no_service_where_its_provider_was_not_let_in(
    provider_a, weifang_1, weifang_2
):
    # As if a service had reached a community by another way than the services.
    service = publish(provider_a, title_zh="潜入的保洁", communities=[weifang_1, weifang_2])

    assert list(search_services(CatalogueFilters(community=weifang_1))) == [service]
    assert list(search_services(CatalogueFilters(community=weifang_2))) == []


def test_staff_of_the_community_asked_for_approve_and_the_services_may_follow(
    approved, applicant, weifang_1, weifang_2, street_staff, django_capture_on_commit_callbacks
):
    services.update_provider(provider=approved, by=applicant, communities=[weifang_1, weifang_2])
    request = CommunityRequest.objects.get(provider=approved)

    with django_capture_on_commit_callbacks(execute=True):
        areas.approve_community_request(request=request, by=street_staff)

    assert set(approved.communities.all()) == {weifang_1, weifang_2}
    request.refresh_from_db()
    assert request.status == CommunityRequest.Status.APPROVED
    assert request.decided_by == street_staff
    service = publish(approved, title_zh="两村保洁", communities=[weifang_1, weifang_2])
    assert list(search_services(CatalogueFilters(community=weifang_2))) == [service]
    told = Notification.objects.get(user=applicant, message__contains="now serves")
    with translation.override("en"):
        assert "now serves Weifang No. 2 Village" in told.text


@pytest.mark.parametrize("who", ["community_staff", "other_street_staff", "applicant"])
def test_only_staff_of_the_community_asked_for_decide(
    approved, applicant, weifang_1, weifang_2, cast, who
):
    services.update_provider(provider=approved, by=applicant, communities=[weifang_1, weifang_2])
    request = CommunityRequest.objects.get(provider=approved)
    person = applicant if who == "applicant" else cast[who]

    with pytest.raises(PermissionDenied):
        areas.approve_community_request(request=request, by=person)

    assert list(approved.communities.all()) == [weifang_1]


def test_a_refusal_says_why_and_the_community_stays_out(
    approved, applicant, weifang_1, weifang_2, street_staff, django_capture_on_commit_callbacks
):
    services.update_provider(provider=approved, by=applicant, communities=[weifang_1, weifang_2])
    request = CommunityRequest.objects.get(provider=approved)
    with pytest.raises(ProvidersError):
        areas.refuse_community_request(request=request, by=street_staff, reason=" ")

    with django_capture_on_commit_callbacks(execute=True):
        areas.refuse_community_request(request=request, by=street_staff, reason="本社区已饱和")

    request.refresh_from_db()
    assert (request.status, request.reason) == (CommunityRequest.Status.REFUSED, "本社区已饱和")
    assert list(approved.communities.all()) == [weifang_1]
    assert Notification.objects.filter(user=applicant, params__reason="本社区已饱和").exists()
    with pytest.raises(ProvidersError):
        areas.approve_community_request(request=request, by=street_staff)


def test_unticking_a_community_still_waiting_withdraws_the_request(
    approved, applicant, weifang_1, weifang_2
):
    services.update_provider(provider=approved, by=applicant, communities=[weifang_1, weifang_2])
    services.update_provider(provider=approved, by=applicant, communities=[weifang_1, weifang_2])
    assert CommunityRequest.objects.filter(provider=approved).count() == 1

    services.update_provider(provider=approved, by=applicant, communities=[weifang_1])

    assert CommunityRequest.objects.get(provider=approved).status == "withdrawn"


def test_a_community_the_provider_leaves_takes_its_services_with_it(
    provider_a, provider_manager, weifang_1, weifang_2
):
    provider_a.communities.add(weifang_2)
    Provider.objects.filter(pk=provider_a.pk).update(approved_at="2026-01-01T00:00:00+08:00")
    provider_a.refresh_from_db()
    service = publish(provider_a, title_zh="保洁", communities=[weifang_1, weifang_2])

    services.update_provider(provider=provider_a, by=provider_manager, communities=[weifang_1])

    assert list(service.communities.all()) == [weifang_1]
    assert provider_a.events.filter(action="community_removed", community=weifang_2).exists()


def test_the_edit_form_keeps_a_waiting_community_ticked(
    client, approved, applicant, weifang_1, weifang_2
):
    services.update_provider(provider=approved, by=applicant, communities=[weifang_1, weifang_2])
    client.force_login(applicant)

    form = client.get(reverse("providers:edit", args=[approved.pk])).context["form"]

    assert set(form.initial["communities"]) == {weifang_1.pk, weifang_2.pk}


def test_a_request_page_and_its_decision_are_404_for_staff_of_other_communities(
    client, approved, applicant, weifang_1, weifang_2, community_staff, other_street_staff
):
    services.update_provider(provider=approved, by=applicant, communities=[weifang_1, weifang_2])
    request = CommunityRequest.objects.get(provider=approved)
    for person in (community_staff, other_street_staff):
        client.force_login(person)
        assert client.get(reverse("vetting:community", args=[request.pk])).status_code == 404
        decide = reverse("vetting:decide_community", args=[request.pk, "approve"])
        assert client.post(decide).status_code == 404
    request.refresh_from_db()
    assert request.status == CommunityRequest.Status.PENDING


def test_street_staff_decide_a_request_from_their_queue(
    client, approved, applicant, weifang_1, weifang_2, street_staff
):
    services.update_provider(provider=approved, by=applicant, communities=[weifang_1, weifang_2])
    request = CommunityRequest.objects.get(provider=approved)
    client.force_login(street_staff)

    queue = client.get(reverse("vetting:queue"))
    page = client.get(reverse("vetting:community", args=[request.pk]))
    client.post(reverse("vetting:decide_community", args=[request.pk, "approve"]))

    assert list(queue.context["community_requests"]) == [request]
    assert page.status_code == 200
    assert set(approved.communities.all()) == {weifang_1, weifang_2}


def test_the_dashboard_counts_only_the_applications_one_may_decide(
    applicant, community_staff, street_staff, weifang_1, weifang_2
):
    from cms.workspace.dashboard import WaitingForYouPanel

    applied(applicant, [weifang_1, weifang_2])

    def waiting(user) -> int:
        rows = WaitingForYouPanel(user).get_context_data()["rows"]
        return next(count for label, count, url in rows if url == reverse("vetting:queue"))

    # Both also count the application's two pending documents.
    assert waiting(street_staff) - waiting(community_staff) == 1
