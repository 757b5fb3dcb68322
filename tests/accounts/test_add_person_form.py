"""The add-person form (issue 20, point 5): a date of birth in range, a real mobile number,
and a relationship the person answers themself, read the right way round."""

import pytest
from django.urls import reverse

from accounts.forms import CareRecipientForm

pytestmark = pytest.mark.django_db


def filled(weifang_1, **changes) -> dict:
    return {
        "name": "李秀兰",
        "community": weifang_1.pk,
        "address": "潍坊路 100 弄",
        "relationship": "child",
        **changes,
    }


@pytest.mark.parametrize("born", ["2030-05-01", "1800-05-01"])
def test_a_birth_date_in_2030_or_1800_is_refused(weifang_1, born):
    form = CareRecipientForm(data=filled(weifang_1, birth_date=born))

    assert not form.is_valid()
    assert "birth_date" in form.errors


def test_a_junk_phone_number_is_refused_with_a_clear_message(weifang_1):
    form = CareRecipientForm(data=filled(weifang_1, phone="12345"))

    assert not form.is_valid()
    assert form.errors["phone"] == ["请填写中国大陆手机号码：以 1 开头的 11 位数字。"]


def test_a_good_person_is_accepted_with_the_mobile_number_tidied(weifang_1):
    form = CareRecipientForm(
        data=filled(weifang_1, birth_date="1941-03-08", phone="+86 138 1234 5678")
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == "13812345678"


def test_the_relationship_is_asked_of_the_person_filling_in_and_has_no_default(
    client, daughter, weifang_1
):
    client.force_login(daughter)

    body = client.get(reverse("accounts:care_recipients")).content.decode()

    assert "您是这位服务对象的什么人？" in body and "我是其子女" in body
    assert "此人是我的" not in body
    radios = [r for r in body.split("<input") if 'name="relationship"' in r]
    assert radios and not any("checked" in r.split(">")[0] for r in radios)
    assert not CareRecipientForm(data=filled(weifang_1, relationship="")).is_valid()
