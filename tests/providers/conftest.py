import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from providers import services
from providers.models import DocumentKind, Provider

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
# The first bytes of a Windows program ("MZ" header).
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    """A phone's photo: camera, time and the GPS position of the place it was taken."""
    exif = Image.Exif()
    exif[0x010F] = "Phone Maker"  # Make
    exif[0x0132] = "2026:11:18 09:30:00"  # DateTime
    exif[0x0112] = 6  # Orientation: the camera was turned, the picture must be rotated
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (31.0, 13.0, 24.5)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "E", (121.0, 31.0, 12.3)  # GPSLongitudeRef, GPSLongitude
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (30, 120, 200)).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def assert_no_metadata(stored) -> None:
    """Nothing of the camera, the time or the place left in a stored public photo."""
    stored.open("rb")
    content = stored.read()
    stored.close()
    with Image.open(io.BytesIO(content)) as picture:
        assert dict(picture.getexif()) == {}
        assert not {"exif", "xmp", "comment"} & set(picture.info)
        assert picture.size == (20, 40)  # turned upright before the orientation was dropped
    assert b"Exif" not in content and b"Phone Maker" not in content


def upload(name: str = "licence.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def next_year() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=365)


VALID_CREDIT_CODE = "91350100M000100Y43"
SOCIAL_ORG_CODE = "52100000500020875P"


def register_social_org(owner, communities, name="安馨居家养老服务社") -> Provider:
    return services.register_provider(
        by=owner,
        kind=Provider.Kind.SOCIAL_ORG,
        name=name,
        communities=communities,
        legal_name=f"上海市浦东新区{name}",
        credit_code=SOCIAL_ORG_CODE if name == "安馨居家养老服务社" else "",
        contact_phone="021-5888 0000",
    )


def add_required_documents(provider, by) -> None:
    for kind in (DocumentKind.SOCIAL_ORG_REGISTRATION, DocumentKind.LIABILITY_INSURANCE):
        services.upload_document(
            provider=provider, by=by, kind=kind, upload=upload(), expires_on=next_year()
        )


@pytest.fixture
def applicant(db):
    from tests.conftest import make_user

    return make_user("liu.jing@anxin.example.cn", "刘静")


@pytest.fixture
def draft_provider(applicant, weifang_1) -> Provider:
    return register_social_org(applicant, [weifang_1])


@pytest.fixture
def submitted_provider(draft_provider, applicant) -> Provider:
    add_required_documents(draft_provider, applicant)
    return services.submit_application(provider=draft_provider, by=applicant)


@pytest.fixture
def approved_provider(submitted_provider, street_staff) -> Provider:
    return services.approve_application(provider=submitted_provider, by=street_staff)
