"""Checks an uploaded document by what it contains, never by its name, and keeps only the
pixels of a public photo."""

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from providers.exceptions import ProvidersError

# (leading bytes, content type, extension we store it under)
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    stored_name: str
    size_bytes: int


def check_document_upload(upload: UploadedFile) -> CheckedUpload:
    """Refuse anything that is not really a PDF, JPEG or PNG, or is too large."""
    limit = settings.PROVIDER_DOCUMENT_MAX_BYTES
    if upload.size > limit:
        raise ProvidersError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    if upload.size == 0:
        raise ProvidersError(_("The file is empty."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    detected = next(
        (
            (kind, extension)
            for signature, kind, extension in SIGNATURES
            if head.startswith(signature)
        ),
        None,
    )
    if detected is None:
        raise ProvidersError(
            _(
                "Only PDF, JPEG or PNG files are accepted, and this file is none of them "
                "(whatever its name says)."
            )
        )
    content_type, extension = detected
    if content_type == "application/pdf":
        _check_pdf(upload)
    else:
        _check_image(upload)
    return CheckedUpload(
        content_type=content_type,
        stored_name=f"{uuid.uuid4().hex}.{extension}",
        size_bytes=upload.size,
    )


def check_photo_upload(upload: UploadedFile) -> CheckedUpload:
    """A picture for a public page: JPEG or PNG only."""
    checked = check_document_upload(upload)
    if checked.content_type == "application/pdf":
        raise ProvidersError(_("Photos must be JPEG or PNG images."))
    return checked


# What a public copy keeps of the picture's own notes: colours and transparency, nothing
# about the camera, the time or the place (EXIF, GPS, XMP, comments, PNG text).
KEPT_INFO = ("icc_profile", "transparency", "dpi")


def without_metadata(upload: UploadedFile) -> ContentFile:
    """A checked photo saved again with its pixels only: a phone's picture of an elder's home
    carries the GPS position of that home. Turned upright first, as the orientation is EXIF."""
    upload.seek(0)
    with Image.open(upload) as original:
        kind = original.format
        upright = ImageOps.exif_transpose(original)
    upright.info = {key: value for key, value in upright.info.items() if key in KEPT_INFO}
    out = io.BytesIO()
    if kind == "JPEG":
        upright.save(out, format="JPEG", quality=90, optimize=True)
    else:
        upright.save(out, format=kind, optimize=True)
    upload.seek(0)
    # Named: an unnamed file reads as empty to the image field, which then sets no size.
    return ContentFile(out.getvalue(), name=upload.name or "photo")


def _check_pdf(upload: UploadedFile) -> None:
    upload.seek(max(upload.size - 1024, 0))
    tail = upload.read()
    upload.seek(0)
    if b"%%EOF" not in tail:
        raise ProvidersError(_("This PDF file is damaged or incomplete."))


def _check_image(upload: UploadedFile) -> None:
    try:
        with Image.open(io.BytesIO(upload.read())) as image:
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise ProvidersError(_("This image file is damaged or incomplete.")) from None
    finally:
        upload.seek(0)


def save_private_document(row, upload: UploadedFile):
    """Check an upload and save it with its row (one with `file`, `content_type` and
    `original_name`, as evidence rows have): no file is kept without its row."""
    checked = check_document_upload(upload)
    row.content_type = checked.content_type
    row.original_name = (upload.name or "")[:200]
    row.file.save(checked.stored_name, upload, save=False)
    try:
        row.save()
    except BaseException:
        row.file.delete(save=False)
        raise
    return row
