from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        from accounts.live_access import follow
        from billing.models import PurchaserOfficer

        # Open sockets of the person ask again whether they may stay (decision 0023).
        follow(PurchaserOfficer, "user_id")
