"""Which documents a worker must hold, valid on the day, to be sent on a service: what its
category asks of everyone who does such work, plus the qualification the service itself
names (ADR 0020). Data and a small walk up the category tree."""

from marketplace.models import Service
from providers.models import DocumentKind

HEALTH = DocumentKind.HEALTH_CERTIFICATE

# Category slug → documents; a category also asks what its parents ask. Meals and every
# other eldercare service go into older people's homes and food: a health certificate.
CATEGORY_WORKER_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "eldercare": (HEALTH,),
    "meal-assistance": (HEALTH,),
}


def worker_documents_for(service: Service) -> tuple[str, ...]:
    kinds: list[str] = []
    category = service.category
    while category is not None:
        kinds.extend(CATEGORY_WORKER_DOCUMENTS.get(category.slug, ()))
        category = category.parent
    if service.required_qualification:
        kinds.append(service.required_qualification)
    return tuple(dict.fromkeys(kinds))
