from contextvars import ContextVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from accounts.roles import has_second_factor, needs_second_factor

# Elder mode of the request being answered, for what renders without the request: Wagtail's
# insert_global_admin_css hook takes no arguments (cms/wagtail_hooks.py).
elder_mode_now: ContextVar[bool] = ContextVar("elder_mode_now", default=False)


def _chosen_language(request) -> str:
    supported = {code for code, _name in settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in supported:
        return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in supported:
        return cookie
    return settings.LANGUAGE_CODE


class PreferencesMiddleware:
    """Language and elder mode as the person chose them, remembered on the account or
    in a cookie. The browser's Accept-Language is ignored on purpose: Linli is Chinese
    unless someone switches (docs/decisions/0002)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = _chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        user = request.user
        if user.is_authenticated:
            request.elder_mode = user.elder_mode
        else:
            request.elder_mode = request.COOKIES.get(settings.ELDER_MODE_COOKIE) == "1"
        token = elder_mode_now.set(request.elder_mode)
        try:
            response = self.get_response(request)
        finally:
            elder_mode_now.reset(token)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class RequireSecondFactorMiddleware:
    """Staff, purchaser officers and admins set up an authenticator app before they use
    the site at all: their actions on orders, providers and statements are staff actions
    wherever they are taken (docs/decisions/0004)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not request.path.startswith(settings.SECOND_FACTOR_EXEMPT_PREFIXES)
            and needs_second_factor(request.user)
            and not has_second_factor(request.user)
        ):
            if not request.accepts("text/html"):
                # A page's own background request (the unread count) must not be sent to
                # the set-up page: each visit there draws a new key, so the key on the
                # screen the person is scanning would no longer be the one checked.
                return HttpResponseForbidden()
            messages.info(
                request,
                _(
                    "Staff screens hold other people's data. Please set up an authenticator "
                    "app as a second factor first."
                ),
            )
            target = reverse("mfa_activate_totp")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class WorkspaceOnlyForStaffMiddleware:
    """A resident or provider who follows a link into the staff workspace is already
    logged in; Wagtail would send them to the login page again. To them the workspace
    does not exist: 404, as for any object that is not theirs (docs/decisions/0006)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            request.path.startswith(reverse("wagtailadmin_home"))
            and user.is_authenticated
            and not user.has_perm("wagtailadmin.access_admin")
        ):
            raise Http404
        return self.get_response(request)


class RefuseNullCharactersMiddleware:
    """No one types a NUL character and PostgreSQL cannot store one: a request carrying one
    in a query or form field is a 400 before the view runs. Django's forms refuse NUL
    already; this covers the views that read single fields (a reason, a note) directly,
    which otherwise failed with a database error (500). Views exempt from CSRF (the Stripe
    webhook) read their raw body themselves, so their form data is not parsed here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        sources = [request.GET]
        if not getattr(view_func, "csrf_exempt", False):
            sources.append(request.POST)
        for data in sources:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    raise BadRequest("NUL character in request data")
        return None
