from django.apps import AppConfig
from django.db.models import fields
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The empty choice of every select, ours and Wagtail's: Django 6.1's "- Select an option -"
# has no Chinese in Django's catalogue yet, and Django lets an app's ready() replace it.
BLANK_CHOICE_LABEL = pgettext_lazy("the empty choice of a list", "— Please choose —")


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from accounts import live_access, second_factor

        fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL
        second_factor.install()
        live_access.connect()
