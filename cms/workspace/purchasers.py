"""The platform admin's screens for purchasers (采购方) and their officers: create a
purchaser for a district or street, appoint an officer (whose account already has a second
factor) and remove one. Every change goes through billing.services and is written to
Wagtail's audit log, shown on the purchaser's page. To anyone but a platform admin these
screens do not exist (404, docs/decisions/0006)."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.models import ModelLogEntry

from billing import services as billing_services
from billing.models import Purchaser, PurchaserOfficer
from communities.models import Region
from linli.views import attempt


def require_platform_admin(request: HttpRequest) -> None:
    if not request.user.is_superuser:
        raise Http404


class PlatformAdminMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return request.user.is_superuser


class RegionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return obj.full_name


class PurchaserForm(forms.Form):
    name_zh = forms.CharField(label=gettext_lazy("Name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=100, required=False)
    region = RegionField(
        label=gettext_lazy("Buys for"),
        queryset=Region.objects.exclude(level=Region.Level.COMMUNITY).select_related("parent"),
        help_text=gettext_lazy("The district or street whose residents its programmes cover."),
    )


class AppointForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("The officer's e-mail address"),
        help_text=gettext_lazy(
            "The person signs up first and sets up an authenticator app in their account."
        ),
    )


def _page(request, template: str, title: str, **context) -> HttpResponse:
    context.update(page_title=title, header_title=title, header_icon="group")
    return render(request, f"cms/workspace/{template}", context)


def purchaser_list(request: HttpRequest) -> HttpResponse:
    require_platform_admin(request)
    form = PurchaserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = []
        data = form.cleaned_data
        if attempt(
            request,
            lambda: created.append(
                billing_services.create_purchaser(
                    name_zh=data["name_zh"],
                    name_en=data["name_en"],
                    region=data["region"],
                    by=request.user,
                )
            ),
            success=_("The purchaser is created. Now appoint its officers."),
        ):
            return redirect("purchasers:purchaser", pk=created[0].pk)
    purchasers = Purchaser.objects.select_related("region").prefetch_related("officers__user")
    return _page(
        request,
        "purchasers.html",
        _("Purchasers and officers"),
        purchasers=purchasers,
        form=form,
    )


def purchaser_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_platform_admin(request)
    purchaser = get_object_or_404(Purchaser.objects.select_related("region"), pk=pk)
    history = (
        ModelLogEntry.objects.for_instance(purchaser)
        .select_related("user")
        .order_by("-timestamp", "-pk")
    )
    return _page(
        request,
        "purchaser.html",
        purchaser.name,
        purchaser=purchaser,
        officers=purchaser.officers.select_related("user"),
        form=AppointForm(),
        history=history,
    )


@require_POST
def appoint(request: HttpRequest, pk: int) -> HttpResponse:
    require_platform_admin(request)
    purchaser = get_object_or_404(Purchaser, pk=pk)
    form = AppointForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the officer's e-mail address."))
    else:
        attempt(
            request,
            lambda: billing_services.appoint_officer(
                purchaser=purchaser, email=form.cleaned_data["email"], by=request.user
            ),
            success=_("The officer is appointed and told."),
        )
    return redirect("purchasers:purchaser", pk=purchaser.pk)


@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    require_platform_admin(request)
    officer = get_object_or_404(PurchaserOfficer, pk=pk)
    attempt(
        request,
        lambda: billing_services.remove_officer(officer=officer, by=request.user),
        success=_("The officer is removed."),
    )
    return redirect("purchasers:purchaser", pk=officer.purchaser_id)


class PurchasersViewSet(ViewSet):
    name = "purchasers"
    icon = "group"
    menu_label = gettext_lazy("Purchasers and officers")
    menu_order = 255
    add_to_admin_menu = True
    menu_item_class = PlatformAdminMenuItem

    def get_urlpatterns(self):
        return [
            path("", purchaser_list, name="index"),
            path("<int:pk>/", purchaser_detail, name="purchaser"),
            path("<int:pk>/appoint/", appoint, name="appoint"),
            path("officers/<int:pk>/remove/", remove, name="remove"),
        ]
