"""The shared form template and fields (issue 20, point 5; decision 0040): help texts and
errors have the ids aria-describedby names, radio groups are fieldsets with a legend, date and
time inputs show the value they hold, dates of birth and mobile numbers are checked."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.template.loader import render_to_string

from linli.fields import BirthDateField, ChineseMobileField
from linli.widgets import DateInput, DateTimeInput, TimeInput


class Sample(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the ID card.")
    kind = forms.ChoiceField(
        label="Kind", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    days = forms.MultipleChoiceField(
        label="Days",
        choices=[("1", "Mon"), ("2", "Tue")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Any you like.",
    )
    token = forms.CharField(widget=forms.HiddenInput, label="Token")


def rendered(form) -> str:
    return render_to_string("includes/form.html", {"form": form})


def ids(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


def test_every_id_that_aria_describedby_names_exists():
    html = rendered(Sample(data={"name": "", "kind": "x"}))

    described = {
        i for value in re.findall(r'aria-describedby="([^"]+)"', html) for i in value.split()
    }
    assert {"id_name_helptext", "id_name_error", "id_kind_error", "id_days_helptext"} <= described
    assert described <= ids(html)


def test_radio_and_checkbox_groups_are_fieldsets_with_the_label_as_legend():
    html = rendered(Sample())

    assert re.search(r"<fieldset[^>]*>\s*<legend>Kind</legend>", html)
    assert re.search(r"<fieldset[^>]*>\s*<legend>Days</legend>", html)
    assert "<label>Kind" not in html and 'for="id_kind"' not in html


def test_a_hidden_field_renders_bare_without_label_or_wrapper():
    html = rendered(Sample(initial={"token": "abc"}))

    assert "Token" not in html
    assert re.search(r'(^|\n)<input type="hidden" name="token" value="abc"', html)


@pytest.mark.parametrize(
    ("widget", "value", "shown"),
    [
        (DateInput(), datetime.date(1941, 3, 8), 'type="date" name="x" value="1941-03-08"'),
        (TimeInput(), datetime.time(9, 30), 'type="time" name="x" value="09:30"'),
        (
            DateTimeInput(),
            datetime.datetime(2026, 11, 18, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
            'type="datetime-local" name="x" value="2026-11-18T09:30"',
        ),
    ],
)
def test_date_and_time_inputs_show_their_value_in_the_format_the_browser_takes(
    widget, value, shown
):
    # In Chinese, Django's first date input format is 1941/03/08, which <input type=date>
    # rejects: edit forms showed an empty date.
    assert shown in widget.render("x", value)


def test_a_birth_date_in_the_future_or_before_1900_is_refused_and_says_the_range():
    field = BirthDateField()

    for typed in ("2030-01-01", "1800-05-01"):
        with pytest.raises(forms.ValidationError) as refused:
            field.clean(typed)
        assert "1900 年 1 月 1 日" in refused.value.messages[0]
    assert field.clean("1941-03-08") == datetime.date(1941, 3, 8)


@pytest.mark.parametrize("typed", ["12345", "abc", "021 5888 0000", "10086", "1381234567"])
def test_junk_and_landline_numbers_are_refused_as_mobile_numbers(typed):
    with pytest.raises(forms.ValidationError) as refused:
        ChineseMobileField().clean(typed)
    assert "手机号码" in refused.value.messages[0]


@pytest.mark.parametrize("typed", ["13812345678", "+86 138 1234 5678", "138-1234-5678"])
def test_a_mobile_number_is_kept_as_its_eleven_digits(typed):
    assert ChineseMobileField().clean(typed) == "13812345678"
