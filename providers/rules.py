"""Which documents each kind of provider and each worker must hold. Pure data and
functions, no database access."""

import datetime

from providers.models import DocumentKind, Provider

REQUIRED_FOR_KIND: dict[str, tuple[str, ...]] = {
    Provider.Kind.PROPERTY_COMPANY: (
        DocumentKind.BUSINESS_LICENCE,
        DocumentKind.PROPERTY_QUALIFICATION,
        DocumentKind.LIABILITY_INSURANCE,
    ),
    Provider.Kind.SOCIAL_ORG: (
        DocumentKind.SOCIAL_ORG_REGISTRATION,
        DocumentKind.LIABILITY_INSURANCE,
    ),
    Provider.Kind.MERCHANT: (DocumentKind.BUSINESS_LICENCE, DocumentKind.LIABILITY_INSURANCE),
}

WORKER_DOCUMENTS = (DocumentKind.HEALTH_CERTIFICATE, DocumentKind.CAREGIVER_QUALIFICATION)

# Days before expiry at which the provider is warned, each exactly once.
WARNING_DAYS = (30, 7)


def required_for_provider(kind: str) -> tuple[str, ...]:
    return REQUIRED_FOR_KIND[kind]


def required_for_worker(*, gives_eldercare: bool) -> tuple[str, ...]:
    if gives_eldercare:
        return (DocumentKind.HEALTH_CERTIFICATE, DocumentKind.CAREGIVER_QUALIFICATION)
    return (DocumentKind.HEALTH_CERTIFICATE,)


def allowed_for_provider(kind: str) -> tuple[str, ...]:
    return required_for_provider(kind)


def missing_kinds(required: tuple[str, ...], held: dict[str, datetime.date], today) -> list[str]:
    """Required kinds with no document valid today. `held` maps kind → latest expiry."""
    return [kind for kind in required if held.get(kind) is None or held[kind] < today]
