"""Content-Security-Policy: what a page of ours may load and run (decision 0018).

The site's own pages get a strict policy: scripts and styles only from files (ours and
Stripe.js), no inline script, no inline style, no `style=""` attribute. Wagtail's admin (the
staff workspace under /cms-admin/) writes inline scripts and style attributes of its own, so
it gets a looser policy that still keeps other origins out. Violations are reported to
/csp-report/ and logged (`linli.csp`).
"""

import json
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.utils.csp import CSP
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("linli.csp")

REPORT_PATH = "/csp-report/"
WORKSPACE_PREFIX = "/cms-admin/"
# A report is a few hundred bytes; anything much larger is not a browser's report.
REPORT_MAX_BYTES = 16 * 1024


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def strict_policy(*, stripe_js_url: str, stripe_api_base: str) -> dict[str, list[str]]:
    """The public site's and the resident's pages: nothing inline, Stripe only for paying."""
    stripe = sorted({_origin(stripe_js_url), _origin(stripe_api_base)})
    return {
        "default-src": [CSP.SELF],
        "script-src": [CSP.SELF, *stripe],
        "style-src": [CSP.SELF],
        # data: for the authenticator QR code allauth draws while staff set up their second factor.
        "img-src": [CSP.SELF, "data:"],
        # 'self' covers the page's own WebSockets (ws:/wss: on this host) in CSP level 3.
        "connect-src": [CSP.SELF, *stripe],
        "frame-src": stripe,
        "form-action": [CSP.SELF],
        "frame-ancestors": [CSP.NONE],
        "base-uri": [CSP.NONE],
        "object-src": [CSP.NONE],
        "report-uri": [REPORT_PATH],
    }


def workspace_policy(strict: dict[str, list[str]]) -> dict[str, list[str]]:
    """Wagtail's admin: its own inline scripts and styles allowed, previews framed by itself."""
    return {
        **strict,
        "script-src": [*strict["script-src"], CSP.UNSAFE_INLINE],
        "style-src": [*strict["style-src"], CSP.UNSAFE_INLINE],
        "img-src": [*strict["img-src"], "blob:"],
        "frame-src": [CSP.SELF, *strict["frame-src"]],
        "frame-ancestors": [CSP.SELF],
    }


class PerPathContentSecurityPolicyMiddleware(ContentSecurityPolicyMiddleware):
    """Django's CSP middleware, with the workspace policy under the Wagtail admin.

    A view that sets its own Content-Security-Policy header keeps it (private documents)."""

    def process_response(self, request, response):
        if request.path.startswith(WORKSPACE_PREFIX) and not hasattr(response, "_csp_config"):
            response._csp_config = settings.SECURE_CSP_WORKSPACE
        return super().process_response(request, response)


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Browsers post what a policy blocked; we log it and answer nothing."""
    try:
        if int(request.headers.get("Content-Length") or 0) > REPORT_MAX_BYTES:
            return HttpResponse(status=413)
        report = json.loads(request.body or b"{}")
    except ValueError:
        return HttpResponse(status=400)
    body = report.get("csp-report", report) if isinstance(report, dict) else report
    if not isinstance(body, dict):
        return HttpResponse(status=400)
    logger.warning(
        "CSP violation: %s blocked %s on %s",
        body.get("violated-directive") or body.get("effective-directive"),
        body.get("blocked-uri"),
        body.get("document-uri"),
    )
    return HttpResponse(status=204)
