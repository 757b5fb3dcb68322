"""Rate limits on the endpoints worth hammering: booking, paying, visit codes (decision 0018).

Each limit counts per person and per client address in fixed windows, in the cache, which
is Redis whenever REDIS_URL is set, so every app server counts together. With Redis
unreachable the cache fails open (decision 0014): counters read as zero and these limits
do not hold until it is back, like allauth's own.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@dataclass(frozen=True)
class Limit:
    name: str
    per_user: int
    per_address: int  # a family shares one home connection, a care home one for many
    window_seconds: int
    methods: tuple[str, ...] = ("POST",)


# A family books a week of visits in a few minutes; nobody books 20 in ten.
BOOKING = Limit("booking", per_user=20, per_address=60, window_seconds=600)
# The pay page starts a PaymentIntent and `paid` asks Stripe: both are card-testing doors.
PAYMENT = Limit("payment", per_user=30, per_address=90, window_seconds=600, methods=("GET",))
# A visit code has six digits: ten guesses in ten minutes leave a guesser nowhere.
VISIT_CODE = Limit("visit-code", per_user=10, per_address=30, window_seconds=600)


def _count(key: str, window_seconds: int) -> int:
    """This request's number in the window; 0 when the cache cannot count (fails open)."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.add(key, 1, timeout=window_seconds)
        return 1


def over_limit(limit: Limit, request: HttpRequest) -> bool:
    """Counts this request, and says whether the person or their address is over the limit."""
    address = get_adapter(request).get_client_ip(request) or "unknown"
    counts = (
        (f"rate:{limit.name}:user:{request.user.pk}", limit.per_user),
        (f"rate:{limit.name}:address:{address}", limit.per_address),
    )
    return any(_count(key, limit.window_seconds) > allowed for key, allowed in counts)


def rate_limited(limit: Limit) -> Callable:
    """A view decorator, inside login_required: over the limit, a 429 page instead."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def limited(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in limit.methods and over_limit(limit, request):
                response = render(request, "429.html", {"minutes": limit.window_seconds // 60})
                response.status_code = 429
                response["Retry-After"] = str(limit.window_seconds)
                return response
            return view(request, *args, **kwargs)

        return limited

    return decorate
