"""How a private upload (a provider's certificate, eligibility evidence) leaves the site.

Whoever uploaded it chose its bytes. Served inline, a crafted file could run as a page of
ours; so it is always a download (`attachment`), the browser may not guess another type
(`nosniff`), and should it be shown anyway it runs sandboxed, with nothing to load
(decision 0018).
"""

from django.core.files import File
from django.http import FileResponse

SANDBOX_POLICY = "sandbox; default-src 'none'"


def private_file_response(file: File, *, content_type: str, filename: str) -> FileResponse:
    response = FileResponse(
        file.open("rb"), content_type=content_type, as_attachment=True, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    # Set here, so the site-wide CSP middleware leaves it alone.
    response["Content-Security-Policy"] = SANDBOX_POLICY
    return response
