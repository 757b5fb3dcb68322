import pytest
from wagtail.models import Page, Site

from cms.models import HomePage

pytestmark = pytest.mark.django_db


def test_the_site_root_is_the_cms_home_page():
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.locale.language_code == "zh-hans"


def test_the_home_page_is_served_at_the_root_in_chinese(client):
    response = client.get("/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "家门口的服务" in body
    assert "邻里把居民和身边的社区服务连在一起" in body


def test_the_home_page_only_lives_under_the_tree_root():
    assert HomePage.parent_page_types == ["wagtailcore.Page"]
    assert HomePage.can_create_at(Page.get_first_root_node())
    assert not HomePage.can_create_at(HomePage.objects.first())


def test_both_content_languages_exist_for_editors():
    from wagtail.models import Locale

    assert set(Locale.objects.values_list("language_code", flat=True)) == {"zh-hans", "en"}
