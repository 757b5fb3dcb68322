"""A database constraint that stops a form speaks to people, in their language: never
"约束 “weekly_hours_end_after_start” 是无效的" (issue 20, point 4)."""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import BaseConstraint
from django.utils import translation

from marketplace.forms import WeeklyHoursForm

ROOT = Path(settings.BASE_DIR).resolve()


def our_constraints() -> list[tuple[str, BaseConstraint]]:
    """Every constraint of every model whose app lives in this repository (not .venv)."""
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if not path.is_relative_to(ROOT) or ".venv" in path.parts:
            continue
        for model in config.get_models():
            found += [(f"{model._meta.label}.{c.name}", c) for c in model._meta.constraints]
    return found


def test_the_walk_finds_the_constraints_of_our_apps():
    names = {name for name, _constraint in our_constraints()}
    assert "marketplace.WeeklyHours.weekly_hours_end_after_start" in names
    assert "cms.SurveyAnswer.one_answer_per_account" in names
    assert len(names) > 60


def test_every_constraint_of_our_models_has_its_own_message():
    without = [
        name
        for name, constraint in our_constraints()
        if constraint.violation_error_message == constraint.default_violation_error_message
    ]
    assert without == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_constraint_message_names_the_constraint(language):
    with translation.override(language):
        naming = [
            name
            for name, constraint in our_constraints()
            if constraint.name in constraint.get_violation_error_message()
        ]
    assert naming == []


def test_every_constraint_message_is_in_chinese():
    untranslated = []
    for name, constraint in our_constraints():
        with translation.override("en"):
            english = constraint.get_violation_error_message()
        with translation.override("zh-hans"):
            chinese = constraint.get_violation_error_message()
        if chinese == english:
            untranslated.append(name)
    assert untranslated == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "结束时间必须晚于开始时间。"),
        ("en", "The closing time must be later than the opening time."),
    ],
)
def test_hours_that_end_before_they_start_are_refused_in_words(language, expected):
    with translation.override(language):
        form = WeeklyHoursForm(
            data={"weekday": 0, "starts_at": "12:00", "ends_at": "09:00", "capacity": 1}
        )
        assert not form.is_valid()
        errors = " ".join(form.non_field_errors())
    assert errors == expected
    assert "weekly_hours" not in errors
