"""Decision 0029: a provider's managers say how families pay the visits of self-paid care
plans (a saved card, the door, or either); nobody else may, and registering asks nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from providers import services
from providers.forms import ProviderRegistrationForm
from providers.models import Provider

pytestmark = pytest.mark.django_db


def test_a_provider_takes_either_way_until_its_manager_says_otherwise_on_the_details_page(
    client, draft_provider, applicant, weifang_1
):
    assert draft_provider.plan_payment == Provider.PlanPayment.EITHER
    client.force_login(applicant)
    form = client.get(reverse("providers:edit", args=[draft_provider.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "communities"}
    data.update(communities=[weifang_1.pk], plan_payment=Provider.PlanPayment.DOOR)

    response = client.post(reverse("providers:edit", args=[draft_provider.pk]), data)

    assert response.status_code == 302
    draft_provider.refresh_from_db()
    assert draft_provider.plan_payment == Provider.PlanPayment.DOOR


def test_only_the_providers_managers_change_how_plan_visits_are_paid(draft_provider, daughter):
    with pytest.raises(PermissionDenied):
        services.update_provider(
            provider=draft_provider, by=daughter, plan_payment=Provider.PlanPayment.CARD
        )
    draft_provider.refresh_from_db()
    assert draft_provider.plan_payment == Provider.PlanPayment.EITHER


def test_registering_does_not_ask_how_plan_visits_are_paid():
    assert "plan_payment" not in ProviderRegistrationForm().fields
