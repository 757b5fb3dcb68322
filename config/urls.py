from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts import views as account_views
from config import csp


def _platform_admins_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


# Django admin is for platform admins only, and its login goes through allauth so that
# rate limits and the second factor apply there too.
admin.site.has_permission = _platform_admins_only
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = settings.WAGTAIL_SITE_NAME

urlpatterns = [
    path("csp-report/", csp.csp_report, name="csp_report"),
    path("django-admin/", admin.site.urls),
    # Wagtail's own login would skip allauth's second factor and rate limits.
    path(
        "cms-admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
    ),
    path("cms-admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("", include("providers.urls")),
    path("", include("marketplace.urls")),
    path("", include("orders.urls")),
    path("", include("care.urls")),
    path("", include("billing.urls")),
    path("", include("reviews.urls")),
    path("", include("statements.urls")),
    path("", include("cms.urls")),
    path("prefs/language/", account_views.set_language, name="set_language"),
    path("prefs/elder-mode/", account_views.set_elder_mode, name="set_elder_mode"),
]
if settings.SERVE_MEDIA:
    urlpatterns.append(
        re_path(
            r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}, name="media"
        )
    )
urlpatterns.append(path("", include(wagtail_urls)))
