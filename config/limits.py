"""A cap on the size of a request body, enforced before the body is read (decision 0018).

DATA_UPLOAD_MAX_MEMORY_SIZE leaves files out, and Django's ASGI handler reads the whole body
into a temporary file before any middleware runs, so a 2 GB upload would be written to disk
first. Two guards therefore:

- `cap_request_body`, around the ASGI application (Daphne in the demo and in production):
  refuses a declared Content-Length over the cap before the application reads anything,
  and stops reading a body without one (chunked) as soon as it passes the cap. Daphne
  (Twisted) has by then received the body into a temporary file of its own; only the proxy
  in front can refuse it sooner (README, deployment notes);
- `RequestBodyCapMiddleware`, for WSGI servers and the test client: there the body can never
  be longer than its Content-Length, so checking the header refuses it before it is read.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext

TOO_LARGE = "The upload is too large. Send smaller files, or fewer at a time."


def _message() -> str:
    """Both languages: at this point the person's language is not known yet."""
    with translation.override("zh-hans"):
        chinese = gettext(TOO_LARGE)
    return f"{chinese}\n{TOO_LARGE}\n"


def _declared_length(value: str | bytes | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


class RequestBodyCapMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _declared_length(request.META.get("CONTENT_LENGTH"))
        if length is not None and length > settings.REQUEST_BODY_MAX_BYTES:
            return HttpResponse(_message(), status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def cap_request_body(app):
    """ASGI middleware: 413 for a body over REQUEST_BODY_MAX_BYTES, before or while it arrives."""

    async def capped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        limit = settings.REQUEST_BODY_MAX_BYTES
        headers = dict(scope.get("headers") or [])
        length = _declared_length(headers.get(b"content-length"))
        if length is not None and length > limit:
            return await _refuse(send)
        received = 0
        too_large = False

        async def counting_receive():
            nonlocal received, too_large
            if too_large:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Django stops reading at a disconnect and answers nothing; we answer.
                    too_large = True
                    return {"type": "http.disconnect"}
            return message

        await app(scope, counting_receive, send)
        if too_large:
            await _refuse(send)

    return capped


async def _refuse(send) -> None:
    body = _message().encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
