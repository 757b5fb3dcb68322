from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from providers.models import ProviderMember


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = ProviderMember.objects.filter(user=request.user).select_related("provider")
    return render(request, "providers/dashboard.html", {"memberships": memberships})
