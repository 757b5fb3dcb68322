from django.apps import AppConfig
from django.db.models import fields
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The empty choice of every select, ours and Wagtail's: Django 6.1's "- Select an option -"
# has no Chinese in Django's catalogue yet, and Django lets an app replace it. Replaced when
# this module is imported, not in ready(): wagtail.snippets' ready() (earlier in
# INSTALLED_APPS) loads every wagtail_hooks module, and the ModelChoiceFields of the forms
# ours import take the label when they are defined, before a ready() here would run.
BLANK_CHOICE_LABEL = pgettext_lazy("the empty choice of a list", "— Please choose —")
fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import live_access, second_factor

        second_factor.install()
        live_access.connect()
