"""Public photos keep their pixels only: no EXIF, above all no GPS position (decision 0018)."""

import io

import pytest
from PIL import Image

from providers import services
from tests.providers.conftest import assert_no_metadata, jpeg_with_gps, png_bytes, upload

pytestmark = pytest.mark.django_db


def test_the_test_photo_really_carries_a_gps_position():
    with Image.open(io.BytesIO(jpeg_with_gps())) as picture:
        assert picture.getexif().get_ifd(0x8825)[2] == (31.0, 13.0, 24.5)


def test_a_providers_photo_is_stored_without_its_gps_position(approved_provider, applicant):
    photo = services.add_photo(
        provider=approved_provider, by=applicant, upload=upload("home.jpg", jpeg_with_gps())
    )
    assert_no_metadata(photo.image.file)


def test_a_png_photo_keeps_its_kind_and_loses_its_text_chunks(approved_provider, applicant):
    from PIL.PngImagePlugin import PngInfo

    notes = PngInfo()
    notes.add_text("Location", "潍坊路 100 号")
    buffer = io.BytesIO()
    Image.open(io.BytesIO(png_bytes())).save(buffer, format="PNG", pnginfo=notes)

    photo = services.add_photo(
        provider=approved_provider, by=applicant, upload=upload("team.png", buffer.getvalue())
    )

    photo.image.file.open("rb")
    content = photo.image.file.read()
    assert content.startswith(b"\x89PNG") and "潍坊路".encode() not in content
