"""Pictures uploaded in Wagtail's admin for public pages lose their EXIF and GPS position,
like the photos providers and residents upload (decision 0018)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.images import get_image_model

from tests.providers.conftest import assert_no_metadata, jpeg_with_gps

pytestmark = pytest.mark.django_db


def test_a_picture_uploaded_in_the_admin_is_stored_without_its_gps_position(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(
        "/cms-admin/images/add/",
        {
            "title": "社区活动",
            "file": SimpleUploadedFile("party.jpg", jpeg_with_gps(), content_type="image/jpeg"),
            "collection": 1,
        },
    )

    assert response.status_code == 302
    image = get_image_model().objects.get(title="社区活动")
    assert_no_metadata(image.file)
    image.file.open("rb")
    assert image.file_size == len(image.file.read())  # Wagtail measured the cleaned file
