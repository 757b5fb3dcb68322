"""Issue 20, point 2: the catalogue shows pictures, stars and search boxes, and category
cards lead somewhere. Each of the bugs found ("cards that are not links", "no search box on
the home page", "no image anywhere") has its test here."""

import io
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from marketplace import pictures
from marketplace import services as market_services
from marketplace.models import Category
from tests.marketplace.conftest import publish

pytestmark = pytest.mark.django_db


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 40), (200, 80, 60)).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), "image/png")


def test_the_home_pages_category_cards_are_links_to_their_category(client):
    body = client.get("/").content.decode()
    links = re.findall(r'<a class="card category-card" href="([^"]+)"', body)
    catalogue = reverse("marketplace:catalogue")
    assert links == [
        f"{catalogue}?category={slug}" for slug in ("household", "eldercare", "convenience")
    ]


def test_each_category_card_on_the_home_page_shows_its_drawn_icon(client):
    body = client.get("/").content.decode()
    for slug in ("household", "eldercare", "convenience"):
        assert f'src="/static/img/categories/{slug}.svg" width="64" height="64" alt=""' in body


def test_the_home_page_has_a_search_box_that_searches_the_catalogue(client):
    body = client.get("/").content.decode()
    form = re.search(r'<form class="home-search[^>]*action="([^"]+)"', body)
    assert form is not None
    assert form.group(1) == reverse("marketplace:catalogue")
    assert 'name="q" id="home-q"' in body
    assert '<label for="home-q"' in body


@pytest.mark.parametrize("url", ["/", "/services/", "/accounts/login/"])
def test_every_page_has_a_search_box_in_its_header(client, url):
    body = client.get(url).content.decode()
    assert 'data-testid="header-search"' in body
    assert f'action="{reverse("marketplace:catalogue")}"' in body
    assert '<label for="header-q"' in body


def test_a_service_without_a_photo_shows_its_categorys_drawn_placeholder(client, provider_a):
    service = publish(provider_a, title_zh="上门助浴", category="bathing")
    card = client.get(reverse("marketplace:catalogue")).content.decode()
    assert 'src="/static/img/placeholders/bathing.svg" width="320" height="200" alt=""' in card
    page = client.get(service.get_absolute_url()).content.decode()
    assert 'src="/static/img/placeholders/bathing.svg" width="640" height="400"' in page


def test_a_service_photo_uploaded_by_its_provider_shows_with_alt_text_and_a_size(
    client, provider_a, provider_manager
):
    service = publish(provider_a, title_zh="家庭保洁")
    market_services.set_service_photo(service=service, by=provider_manager, upload=png())
    card = client.get(reverse("marketplace:catalogue")).content.decode()
    photo = re.search(r'<img [^>]*class="service-photo"[^>]*>', card).group(0)
    assert 'alt="家庭保洁"' in photo
    assert 'width="' in photo and 'height="' in photo
    assert "placeholder" not in photo


def test_a_provider_without_photos_shows_a_drawn_placeholder(client, provider_a):
    body = client.get(reverse("providers:profile", args=[provider_a.pk])).content.decode()
    assert 'src="/static/img/placeholders/provider.svg" width="320" height="200"' in body


def test_a_sub_category_without_its_own_drawing_takes_its_parents_then_the_generic_one():
    laundry = Category.objects.select_related("parent").get(slug="laundry")
    assert pictures.drawing_for(laundry) == "household"
    assert pictures.drawing_for(Category.objects.get(slug="bathing")) == "bathing"
    assert pictures.drawing_for(Category(slug="new-thing")) == pictures.GENERIC


def test_every_drawing_named_in_the_code_exists():
    from django.contrib.staticfiles import finders

    for slug in [*pictures.DRAWN, pictures.GENERIC]:
        assert finders.find(f"img/categories/{slug}.svg"), slug
        assert finders.find(f"img/placeholders/{slug}.svg"), slug
    assert finders.find("img/placeholders/provider.svg")


def test_ratings_show_as_stars_with_words_for_screen_readers(client, provider_a):
    service = publish(provider_a, title_zh="家庭保洁")
    service.rating_average, service.rating_count = Decimal("4.46"), 12
    service.save()
    body = client.get(reverse("marketplace:catalogue")).content.decode()
    assert (
        '<span class="stars" aria-hidden="true">'
        '<span class="stars-on halves-9" data-clipped-by-design>' in body
    )
    assert '<span class="visually-hidden">4.5 分（满分 5 分），12 个评分</span>' in body


def test_ratings_are_read_out_in_english_too(client, provider_a):
    service = publish(provider_a, title_zh="家庭保洁")
    service.rating_average, service.rating_count = Decimal("4.5"), 1
    service.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("marketplace:catalogue")).content
    assert b"4.5 out of 5, 1 rating</span>" in body


def test_an_unrated_service_shows_no_stars(client, provider_a):
    publish(provider_a, title_zh="家庭保洁")
    assert 'class="stars"' not in client.get(reverse("marketplace:catalogue")).content.decode()
