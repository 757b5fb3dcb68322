"""Every page says what it is about to search engines and link previews (issue 20, point 6):
a default for the site, and the main public pages their own, in the reader's language."""

import re

import pytest

from tests.marketplace.conftest import publish

pytestmark = pytest.mark.django_db

DESCRIPTION = re.compile(r'<meta name="description" content="([^"]+)">')


def _description(client, path: str) -> str:
    found = DESCRIPTION.findall(client.get(path).content.decode())
    assert len(found) == 1, path
    return found[0]


def test_the_catalogue_a_service_and_a_provider_describe_themselves(client, provider_a):
    service = publish(provider_a, title_zh="上门助浴", title_en="Bathing at home")
    default = _description(client, "/accounts/login/")
    assert "邻里" in default
    pages = ["/services/", service.get_absolute_url(), f"/providers/{provider_a.pk}/"]
    described = [_description(client, path) for path in pages]
    assert default not in described
    assert "上门助浴" in described[1]
    assert provider_a.name in described[2]


def test_the_description_follows_the_readers_language(client, provider_a):
    client.cookies["django_language"] = "en"
    assert "Find community services" in _description(client, "/services/")
