"""Web hardening (decision 0018): the Content-Security-Policy on every page, a report
endpoint that logs, private documents served as sandboxed downloads, and a cap on the size
of a request body under both WSGI and ASGI."""

import asyncio
import json
import logging

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from config.asgi import application as asgi_application
from tests.conftest import make_user
from tests.providers.conftest import add_required_documents, register_social_org

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_public_pages_send_a_strict_policy_without_inline_script_or_style(client):
    response = client.get(reverse("marketplace:catalogue"))

    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["report-uri"] == ["/csp-report/"]


def test_the_pay_page_policy_lets_stripe_js_in_and_nothing_else_from_outside():
    policy = settings.SECURE_CSP
    stripe = settings.STRIPE_JS_URL.split("/js.stripe.com")[0]
    assert stripe in policy["script-src"]
    assert stripe in policy["frame-src"]
    assert set(policy["script-src"]) == {"'self'", stripe}


def test_the_wagtail_workspace_gets_its_looser_policy(client, community_staff):
    client.force_login(community_staff)
    response = client.get("/cms-admin/")

    policy = directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]


def test_a_violation_report_is_logged(client, caplog):
    report = {
        "csp-report": {
            "document-uri": "http://testserver/services/",
            "violated-directive": "script-src-elem",
            "blocked-uri": "inline",
        }
    }
    with caplog.at_level(logging.WARNING, logger="linli.csp"):
        response = client.post(
            "/csp-report/", json.dumps(report), content_type="application/csp-report"
        )

    assert response.status_code == 204
    assert "script-src-elem blocked inline on http://testserver/services/" in caplog.text


def test_a_report_that_is_not_json_is_refused_without_an_error(client):
    response = client.post("/csp-report/", "<html>", content_type="application/csp-report")
    assert response.status_code == 400


def test_an_oversized_report_is_refused_unread(client):
    response = client.post("/csp-report/", "x" * 20_000, content_type="application/csp-report")
    assert response.status_code == 413


def test_a_provider_document_is_a_sandboxed_download_the_browser_may_not_sniff(client, weifang_1):
    applicant = make_user("owner@anxin.cn", "王芳")
    provider = register_social_org(applicant, [weifang_1])
    add_required_documents(provider, applicant)
    document = provider.documents.first()
    client.force_login(applicant)

    response = client.get(reverse("providers:document_file", args=[document.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


@override_settings(REQUEST_BODY_MAX_BYTES=1000)
def test_a_body_over_the_cap_is_refused_with_413_under_wsgi(client):
    response = client.post("/accounts/login/", {"login": "a@example.cn", "password": "x" * 2000})

    assert response.status_code == 413
    assert "上传的内容太大" in response.content.decode()


@override_settings(REQUEST_BODY_MAX_BYTES=1000)
def test_a_body_under_the_cap_goes_through(client):
    response = client.post("/accounts/login/", {"login": "a@example.cn", "password": "x"})
    assert response.status_code == 200


async def asgi_post(body_chunks: list[bytes], *, content_length: int | None) -> tuple:
    """POST to the ASGI application; say what it answered and how much it read."""
    headers = [(b"host", b"testserver"), (b"content-type", b"application/octet-stream")]
    if content_length is not None:
        headers.append((b"content-length", str(content_length).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/csp-report/",
        "raw_path": b"/csp-report/",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    messages = [
        {"type": "http.request", "body": chunk, "more_body": index < len(body_chunks) - 1}
        for index, chunk in enumerate(body_chunks)
    ]
    read = 0
    sent = []

    async def receive():
        nonlocal read
        if messages:
            read += 1
            return messages.pop(0)
        await asyncio.sleep(3600)  # the client waits for the answer

    async def send(message):
        sent.append(message)

    await asyncio.wait_for(asgi_application(scope, receive, send), timeout=10)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, read


@override_settings(REQUEST_BODY_MAX_BYTES=1000)
def test_asgi_refuses_a_declared_length_over_the_cap_without_reading_the_body():
    status, read = asyncio.run(asgi_post([b"x" * 500] * 10, content_length=5000))
    assert (status, read) == (413, 0)


@override_settings(REQUEST_BODY_MAX_BYTES=1000)
def test_asgi_stops_reading_a_chunked_body_as_soon_as_it_passes_the_cap():
    status, read = asyncio.run(asgi_post([b"x" * 500] * 10, content_length=None))
    assert (status, read) == (413, 3)
