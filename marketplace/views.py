from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.refusals import Refusal
from linli.views import attempt, report_form_errors
from marketplace import page_cache, selectors, services
from marketplace.forms import (
    CatalogueFilterForm,
    DateExceptionForm,
    PriceChangeForm,
    ServiceForm,
    WeeklyHoursFormSet,
)
from marketplace.models import DateException, Service
from marketplace.money import fen_from_yuan
from providers.models import Provider

PAGE_SIZE = 20


def catalogue(request: HttpRequest) -> HttpResponse:
    """Browse and search. A signed-in resident sees the services that serve their own
    community unless they choose otherwise (selectors.with_my_community)."""
    home = selectors.home_community(request.user)
    params = selectors.with_my_community(request.GET, home=home)
    # Who reads shapes the body: the "my community" box names the resident's community, and
    # an anonymous reader is asked to sign in instead.
    reader = home.pk if home is not None else request.user.is_authenticated

    def render_body() -> str:
        return _catalogue_body(params, request.GET.get("page"), home=home, reader=reader)

    # Free slots change with every booking: a search by day is always answered afresh.
    if params.get("available_on"):
        body = render_body()
    else:
        # Dropped when a service of the chosen category changes, or any for a list of all.
        category = params.get("category")
        shown = page_cache.category_list_tag(category) if category else page_cache.ANY_LIST
        body = page_cache.part(
            "catalogue",
            (sorted(params.lists()), reader),
            render_body,
            tags=[shown, page_cache.CATEGORIES],
        )
    return render(request, "marketplace/catalogue.html", {"body": body})


def _catalogue_body(params, page_number, *, home, reader) -> str:
    form = CatalogueFilterForm(params)
    services_page = None
    if form.is_valid():
        results = selectors.search_services(form.filters(home=home))
        services_page = selectors.CappedPaginator(results, PAGE_SIZE).get_page(page_number)
    query_without_page = params.copy()
    query_without_page.pop("page", None)
    return render_to_string(
        "marketplace/includes/catalogue_body.html",
        {
            "form": form,
            "page": services_page,
            "categories": form.top_categories,
            "query_string": query_without_page.urlencode(),
            "rendition": selectors.LIST_RENDITION,
            "home": home,
            "anonymous": reader is False,
        },
    )


def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Everything but the free times is the same for every reader (marketplace.page_cache).
    parts = page_cache.part(
        "service", pk, lambda: _service_parts(pk), tags=[page_cache.service_tag(pk)]
    )
    if parts is None:
        raise Http404
    slots = selectors.next_open_slots(Service(pk=pk))
    return render(request, "marketplace/service_detail.html", {**parts, "slots": slots})


def _service_parts(pk: int) -> dict | None:
    service = (
        Service.objects.bookable()
        .select_related("provider", "category__parent", "image")
        .filter(pk=pk)
        .first()
    )
    if service is None:
        return None
    context = {"service": service, "communities": service.communities.all()}
    return {
        "title": service.title,
        "top": render_to_string("marketplace/includes/service_top.html", context),
        "bottom": render_to_string("marketplace/includes/service_bottom.html", context),
    }


def _managed_provider(request: HttpRequest, pk: int) -> Provider:
    return get_object_or_404(Provider.objects.managed_by(request.user), pk=pk)


def _managed_service(request: HttpRequest, pk: int) -> Service:
    return get_object_or_404(
        Service.objects.managed_by(request.user).select_related("provider", "category"), pk=pk
    )


@login_required
def provider_services(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _managed_provider(request, pk)
    services_list = provider.services.select_related("category").prefetch_related("changes")
    return render(
        request,
        "marketplace/provider_services.html",
        {"provider": provider, "services": services_list},
    )


@login_required
def new_service(request: HttpRequest, pk: int) -> HttpResponse:
    provider = _managed_provider(request, pk)
    form = ServiceForm(request.POST or None, provider=provider)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.create_service(
                provider=provider,
                by=request.user,
                communities=form.cleaned_data["communities"],
                **form.service_fields(),
            )
        except Refusal as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Saved as a draft. Now set its weekly hours."))
            return redirect("marketplace:manage_service", pk=service.pk)
    return render(request, "marketplace/service_form.html", {"provider": provider, "form": form})


@login_required
def manage_service(request: HttpRequest, pk: int) -> HttpResponse:
    service = _managed_service(request, pk)
    form = ServiceForm(request.POST or None, instance=service, provider=service.provider)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_service(
                service=service,
                by=request.user,
                communities=form.cleaned_data["communities"],
                **form.service_fields(),
            )
        except Refusal as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("marketplace:manage_service", pk=service.pk)
    hours = WeeklyHoursFormSet(
        initial=[
            {
                "weekday": h.weekday,
                "starts_at": h.starts_at,
                "ends_at": h.ends_at,
                "capacity": h.capacity,
            }
            for h in service.weekly_hours.all()
        ],
        prefix="hours",
    )
    return render(
        request,
        "marketplace/manage_service.html",
        {
            "service": service,
            "form": form,
            "hours": hours,
            "exception_form": DateExceptionForm(),
            "exceptions": service.exceptions.all(),
            "price_form": PriceChangeForm(
                initial={"price": service.price_fen / 100, "funding_mode": service.funding_mode}
            ),
            "changes": service.changes.all()[:10],
            "slots": selectors.next_open_slots(service, limit=8),
            "live": service.status == Service.Status.PUBLISHED,
        },
    )


@login_required
@require_POST
def set_hours(request: HttpRequest, pk: int) -> HttpResponse:
    service = _managed_service(request, pk)
    formset = WeeklyHoursFormSet(request.POST, prefix="hours")
    if not formset.is_valid():
        for form in formset.forms:
            report_form_errors(request, form)
        return redirect("marketplace:manage_service", pk=service.pk)
    rows = [
        form.cleaned_data
        for form in formset
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
    rows = [{k: v for k, v in row.items() if k != "DELETE"} for row in rows]
    attempt(
        request,
        lambda: services.set_weekly_hours(service=service, by=request.user, rows=rows),
        success=_("The weekly hours are saved."),
    )
    return redirect("marketplace:manage_service", pk=service.pk)


@login_required
@require_POST
def add_exception(request: HttpRequest, pk: int) -> HttpResponse:
    service = _managed_service(request, pk)
    form = DateExceptionForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.set_date_exception(
                service=service, by=request.user, **form.cleaned_data
            ),
            success=_("The day is saved."),
        )
    else:
        report_form_errors(request, form)
    return redirect("marketplace:manage_service", pk=service.pk)


@login_required
@require_POST
def remove_exception(request: HttpRequest, pk: int, exception_pk: int) -> HttpResponse:
    service = _managed_service(request, pk)
    exception = get_object_or_404(DateException, pk=exception_pk, service=service)
    services.remove_date_exception(exception=exception, by=request.user)
    messages.success(request, _("The day follows the weekly hours again."))
    return redirect("marketplace:manage_service", pk=service.pk)


@login_required
@require_POST
def submit_service(request: HttpRequest, pk: int) -> HttpResponse:
    service = _managed_service(request, pk)
    attempt(
        request,
        lambda: services.submit_service(service=service, by=request.user),
        success=_("Submitted. Community staff will review the service."),
    )
    return redirect("marketplace:manage_service", pk=service.pk)


@login_required
@require_POST
def set_photo(request: HttpRequest, pk: int) -> HttpResponse:
    service = _managed_service(request, pk)
    upload = request.FILES.get("image")
    if upload is None:
        messages.error(request, _("Please choose a photo."))
    else:
        attempt(
            request,
            lambda: services.set_service_photo(service=service, by=request.user, upload=upload),
            success=_("The photo has been added."),
        )
    return redirect("marketplace:manage_service", pk=service.pk)


@login_required
@require_POST
def change_price(request: HttpRequest, pk: int) -> HttpResponse:
    service = _managed_service(request, pk)
    form = PriceChangeForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.propose_change(
                service=service,
                by=request.user,
                price_fen=fen_from_yuan(form.cleaned_data["price"]),
                funding_mode=form.cleaned_data["funding_mode"],
            ),
            success=_("Saved. A new price of a published service goes live once staff approve it."),
        )
    else:
        report_form_errors(request, form)
    return redirect("marketplace:manage_service", pk=service.pk)
