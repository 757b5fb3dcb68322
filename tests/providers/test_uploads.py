import pytest
from django.core.files.storage import storages
from django.test import override_settings
from django.utils import translation

from providers import services
from providers.exceptions import ProvidersError
from providers.models import DocumentKind, ProviderDocument, ProviderEvent
from tests.providers.conftest import EXE_BYTES, PDF_BYTES, next_year, png_bytes, upload

pytestmark = pytest.mark.django_db


def stored_files() -> list[str]:
    storage = storages["private"]
    if not storage.exists("provider-documents"):
        return []
    return storage.listdir("provider-documents")[1]


def send(provider, by, file):
    return services.upload_document(
        provider=provider,
        by=by,
        kind=DocumentKind.SOCIAL_ORG_REGISTRATION,
        upload=file,
        expires_on=next_year(),
    )


def test_a_renamed_exe_is_refused_with_a_clear_message_and_nothing_is_stored(
    draft_provider, applicant
):
    files_before, events_before = stored_files(), ProviderEvent.objects.count()

    with pytest.raises(ProvidersError) as error:
        send(draft_provider, applicant, upload("营业执照.pdf", EXE_BYTES))

    with translation.override("zh-hans"):
        assert "只接受 PDF、JPEG 或 PNG 文件" in str(error.value.message)
    with translation.override("en"):
        assert "Only PDF, JPEG or PNG files are accepted" in str(error.value.message)
    assert not ProviderDocument.objects.exists()
    assert stored_files() == files_before
    assert ProviderEvent.objects.count() == events_before


def test_a_pdf_is_stored_privately_under_a_name_we_choose(draft_provider, applicant):
    document = send(draft_provider, applicant, upload("../../etc/passwd.pdf", PDF_BYTES))

    assert document.content_type == "application/pdf"
    assert document.file.name.startswith("provider-documents/")
    assert document.file.name.endswith(".pdf")
    assert "passwd" not in document.file.name
    assert document.file.storage is storages["private"]
    assert document.original_name == "passwd.pdf"  # the uploader's folders never reach us


def test_the_type_comes_from_the_content_not_the_name(draft_provider, applicant):
    document = send(draft_provider, applicant, upload("scan.pdf", png_bytes()))
    assert document.content_type == "image/png"
    assert document.file.name.endswith(".png")


def test_a_truncated_image_is_refused(draft_provider, applicant):
    with pytest.raises(ProvidersError):
        send(draft_provider, applicant, upload("scan.png", png_bytes()[:30]))
    assert not ProviderDocument.objects.exists()


def test_a_pdf_without_its_end_is_refused(draft_provider, applicant):
    with pytest.raises(ProvidersError):
        send(draft_provider, applicant, upload("scan.pdf", PDF_BYTES[:40]))
    assert not ProviderDocument.objects.exists()


@override_settings(PROVIDER_DOCUMENT_MAX_BYTES=100)
def test_a_file_over_the_limit_is_refused_saying_the_limit(draft_provider, applicant):
    with translation.override("en"), pytest.raises(ProvidersError) as error:
        send(draft_provider, applicant, upload("big.pdf", PDF_BYTES))
    with translation.override("en"):
        assert "the limit is 100" in str(error.value.message)
    assert not ProviderDocument.objects.exists()


def test_an_expired_document_is_refused(draft_provider, applicant):
    import datetime

    with pytest.raises(ProvidersError):
        services.upload_document(
            provider=draft_provider,
            by=applicant,
            kind=DocumentKind.SOCIAL_ORG_REGISTRATION,
            upload=upload(),
            expires_on=datetime.date(2020, 1, 1),
        )
    assert not ProviderDocument.objects.exists()


def test_a_document_of_another_kind_of_organisation_is_refused(draft_provider, applicant):
    with pytest.raises(ProvidersError):
        services.upload_document(
            provider=draft_provider,
            by=applicant,
            kind=DocumentKind.PROPERTY_QUALIFICATION,
            upload=upload(),
            expires_on=next_year(),
        )
