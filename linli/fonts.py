"""The font with the Chinese characters that PDFs embed (OS package fonts-noto-cjk, or
PDF_CJK_FONT): statements and receipts look it up the same way."""

from pathlib import Path

from django.conf import settings


def find_cjk_font() -> tuple[Path, int] | None:
    for path, index in settings.PDF_CJK_FONTS:
        if path and Path(path).exists():
            return Path(path), index
    return None
