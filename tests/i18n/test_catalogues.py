"""Every string a user can see exists in Chinese: the catalogue is complete and current."""

import gettext
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(settings.BASE_DIR)
ZH_PO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
ZH_MO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.mo"


def read_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file (enough of the format for our own catalogues). A
    message with a context is keyed as gettext keys it: context, EOT, msgid."""
    entries: dict[str, str] = {}
    msgid = msgstr = context = None
    current = None
    fuzzy = False

    def flush():
        key = f"{context}\x04{msgid}" if context else msgid
        if msgid and not fuzzy:
            entries[key] = msgstr or ""
        elif msgid and fuzzy:
            entries[key] = ""

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            flush()
            msgid = msgstr = context = current = None
            fuzzy = False
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            context, current = _unquote(line[8:]), "context"
        elif line.startswith("msgid_plural"):
            current = "plural"
        elif line.startswith("msgid "):
            msgid, current = _unquote(line[6:]), "id"
        elif line.startswith("msgstr[0] ") or line.startswith("msgstr "):
            msgstr, current = _unquote(line.split(" ", 1)[1]), "str"
        elif line.startswith('"'):
            if current == "id":
                msgid += _unquote(line)
            elif current == "str":
                msgstr += _unquote(line)
    return entries


def _unquote(text: str) -> str:
    return text.strip()[1:-1].encode("raw_unicode_escape").decode("unicode_escape")


def test_every_chinese_entry_is_translated():
    untranslated = [msgid for msgid, msgstr in read_po(ZH_PO).items() if not msgstr]
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_source():
    with ZH_MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for msgid, msgstr in read_po(ZH_PO).items()
        if msgid and compiled.gettext(msgid) != msgstr
    ]
    assert stale == [], "run `make messages` to recompile the catalogue"


SOURCE_DIRS = [
    "config",
    "accounts",
    "communities",
    "providers",
    "marketplace",
    "orders",
    "billing",
    "statements",
    "reviews",
    "cms",
    "templates",
]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext's xgettext")
def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path, monkeypatch):
    # makemessages writes next to the sources it reads, so it reads a copy.
    for name in SOURCE_DIRS:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    locale = tmp_path / "locale"
    (locale / "zh_Hans/LC_MESSAGES").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    with override_settings(LOCALE_PATHS=[locale]):
        call_command("makemessages", locale=["zh_Hans"], verbosity=0, no_obsolete=True)

    in_code = set(read_po(locale / "zh_Hans/LC_MESSAGES/django.po")) - {""}
    in_catalogue = {msgid for msgid, msgstr in read_po(ZH_PO).items() if msgstr}
    assert sorted(in_code - in_catalogue) == []
