"""What is in the database, to say "nothing else was written"."""

from django.apps import apps

# The project's own apps; Django's, Wagtail's and allauth's tables (sessions, log entries,
# page revisions) change for reasons of their own.
OURS = {
    "accounts",
    "communities",
    "providers",
    "marketplace",
    "orders",
    "billing",
    "statements",
    "reviews",
}


def row_counts() -> dict[str, int]:
    """Rows of every model of the project's apps, by model label."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in OURS and not model._meta.proxy
    }


def changed_counts(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """The models whose number of rows changed, with the change."""
    return {
        label: after[label] - before.get(label, 0)
        for label in after
        if after[label] != before.get(label, 0)
    }
