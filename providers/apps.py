from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = _("Providers")

    def ready(self) -> None:
        from accounts.live_access import follow
        from providers.models import ProviderMember

        # Open sockets of the person ask again whether they may stay (decision 0023).
        follow(ProviderMember, "user_id")
