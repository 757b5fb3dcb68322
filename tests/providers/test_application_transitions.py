"""Every decision tried from every status: allowed ones move and write one event,
forbidden ones change nothing and write nothing."""

import pytest

from providers import services
from providers.exceptions import ProvidersError
from providers.models import Provider, ProviderEvent
from providers.transitions import NEXT, TRANSITIONS
from tests.providers.conftest import add_required_documents

pytestmark = pytest.mark.django_db

Status = Provider.Status
Action = ProviderEvent.Action


def decide(action, provider, applicant, staff):
    calls = {
        Action.SUBMITTED: lambda: services.submit_application(provider=provider, by=applicant),
        Action.APPROVED: lambda: services.approve_application(provider=provider, by=staff),
        Action.REJECTED: lambda: services.reject_application(
            provider=provider, by=staff, reason="资质不符"
        ),
        Action.CHANGES_REQUESTED: lambda: services.request_changes(
            provider=provider, by=staff, note="请补充联系人"
        ),
        Action.SUSPENDED: lambda: services.suspend_provider(
            provider=provider, by=staff, reason="多次投诉"
        ),
        Action.REINSTATED: lambda: services.reinstate_provider(
            provider=provider, by=staff, reason="整改完成"
        ),
    }
    return calls[action]()


def put_in(provider: Provider, status: str) -> Provider:
    cause = Provider.SuspensionCause.STAFF if status == Status.SUSPENDED else ""
    Provider.objects.filter(pk=provider.pk).update(status=status, suspension_cause=cause)
    if status in {Status.APPROVED, Status.SUSPENDED}:
        provider.documents.update(status="approved")
    provider.refresh_from_db()
    return provider


CASES = [(status, action) for status in Status.values for action in TRANSITIONS]


@pytest.mark.parametrize(("status", "action"), CASES)
def test_each_decision_from_each_status(draft_provider, applicant, street_staff, status, action):
    add_required_documents(draft_provider, applicant)
    provider = put_in(draft_provider, status)
    events_before = ProviderEvent.objects.filter(provider=provider).count()
    sources, target = TRANSITIONS[action]

    if status in sources:
        decide(action, provider, applicant, street_staff)
        provider.refresh_from_db()
        assert provider.status == target
        events = ProviderEvent.objects.filter(provider=provider)
        assert events.count() == events_before + 1
        event = events.first()
        assert (event.action, event.from_status, event.to_status) == (action, status, target)
    else:
        with pytest.raises(ProvidersError):
            decide(action, provider, applicant, street_staff)
        provider.refresh_from_db()
        assert provider.status == status
        assert ProviderEvent.objects.filter(provider=provider).count() == events_before


def test_the_table_matches_the_documented_life_of_a_provider():
    documented = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.APPROVED, Status.REJECTED, Status.CHANGES_REQUESTED},
        Status.CHANGES_REQUESTED: {Status.SUBMITTED},
        Status.APPROVED: {Status.SUSPENDED},
        Status.SUSPENDED: {Status.APPROVED},
        Status.REJECTED: set(),
    }
    assert documented == NEXT


def test_submitting_without_documents_lists_what_is_missing(draft_provider, applicant):
    from django.utils import translation

    with pytest.raises(ProvidersError) as error:
        services.submit_application(provider=draft_provider, by=applicant)
    with translation.override("zh-hans"):
        message = str(error.value.message)
    assert "社会组织登记证书" in message and "责任保险" in message
    draft_provider.refresh_from_db()
    assert draft_provider.status == Status.DRAFT


@pytest.mark.parametrize("decision", ["reject", "request_changes", "suspend"])
def test_decisions_against_a_provider_need_a_written_reason(
    submitted_provider, street_staff, decision
):
    if decision == "suspend":
        services.approve_application(provider=submitted_provider, by=street_staff)
    events_before = ProviderEvent.objects.count()
    call = {
        "reject": lambda: services.reject_application(
            provider=submitted_provider, by=street_staff, reason="  "
        ),
        "request_changes": lambda: services.request_changes(
            provider=submitted_provider, by=street_staff, note=""
        ),
        "suspend": lambda: services.suspend_provider(
            provider=submitted_provider, by=street_staff, reason=""
        ),
    }[decision]
    with pytest.raises(ProvidersError):
        call()
    assert ProviderEvent.objects.count() == events_before


@pytest.mark.parametrize(
    "who", ["other_street_staff", "daughter", "district_officer", "provider_manager"]
)
def test_only_staff_in_scope_may_decide(submitted_provider, cast, who):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.approve_application(provider=submitted_provider, by=cast[who])
    submitted_provider.refresh_from_db()
    assert submitted_provider.status == Status.SUBMITTED


def test_approval_approves_the_application_documents_and_tells_the_managers(
    submitted_provider, street_staff, applicant, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        services.approve_application(provider=submitted_provider, by=street_staff)

    assert set(submitted_provider.documents.values_list("status", flat=True)) == {"approved"}
    assert applicant.notifications.get().kind == "provider"
    assert [message.to for message in mail.outbox] == [[applicant.email]]
    assert "已通过审核" in mail.outbox[0].body
