"""The view idiom for actions: call one service, tell the person how it went."""

from collections.abc import Callable

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _

from linli.refusals import Refusal


def attempt(request: HttpRequest, action: Callable[[], object], *, success: str = "") -> bool:
    """Run a service call for a view: a refusal becomes an error message, success the
    `success` message (if any). Says whether the call went through; the view answers."""
    try:
        action()
    except Refusal as exc:
        messages.error(request, exc.message)
        return False
    if success:
        messages.success(request, success)
    return True


def report_form_errors(request: HttpRequest, form) -> None:
    """A form posted from a page that redirects back to itself: each of its errors becomes
    a message shown there."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def attach_evidence(request: HttpRequest, add: Callable[[UploadedFile, str], object]) -> bool:
    """A posted scan (`file`, with `description`: what it shows) handed to a service that
    keeps it as evidence; says whether it was kept."""
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Please choose a file."))
        return False
    description = request.POST.get("description", "")
    return attempt(
        request, lambda: add(upload, description), success=_("The evidence is attached.")
    )
