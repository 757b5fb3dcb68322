from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.downloads import private_file_response
from linli.refusals import Refusal
from linli.views import attempt, report_form_errors
from providers import members as member_services
from providers import services
from providers.access import is_owner
from providers.areas import pending_communities
from providers.forms import (
    DocumentUploadForm,
    InvitationForm,
    PhotoForm,
    ProviderDetailsForm,
    ProviderRegistrationForm,
)
from providers.models import (
    DocumentKind,
    Provider,
    ProviderDocument,
    ProviderInvitation,
    ProviderMember,
)


def _managed(request: HttpRequest, pk: int) -> Provider:
    return get_object_or_404(Provider.objects.managed_by(request.user), pk=pk)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = (
        ProviderMember.objects.filter(user=request.user)
        .select_related("provider")
        .order_by("provider__name")
    )
    return render(request, "providers/dashboard.html", {"memberships": memberships})


@login_required
def register(request: HttpRequest) -> HttpResponse:
    form = ProviderRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            provider = services.register_provider(by=request.user, **data)
        except Refusal as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Registered. Now upload your documents and submit the application.")
            )
            return redirect("providers:manage", pk=provider.pk)
    return render(request, "providers/register.html", {"form": form})


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _managed(request, pk)
    return render(
        request,
        "providers/manage.html",
        {
            "provider": provider,
            "documents": provider.documents.select_related("member__user"),
            "missing": [DocumentKind(kind).label for kind in services.missing_documents(provider)],
            "members": provider.members.select_related("user").order_by("role", "created_at"),
            "invitations": provider.invitations.filter(accepted_at__isnull=True),
            "events": provider.events.select_related("actor", "document", "member__user")[:50],
            "upload_form": DocumentUploadForm(provider=provider),
            "invitation_form": InvitationForm(),
            "photo_form": PhotoForm(),
            "photos": provider.photos.select_related("image"),
            "is_owner": is_owner(request.user, provider),
            "asked": pending_communities(provider),
        },
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _managed(request, pk)
    form = ProviderDetailsForm(request.POST or None, instance=provider)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.update_provider(provider=provider, by=request.user, **data)
        except Refusal as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("providers:manage", pk=provider.pk)
    return render(request, "providers/edit.html", {"provider": provider, "form": form})


@login_required
@require_POST
def upload_document(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _managed(request, pk)
    form = DocumentUploadForm(request.POST, request.FILES, provider=provider)
    if form.is_valid():
        attempt(
            request,
            lambda: services.upload_document(
                provider=provider,
                by=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                expires_on=form.cleaned_data["expires_on"],
                member=form.cleaned_data["member"],
            ),
            success=_("The document has been uploaded."),
        )
    else:
        report_form_errors(request, form)
    return redirect("providers:manage", pk=provider.pk)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _managed(request, pk)
    attempt(
        request,
        lambda: services.submit_application(provider=provider, by=request.user),
        success=_("Submitted. Community staff will review your application."),
    )
    return redirect("providers:manage", pk=provider.pk)


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _managed(request, pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: member_services.invite_member(
                provider=provider, by=request.user, **form.cleaned_data
            ),
            success=_("The invitation has been sent."),
        )
    else:
        report_form_errors(request, form)
    return redirect("providers:manage", pk=provider.pk)


@login_required
@require_POST
def remove_member(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    provider = _managed(request, pk)
    member = get_object_or_404(provider.members, pk=member_pk)
    attempt(
        request,
        lambda: member_services.remove_member(member=member, by=request.user),
        success=_("The member has been removed."),
    )
    return redirect("providers:manage", pk=provider.pk)


@login_required
@require_POST
def add_photo(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _managed(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        attempt(
            request,
            lambda: services.add_photo(
                provider=provider,
                by=request.user,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            ),
            success=_("The photo has been added."),
        )
    else:
        report_form_errors(request, form)
    return redirect("providers:manage", pk=provider.pk)


@login_required
@require_POST
def remove_photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    provider = _managed(request, pk)
    photo = get_object_or_404(provider.photos, pk=photo_pk)
    services.remove_photo(photo=photo, by=request.user)
    messages.success(request, _("The photo has been removed."))
    return redirect("providers:manage", pk=provider.pk)


@login_required
def document_file(request: HttpRequest, pk: int) -> FileResponse:
    document = get_object_or_404(ProviderDocument.objects.visible_to(request.user), pk=pk)
    return private_file_response(
        document.file,
        content_type=document.content_type,
        filename=document.file.name.rsplit("/", 1)[-1],
    )


@login_required
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(
        ProviderInvitation.objects.select_related("provider"), token=token
    )
    if request.method == "POST" and attempt(
        request,
        lambda: member_services.accept_invitation(invitation=invitation, user=request.user),
        success=_("Welcome to %(provider)s.") % {"provider": invitation.provider.name},
    ):
        return redirect("providers:dashboard")
    return render(request, "providers/invitation.html", {"invitation": invitation})


def profile(request: HttpRequest, pk: int) -> HttpResponse:
    provider = get_object_or_404(Provider.objects.public().prefetch_related("communities"), pk=pk)
    photos = provider.photos.select_related("image")
    # The catalogue sits above providers; its rows are reached through the relation only.
    services = provider.services.filter(status="published").select_related("category")
    return render(
        request,
        "providers/profile.html",
        {"provider": provider, "photos": photos, "services": services},
    )
