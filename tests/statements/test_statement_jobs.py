"""Issuing a month and writing its PDF as background tasks (decision 0048): the officer asks,
the task runs (the immediate backend, after commit), the page shows how far it is in the
reader's language, and the finished PDF is served only to those who read the statement."""

import io

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from statements import jobs
from statements.models import Statement, StatementJob

pytestmark = pytest.mark.django_db


def ask_for_pdf(client, officer, statement, capture):
    client.force_login(officer)
    with capture(execute=True):
        response = client.post(reverse("purchase:statement_pdf", args=[statement.pk]))
    assert response.status_code == 302
    return statement.jobs.get(kind="pdf")


def pdf_text(body: bytes) -> str:
    pages = PdfReader(io.BytesIO(body)).pages
    return "".join("".join(page.extract_text().replace("\x00", "").split()) for page in pages)


def test_the_officer_asks_for_the_pdf_and_downloads_it_once_the_task_wrote_it(
    client, district_officer, approved, django_capture_on_commit_callbacks
):
    job = ask_for_pdf(client, district_officer, approved, django_capture_on_commit_callbacks)

    assert (job.status, job.lines_total, job.lines_done) == ("done", 3, 3)
    assert job.requested_by == district_officer and job.finished_at is not None
    page = client.get(reverse("purchase:statement", args=[approved.pk])).content.decode()
    link = reverse("purchase:statement_pdf_file", args=[job.pk])
    assert f'href="{link}" data-testid="download-pdf"' in page
    assert 'http-equiv="refresh"' not in page
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(b"".join(response.streaming_content))
    assert approved.number in text
    for name in (approved.purchaser.name, approved.provider.name, "经办人签字："):
        assert name in text


def test_a_second_request_while_the_first_runs_finds_the_first_job(
    district_officer, approved, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = jobs.request_pdf(statement=approved, by=district_officer)
        second = jobs.request_pdf(statement=approved, by=district_officer)

    assert first.pk == second.pk and len(callbacks) == 1
    assert StatementJob.objects.count() == 1


def test_a_task_delivered_twice_writes_the_pdf_once(
    district_officer, approved, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.request_pdf(statement=approved, by=district_officer)
    name = StatementJob.objects.get(pk=job.pk).file.name

    jobs.run_pdf(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "done" and job.file.name == name


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "正在生成 PDF… 40 %"), ("en", "Writing the PDF… 40 %")],
)
def test_the_page_shows_how_far_the_pdf_is_and_comes_back_to_look(
    client, district_officer, approved, language, expected
):
    StatementJob.objects.create(
        statement=approved,
        kind="pdf",
        status="running",
        lines_total=250,
        lines_done=100,
        requested_by=district_officer,
    )
    client.force_login(district_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = client.get(reverse("purchase:statement", args=[approved.pk])).content.decode()

    assert expected in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert 'data-testid="download-pdf"' not in page
    assert 'data-testid="make-pdf"' not in page


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("district_officer", 200),
        ("huangpu_officer", 404),
        ("provider_manager", 404),
        ("daughter", 404),
        ("street_staff", 404),
    ],
)
def test_the_written_pdf_is_served_only_to_the_statements_officers(
    client, cast, huangpu_officer, district_officer, approved, who, expected,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.request_pdf(statement=approved, by=district_officer)
    client.force_login(huangpu_officer if who == "huangpu_officer" else cast[who])

    assert client.get(reverse("purchase:statement_pdf_file", args=[job.pk])).status_code == expected


def test_others_cannot_ask_for_the_pdf(
    client, huangpu_officer, approved, django_capture_on_commit_callbacks
):
    client.force_login(huangpu_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("purchase:statement_pdf", args=[approved.pk]))

    assert response.status_code == 404
    assert StatementJob.objects.count() == 0


def test_a_draft_has_no_pdf(
    client, district_officer, statement, django_capture_on_commit_callbacks
):
    client.force_login(district_officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("purchase:statement_pdf", args=[statement.pk]))

    assert StatementJob.objects.count() == 0


def test_issuing_runs_as_a_task_and_the_page_says_so_until_it_is_done(
    client, district_officer, statement, three_visits, django_capture_on_commit_callbacks
):
    client.force_login(district_officer)
    url = reverse("purchase:statement_step", args=[statement.pk, "issue"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(url)
    page = client.get(reverse("purchase:statement", args=[statement.pk])).content.decode()
    assert "正在出具结算单…" in page and 'http-equiv="refresh"' in page
    assert 'data-testid="issue"' not in page
    statement.refresh_from_db()
    assert statement.status == "draft"

    for callback in callbacks:
        callback()

    statement.refresh_from_db()
    assert statement.status == "issued" and statement.lines.count() == 3
    job = statement.jobs.get(kind="issue")
    assert (job.status, job.requested_by) == ("done", district_officer)
    page = client.get(reverse("purchase:statement", args=[statement.pk])).content.decode()
    assert "正在出具结算单…" not in page and 'http-equiv="refresh"' not in page


def test_an_issue_job_that_finds_the_statement_issued_fails_with_the_reason(
    district_officer, statement, three_visits, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        jobs.request_issue(statement=statement, by=district_officer)
    Statement.objects.filter(pk=statement.pk).update(status="issued")

    for callback in callbacks:
        callback()

    job = statement.jobs.get()
    assert job.status == "failed"
    assert job.error == "该结算单已出具。"  # the worker speaks the site's language
    assert statement.lines.count() == 0


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_failed_issue_is_shown_in_the_readers_language(
    client, district_officer, statement, language
):
    StatementJob.objects.create(
        statement=statement, kind="issue", status="failed", error="x", requested_by=district_officer
    )
    client.force_login(district_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = client.get(reverse("purchase:statement", args=[statement.pk])).content.decode()

    assert ("出具失败：" if language == "zh-hans" else "Issuing failed:") in page
    assert 'data-testid="issue"' in page
