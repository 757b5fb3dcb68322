"""One English word, two meanings, two Chinese words: the words the walk-through found
mixed up (issue 20, point 4) each read right in their own place."""

from django.db import models
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext

from cms.workspace.complaints import OnBehalfForm
from orders.forms import BookingForm
from reviews.forms import ComplaintForm


def chinese(text) -> str:
    with translation.override("zh-hans"):
        return str(text)


def test_a_complaint_asks_about_the_person_and_what_happened_not_about_a_booking():
    for form in (ComplaintForm, OnBehalfForm):
        assert chinese(form.base_fields["care_recipient"].label) == "涉及哪位老人"
        assert chinese(form.base_fields["description"].label) == "事情经过"


def test_the_booking_still_asks_for_whom_it_is_booked():
    assert chinese(BookingForm.base_fields["care_recipient"].label) == "为谁预约"


def test_a_complaint_page_labels_the_description_as_what_happened_not_as_order_events():
    template = Template(
        '{% load i18n %}{% translate "What happened" context "a complaint\'s description" %}'
        '|{% translate "What happened" %}'
    )
    with translation.override("zh-hans"):
        assert template.render(Context()) == "事情经过|订单动态"


def test_pages_are_pages_not_pagination_in_search_results_and_in_wagtails_menu():
    template = Template('{% load i18n %}{% translate "Pages" context "search results" %}')
    with translation.override("zh-hans"):
        assert template.render(Context()) == "页面"
        assert gettext("Pages") == "页面"  # our catalogue overrides Wagtail's sidebar word


def test_an_empty_choice_reads_in_chinese_not_select_an_option():
    field = models.CharField(max_length=5, blank=True, choices=[("home", "home")])
    empty = list(field.get_choices(include_blank=True))[0][1]
    with translation.override("zh-hans"):
        assert str(empty) == "— 请选择 —"
    with translation.override("en"):
        assert str(empty) == "— Please choose —"


def test_a_choice_field_defined_while_wagtail_loads_its_hooks_has_our_empty_choice_too():
    # wagtail.snippets' ready() imports our wagtail_hooks (and the workspace forms) before
    # accounts' ready() would run: the label must be ours by then.
    from cms.workspace.eligibility import EligibilityForm, RegisterForm

    with translation.override("zh-hans"):
        assert str(RegisterForm.base_fields["community"].empty_label) == "— 请选择 —"
        assert str(EligibilityForm.base_fields["programme"].empty_label) == "— 请选择 —"


def field_label(model, name: str) -> str:
    return chinese(model._meta.get_field(name).verbose_name)


def test_an_order_is_an_order_and_a_position_in_a_list_is_an_order_of_another_kind():
    from marketplace.models import Category
    from orders.models import Order
    from reviews.models import Review

    assert chinese(Order._meta.verbose_name) == "订单"
    assert field_label(Review, "order") == "订单"
    assert field_label(Category, "sort_order") == "顺序"


def test_opening_hours_start_from_a_time_and_a_status_change_from_a_status():
    from marketplace.models import WeeklyHours
    from orders.models import OrderEvent

    assert field_label(WeeklyHours, "starts_at") == "开始"
    assert field_label(OrderEvent, "from_status") == "原状态"
    assert field_label(OrderEvent, "to_status") == "新状态"


def test_a_provider_has_a_name_not_a_persons_name():
    from accounts.models import CareRecipient
    from providers.models import Provider, Venue

    assert field_label(Provider, "name") == "名称"
    assert field_label(Venue, "name") == "名称"
    assert field_label(CareRecipient, "name") == "姓名"
