import pytest

pytestmark = pytest.mark.django_db


def test_the_site_speaks_chinese_by_default_whatever_the_browser_says(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans"' in response.content.decode()


def test_switching_to_english_is_remembered_on_the_next_visit(client):
    response = client.post("/prefs/language/", {"language": "en", "next": "/"})
    assert response.status_code == 302

    response = client.get("/")
    assert response["Content-Language"] == "en"
    assert "Services around your home" in response.content.decode()


def test_a_logged_in_persons_language_follows_them_to_another_device(client, daughter):
    client.force_login(daughter)
    client.post("/prefs/language/", {"language": "en", "next": "/"})
    daughter.refresh_from_db()
    assert daughter.language == "en"

    client.cookies.clear()
    client.force_login(daughter)
    assert client.get("/")["Content-Language"] == "en"


def test_an_unknown_language_is_refused_and_nothing_changes(client, daughter):
    client.force_login(daughter)
    client.post("/prefs/language/", {"language": "fr", "next": "/"})
    daughter.refresh_from_db()
    assert daughter.language == ""
    assert client.get("/")["Content-Language"] == "zh-hans"


def test_elder_mode_is_remembered_for_anonymous_visitors(client):
    client.post("/prefs/elder-mode/", {"elder_mode": "1", "next": "/"})
    assert 'class="elder"' in client.get("/").content.decode()

    client.post("/prefs/elder-mode/", {"elder_mode": "0", "next": "/"})
    assert 'class="elder"' not in client.get("/").content.decode()


def test_elder_mode_is_saved_on_the_account(client, daughter):
    client.force_login(daughter)
    client.post("/prefs/elder-mode/", {"elder_mode": "1", "next": "/"})
    daughter.refresh_from_db()
    assert daughter.elder_mode is True


def test_switching_never_redirects_to_another_site(client):
    response = client.post("/prefs/language/", {"language": "en", "next": "https://evil.example"})
    assert response.url == "/"
