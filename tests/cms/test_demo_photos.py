"""The demo ships photos drawn for it (cms/demo_assets/), attached by the seed through the
providers' own upload services, so its catalogue is not a wall of placeholders."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from cms import demo_data
from marketplace.models import Service
from providers.models import Provider

pytestmark = pytest.mark.django_db


def test_every_demo_service_and_provider_has_a_photo_after_seeding(client):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())  # twice: no second photo

    services = Service.objects.filter(title_zh__in=demo_data.SERVICE_PHOTOS)
    assert services.count() == len(demo_data.SERVICE_PHOTOS)
    assert not services.filter(image__isnull=True).exists()
    for name in demo_data.PROVIDER_PHOTOS:
        assert Provider.objects.get(name=name).photos.count() == 1

    body = client.get(reverse("marketplace:catalogue"), {"community": ""}).content.decode()
    assert 'data-testid="placeholder"' not in body
    assert body.count('class="service-photo"') == len(demo_data.SERVICE_PHOTOS)
