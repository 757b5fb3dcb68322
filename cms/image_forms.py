"""Wagtail's image form, so that pictures staff upload in the admin for channel pages lose
their EXIF and GPS position too, like providers' and residents' photos (decision 0018)."""

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from PIL import Image, UnidentifiedImageError
from wagtail.images.forms import BaseImageForm

from providers.uploads import without_metadata

# Formats Pillow can write back without losing what the picture is (animation, vectors).
CLEANED_FORMATS = {"JPEG", "PNG"}


class MetadataFreeImageForm(BaseImageForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):
            return upload  # editing the title or tags keeps the stored file
        try:
            with Image.open(upload) as picture:
                kind = picture.format
        except (UnidentifiedImageError, OSError):
            kind = None  # Wagtail's field already accepted it (an SVG, say): left as it is
        finally:
            upload.seek(0)
        if kind not in CLEANED_FORMATS:
            return upload
        clean = without_metadata(upload)
        return SimpleUploadedFile(upload.name, clean.read(), content_type=upload.content_type)
