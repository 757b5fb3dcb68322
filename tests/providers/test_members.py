import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from providers import members
from providers.exceptions import ProvidersError
from providers.models import ProviderInvitation, ProviderMember
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_the_owner_invites_by_email_and_the_invitee_joins(
    draft_provider, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = members.invite_member(
            provider=draft_provider,
            by=applicant,
            email="Zhou@Anxin.example.cn",
            role="worker",
            gives_eldercare=True,
        )
    assert mail.outbox[0].to == ["zhou@anxin.example.cn"]
    assert str(invitation.token) in mail.outbox[0].body

    worker = make_user("zhou@anxin.example.cn", "周阿姨")
    member = members.accept_invitation(invitation=invitation, user=worker)

    assert (member.role, member.gives_eldercare) == ("worker", True)
    with pytest.raises(ProvidersError):
        members.accept_invitation(invitation=invitation, user=worker)


def test_an_invitation_only_works_for_the_address_it_was_sent_to(draft_provider, applicant):
    invitation = members.invite_member(
        provider=draft_provider, by=applicant, email="zhou@anxin.example.cn", role="worker"
    )
    stranger = make_user("someone.else@example.cn")

    with pytest.raises(ProvidersError):
        members.accept_invitation(invitation=invitation, user=stranger)
    assert not ProviderMember.objects.filter(user=stranger).exists()


def test_only_the_owner_invites(draft_provider, applicant):
    manager = make_user("manager2@anxin.example.cn")
    draft_provider.members.create(user=manager, role="manager")

    with pytest.raises(PermissionDenied):
        members.invite_member(
            provider=draft_provider, by=manager, email="x@example.cn", role="worker"
        )
    assert not ProviderInvitation.objects.exists()


def test_a_user_may_belong_to_several_providers(applicant, weifang_1):
    from tests.providers.conftest import register_social_org

    first = register_social_org(applicant, [weifang_1], name="第一家")
    second = register_social_org(applicant, [weifang_1], name="第二家")
    assert set(applicant.provider_memberships.values_list("provider", flat=True)) == {
        first.pk,
        second.pk,
    }


def test_the_last_owner_cannot_be_removed(draft_provider, applicant):
    owner = draft_provider.members.get(user=applicant)
    with pytest.raises(ProvidersError):
        members.remove_member(member=owner, by=applicant)
    assert draft_provider.members.count() == 1


def test_a_manager_adds_a_photo_that_shows_on_the_public_page(client, approved_provider, applicant):
    from django.urls import reverse

    from providers import services
    from tests.providers.conftest import png_bytes, upload

    photo = services.add_photo(
        provider=approved_provider,
        by=applicant,
        upload=upload("team.png", png_bytes()),
        caption="我们的护理团队",
    )
    page = client.get(reverse("providers:profile", args=[approved_provider.pk]))
    assert "我们的护理团队" in page.content.decode()

    services.remove_photo(photo=photo, by=applicant)
    assert not approved_provider.photos.exists()


def test_a_pdf_is_not_a_photo(approved_provider, applicant):
    from providers import services
    from tests.providers.conftest import upload

    with pytest.raises(ProvidersError):
        services.add_photo(provider=approved_provider, by=applicant, upload=upload())
    assert not approved_provider.photos.exists()
