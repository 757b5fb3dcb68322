"""The site's URLs plus one minimal view, served by the same server and middleware, as the
yardstick the HTTP benchmark divides by."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


# Before the site's patterns: Wagtail's catch-all page route comes last there.
urlpatterns = [path("bench/minimal/", minimal, name="bench_minimal"), *site_urlpatterns]
