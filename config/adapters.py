"""The allauth adapter the site uses: accounts' one, with the role-aware landing, which
needs to know the apps above accounts (providers, the workspace)."""

from accounts.adapters import AccountAdapter as BaseAccountAdapter
from config.landing import landing_url


class AccountAdapter(BaseAccountAdapter):
    def get_login_redirect_url(self, request):
        # allauth only asks when there is no safe `next`: a `next` still wins.
        return landing_url(request.user)
