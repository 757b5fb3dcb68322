"""People type money in yuan (issue 20, point 5): every form field that ends up in a *_fen
column is a YuanField, which shows and takes yuan and cleans to integer fen."""

import importlib
import pkgutil

from django import forms

import cms.workspace
from marketplace.forms import YuanField

APPS = ["accounts", "billing", "care", "cms", "marketplace", "orders", "providers", "reviews"]
APPS += ["statements"]


def project_forms() -> list[type[forms.BaseForm]]:
    for app in APPS:
        importlib.import_module(f"{app}.forms")
    for module in pkgutil.iter_modules(cms.workspace.__path__):
        importlib.import_module(f"cms.workspace.{module.name}")
    found, todo = [], [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in APPS:
                found.append(sub)
    return found


def test_every_money_field_a_person_types_in_is_in_yuan():
    in_fen = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in project_forms()
        for name, field in form.base_fields.items()
        if name.endswith("_fen") and not isinstance(field, YuanField)
    ]

    assert len(project_forms()) > 30
    assert in_fen == []
