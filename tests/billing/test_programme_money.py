"""A programme's money (decision 0032): editing its terms never writes reserved or spent
money, every money figure is typed in yuan, a budget changes only by a recorded top-up or
cut, and officers are told once at 80 % and once at 95 % of the budget committed."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from accounts.models import Notification
from billing import services as billing_services
from billing.exceptions import BillingError
from billing.models import BudgetAdjustment, Programme, Purchaser, PurchaserOfficer
from cms.workspace.purchase import ProgrammeForm
from tests.conftest import make_user
from tests.orders.conftest import book

pytestmark = pytest.mark.django_db

TERMS_POST = {
    "name_zh": "高龄助浴补贴（新）",
    "name_en": "Bathing help, renewed",
    "rule": "percentage",
    "percent": "80",
    "fixed_fen": "",
    "rate_cap_fen": "60.00",
    "monthly_cap_fen": "120",
    "min_age": "80",
    "valid_from": "2026-01-01",
    "valid_until": "2027-12-31",
}


def edit_post(programme, **changes) -> dict:
    data = {**TERMS_POST, "region": programme.region_id, "categories": [], **changes}
    return data


def save_form(form: ProgrammeForm, programme: Programme, by) -> Programme:
    """What the programme page does with a posted form: the terms through the service."""
    assert form.is_valid(), form.errors
    return billing_services.update_programme(
        programme=programme,
        terms={f: form.cleaned_data[f] for f in billing_services.PROGRAMME_TERMS},
        categories=form.cleaned_data["categories"],
        by=by,
    )


def budget_alerts(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind="budget").order_by("pk"))


def test_a_reservation_made_while_the_form_was_open_survives_saving_the_form(
    daughter, bathing_slots, grandma_li, grandma_eligible, programme, district_officer, bureau
):
    # The officer opens the form: the programme as it is now, nothing reserved.
    opened = Programme.objects.get(pk=programme.pk)
    assert opened.reserved_fen == 0
    form = ProgrammeForm(
        edit_post(programme, name_en="Bathing help, renamed"),
        instance=opened,
        purchasers=Purchaser.objects.filter(pk=bureau.pk),
    )
    # Meanwhile a family books a subsidised visit.
    order = book(daughter, bathing_slots[0], grandma_li)
    assert order.subsidy_fen == 4800

    save_form(form, opened, district_officer)

    programme.refresh_from_db()
    assert programme.name_en == "Bathing help, renamed"
    assert programme.reserved_fen == 4800
    assert programme.budget_fen == 1_000_000


def test_saving_the_programme_form_writes_neither_budget_nor_reserved_nor_spent(
    client, programme, district_officer
):
    Programme.objects.filter(pk=programme.pk).update(reserved_fen=4800, spent_fen=9600)
    client.force_login(district_officer)
    response = client.post(
        reverse("purchase:programme", args=[programme.pk]),
        edit_post(programme, budget_fen="1", reserved_fen="0", spent_fen="0"),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.budget_fen, programme.reserved_fen, programme.spent_fen) == (
        1_000_000,
        4800,
        9600,
    )
    assert programme.name_zh == "高龄助浴补贴（新）"


def test_an_officer_types_a_new_programmes_money_in_yuan(client, bureau, district_officer):
    client.force_login(district_officer)
    response = client.post(
        reverse("purchase:programme_new"),
        {
            **TERMS_POST,
            "purchaser": bureau.pk,
            "region": bureau.region_id,
            "rule": "fixed",
            "fixed_fen": "30.50",
            "rate_cap_fen": "",
            "budget_fen": "123456.78",
        },
    )
    assert response.status_code == 302
    programme = Programme.objects.get(name_en="Bathing help, renewed")
    assert programme.budget_fen == 12_345_678
    assert programme.fixed_fen == 3050
    assert programme.rate_cap_fen is None
    assert programme.monthly_cap_fen == 12000


def test_the_programme_page_shows_its_money_in_yuan_and_has_no_budget_box(
    client, programme, district_officer
):
    client.force_login(district_officer)
    body = client.get(reverse("purchase:programme", args=[programme.pk])).content.decode()
    assert 'name="rate_cap_fen" value="60.00"' in body
    assert 'name="monthly_cap_fen" value="120.00"' in body
    assert 'name="budget_fen"' not in body  # changed by a recorded adjustment only
    assert "¥10000.00" in body


def test_a_top_up_is_recorded_with_who_when_how_much_and_why_and_shown(
    client, programme, district_officer
):
    client.force_login(district_officer)
    response = client.post(
        reverse("purchase:programme_budget", args=[programme.pk]),
        {"direction": "top_up", "amount": "2500.50", "reason": "区财政追加拨款"},
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.budget_fen == 1_000_000 + 250_050
    adjustment = BudgetAdjustment.objects.get()
    assert (adjustment.amount_fen, adjustment.budget_before_fen, adjustment.budget_after_fen) == (
        250_050,
        1_000_000,
        1_250_050,
    )
    assert adjustment.by == district_officer
    assert adjustment.reason == "区财政追加拨款"
    page = client.get(reverse("purchase:programme", args=[programme.pk])).content.decode()
    assert "区财政追加拨款" in page
    assert "¥2500.50" in page


def test_a_cut_below_what_is_reserved_and_spent_is_refused_and_nothing_is_recorded(
    client, programme, district_officer
):
    Programme.objects.filter(pk=programme.pk).update(reserved_fen=400_000, spent_fen=500_000)
    client.force_login(district_officer)
    client.post(
        reverse("purchase:programme_budget", args=[programme.pk]),
        {"direction": "cut", "amount": "1000.01", "reason": "年中核减"},
    )
    programme.refresh_from_db()
    assert programme.budget_fen == 1_000_000
    assert not BudgetAdjustment.objects.exists()

    client.post(
        reverse("purchase:programme_budget", args=[programme.pk]),
        {"direction": "cut", "amount": "1000", "reason": "年中核减"},
    )
    programme.refresh_from_db()
    assert programme.budget_fen == 900_000
    assert BudgetAdjustment.objects.get().amount_fen == -100_000


def test_a_budget_change_needs_a_reason_and_an_amount(programme, district_officer):
    with pytest.raises(BillingError):
        billing_services.adjust_budget(
            programme=programme, amount_fen=1000, reason="  ", by=district_officer
        )
    with pytest.raises(BillingError):
        billing_services.adjust_budget(
            programme=programme, amount_fen=0, reason="why", by=district_officer
        )
    assert not BudgetAdjustment.objects.exists()


def test_only_the_purchasers_officers_change_its_programmes(client, programme, pudong):
    stranger = make_user("other.officer@example.cn")
    other = Purchaser.objects.create(name_zh="别的局", name_en="Another bureau", region=pudong)
    PurchaserOfficer.objects.create(purchaser=other, user=stranger)
    with pytest.raises(PermissionDenied):
        billing_services.adjust_budget(
            programme=programme, amount_fen=100, reason="why", by=stranger
        )
    with pytest.raises(PermissionDenied):
        billing_services.update_programme(programme=programme, terms={}, categories=[], by=stranger)
    client.force_login(stranger)
    response = client.post(
        reverse("purchase:programme_budget", args=[programme.pk]),
        {"direction": "top_up", "amount": "1", "reason": "why"},
    )
    assert response.status_code == 404
    assert not BudgetAdjustment.objects.exists()


def test_officers_are_told_once_at_80_and_once_at_95_percent_in_their_language(
    daughter, bathing_slots, grandma_li, grandma_eligible, programme, district_officer
):
    district_officer.language = "en"
    district_officer.save(update_fields=["language"])
    Programme.objects.filter(pk=programme.pk).update(budget_fen=100_000, reserved_fen=76_000)

    book(daughter, bathing_slots[0], grandma_li)  # 76,000 + 4,800: 80.8 %
    alerts = budget_alerts(district_officer)
    assert len(alerts) == 1
    with translation.override("en"):
        assert alerts[0].text.startswith("Bathing help for the very old has committed 80%")
        assert "¥808.00 of ¥1000.00" in alerts[0].text
    with translation.override("zh-hans"):
        assert alerts[0].text.startswith("高龄助浴补贴 已占用预算的 80%")

    Programme.objects.filter(pk=programme.pk).update(reserved_fen=86_000)
    book(daughter, bathing_slots[1], grandma_li)  # 90.8 %: no second alert at 80
    assert len(budget_alerts(district_officer)) == 1

    Programme.objects.filter(pk=programme.pk).update(reserved_fen=91_000)
    billing_services.adjust_budget(
        programme=programme, amount_fen=-1_000, reason="核减", by=district_officer
    )  # 91,000 of 99,000: 91.9 %
    assert len(budget_alerts(district_officer)) == 1
    billing_services.adjust_budget(
        programme=programme, amount_fen=-3_000, reason="核减", by=district_officer
    )  # 91,000 of 96,000: 94.8 %
    assert len(budget_alerts(district_officer)) == 1
    billing_services.adjust_budget(
        programme=programme, amount_fen=-1_000, reason="核减", by=district_officer
    )  # 91,000 of 95,000: 95.8 %
    assert len(budget_alerts(district_officer)) == 2
    programme.refresh_from_db()
    assert programme.alerted_percent == 95


def test_a_top_up_below_80_percent_lets_the_next_crossing_alert_again(
    daughter, bathing_slots, grandma_li, grandma_eligible, programme, district_officer
):
    Programme.objects.filter(pk=programme.pk).update(budget_fen=100_000, reserved_fen=76_000)
    book(daughter, bathing_slots[0], grandma_li)
    assert len(budget_alerts(district_officer)) == 1

    billing_services.adjust_budget(
        programme=programme, amount_fen=20_000, reason="追加", by=district_officer
    )  # 80,800 of 120,000: 67 %
    programme.refresh_from_db()
    assert programme.alerted_percent == 0
    Programme.objects.filter(pk=programme.pk).update(reserved_fen=91_500)
    book(daughter, bathing_slots[1], grandma_li)  # 96,300 of 120,000: 80.25 %
    assert len(budget_alerts(district_officer)) == 2


def test_a_cancelled_visit_below_the_threshold_does_not_rearm_the_alert(
    cast, bathing_slots, grandma_li, grandma_eligible, programme, district_officer
):
    from orders import services as order_services

    daughter = cast["daughter"]
    Programme.objects.filter(pk=programme.pk).update(budget_fen=100_000, reserved_fen=76_000)
    order = book(daughter, bathing_slots[0], grandma_li)
    order_services.cancel_order(order=order, by=daughter)
    programme.refresh_from_db()
    assert programme.reserved_fen == 76_000
    book(daughter, bathing_slots[1], grandma_li)
    assert len(budget_alerts(district_officer)) == 1


def test_a_recorded_budget_change_is_never_edited_or_deleted(programme, district_officer):
    adjustment = billing_services.adjust_budget(
        programme=programme, amount_fen=100, reason="追加", by=district_officer
    )
    adjustment.amount_fen = 1_000_000
    with pytest.raises(BillingError):
        adjustment.save()
    with pytest.raises(BillingError):
        adjustment.delete()
    assert BudgetAdjustment.objects.get().amount_fen == 100
