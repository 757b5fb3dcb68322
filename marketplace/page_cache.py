"""Rendered parts of the public catalogue, shared by everyone who reads the same language.

The catalogue, search and service pages show the same services to every reader; only the
page around them (the reader's name, the switches with their own CSRF token) differs.
Rendering twenty service cards or a service with its reviews cost 20–50 ms, and at city
scale those pages missed the latency target (bench/README.md, decision 0015), so their
parts are cached for a minute.

Each part names the tags it shows (decision 0046): a service page `service:<pk>`, a list
`list:category:<slug>` when it is filtered by a category and `list:any` otherwise, and every
list `categories` (its category links and filter options). A tag has a version token; a part
is kept with the tokens it was rendered under and is given out only while they still hold.
A save drops only the tags of what it changed: a service its own page, the lists of its
category (old and new, and their parents) and the unfiltered lists; a provider the same for
each of its services; a category the lists and its services' pages; a review its service.
Regions and programmes, shown on every part, drop the tag `shared` that every part carries.
Tokens are replaced now and again when the transaction commits, so that a part rendered from
the old rows in between is not kept under the new token. Changes made with
`QuerySet.update()` (ratings, search terms) follow a save in the same transaction. Live
parts — free slots — are never cached.

With Redis gone the cache misses (config/cache.py) and pages are rendered every time.
"""

import hashlib
import time
import uuid
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone
from django.utils.translation import get_language

SECONDS = 60
# How long after its minute a part may still be given out while one reader renders it
# again; and how long that reader has before another one tries.
STALE_SECONDS = 60
RENEWING_SECONDS = 10
# In every key, so that code reading (value, fresh until, tokens) never meets an entry that
# the code before it wrote in another shape, in the minute after a release.
ENTRY_SHAPE = "v3"
# Carried by every part: what all of them show (community names, "eligible people pay from").
SHARED = "shared"
ANY_LIST = "list:any"
CATEGORIES = "categories"


def service_tag(pk: int) -> str:
    return f"service:{pk}"


def category_list_tag(slug: str) -> str:
    return f"list:category:{slug}"


def _tag_key(tag: str) -> str:
    return f"catalogue:tag:{tag}"


def versions(tags: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """The current token of each tag, in one round trip; a tag never seen gets one."""
    tags = sorted(set(tags))
    keys = [_tag_key(tag) for tag in tags]
    found = cache.get_many(keys)
    tokens = []
    for tag, key in zip(tags, keys, strict=True):
        token = found.get(key)
        if token is None:
            cache.add(key, uuid.uuid4().hex, None)
            token = cache.get(key) or ""
        tokens.append((tag, token))
    return tuple(tokens)


def drop(tags: Iterable[str]) -> None:
    """Forget the parts that carry any of these tags: now, and again on commit."""
    keys = [_tag_key(tag) for tag in set(tags)]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def part(
    name: str, identity: object, render: Callable[[], object], *, tags: Iterable[str] = ()
) -> object:
    """The cached value of `render()` for this name and identity (anything with a stable
    repr: the query, the page number), in the active language, today, while none of its
    tags (and `shared`) has changed since it was rendered.

    When a part's minute is up, the first reader renders it again and the readers who come
    meanwhile get the part of the minute before. If every reader rendered it at once, the
    page's readers would all wait for each other once a minute (a p99 of ~290 ms against
    ~70 ms at 16 connections, bench/README.md). A change to what is shown is not waited
    for: its tag's token changes, and the kept part no longer matches."""
    fingerprint = repr((identity, get_language(), timezone.localdate().isoformat()))
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
    key = f"catalogue:{name}:{digest}:{ENTRY_SHAPE}"
    # Read before rendering: a save during the render leaves the part under old tokens.
    current = versions([*tags, SHARED])
    kept = cache.get(key)
    if kept is not None:
        value, fresh_until, rendered_under = kept
        if rendered_under == current and (
            time.time() < fresh_until or not cache.add(f"{key}:renewing", 1, RENEWING_SECONDS)
        ):
            return value
    value = render()
    cache.set(key, (value, time.time() + SECONDS, current), SECONDS + STALE_SECONDS)
    cache.delete(f"{key}:renewing")
    return value


def _service_tags(services) -> set[str]:
    """The tags showing these services (a Service queryset): their pages, the lists of
    their categories and parent categories, and every list without a category."""
    tags = {ANY_LIST}
    for pk, slug, parent_slug in services.values_list(
        "pk", "category__slug", "category__parent__slug"
    ):
        tags.add(service_tag(pk))
        tags.update(category_list_tag(s) for s in (slug, parent_slug) if s)
    return tags


def _services():
    from marketplace.models import Service

    return Service.objects.all()


def _tags_of_change(instance) -> set[str]:
    label = instance._meta.label
    if label == "marketplace.Service":
        return _service_tags(_services().filter(pk=instance.pk)) | getattr(
            instance, "_page_cache_before", set()
        )
    if label == "providers.Provider":
        return _service_tags(_services().filter(provider=instance.pk))
    if label == "marketplace.Category":
        subtree = _services().filter(Q(category=instance.pk) | Q(category__parent=instance.pk))
        return {CATEGORIES, category_list_tag(instance.slug)} | _service_tags(subtree)
    if label == "reviews.Review":
        return _service_tags(_services().filter(pk=instance.service_id))
    if label == "reviews.ReviewPhoto":
        return _service_tags(_services().filter(reviews__pk=instance.review_id))
    if label == "wagtailimages.Image":
        # A new picture shows nowhere yet; the save that attaches it drops its service.
        return _service_tags(
            _services().filter(Q(image=instance.pk) | Q(reviews__photos__image=instance.pk))
        )
    if label in SHOWN_EVERYWHERE:
        return {SHARED}
    return set()


# Community names and the programmes behind "eligible people pay from" and the contracted
# prices: few rows, rarely saved, shown on most parts.
SHOWN_EVERYWHERE = frozenset(
    {"communities.Region", "billing.Programme", "billing.Contract", "billing.ContractItem"}
)
WATCHED = SHOWN_EVERYWHERE | {
    "marketplace.Service",
    "marketplace.Category",
    "providers.Provider",
    "reviews.Review",
    "reviews.ReviewPhoto",
    "wagtailimages.Image",
}


def _before_service_save(sender, instance, update_fields=None, **kwargs) -> None:
    # A service moved to another category leaves the lists of the old one too.
    if instance.pk is None or (update_fields is not None and "category" not in update_fields):
        instance._page_cache_before = set()
        return
    instance._page_cache_before = _service_tags(_services().filter(pk=instance.pk))


def _on_change(sender, instance, **kwargs) -> None:
    if sender._meta.label in WATCHED:
        drop(_tags_of_change(instance))


def _on_delete(sender, instance, **kwargs) -> None:
    if sender._meta.label != "marketplace.Service":
        _on_change(sender, instance)
        return
    # The row is gone: its tags come from the instance.
    category = instance.category
    slugs = {category.slug, category.parent.slug if category.parent_id else ""}
    drop({ANY_LIST, service_tag(instance.pk)} | {category_list_tag(s) for s in slugs if s})


def _on_communities_change(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A service's or provider's communities changed: lists filtered by a community."""
    if not action.startswith("post_"):
        return
    from marketplace.models import Service

    if isinstance(instance, Service) or reverse is False:
        drop(_tags_of_change(instance))
    else:
        # From a region's side: the services or providers are in pk_set.
        if sender is Service.communities.through:
            drop(_service_tags(_services().filter(pk__in=pk_set or ())))
        else:
            drop(_service_tags(_services().filter(provider__in=pk_set or ())))


def connect() -> None:
    from marketplace.models import Service
    from providers.models import Provider

    pre_save.connect(_before_service_save, sender=Service, dispatch_uid="catalogue-cache-before")
    post_save.connect(_on_change, dispatch_uid="catalogue-cache-save")
    post_delete.connect(_on_delete, dispatch_uid="catalogue-cache-delete")
    m2m_changed.connect(
        _on_communities_change,
        sender=Service.communities.through,
        dispatch_uid="catalogue-cache-communities",
    )
    m2m_changed.connect(
        _on_communities_change,
        sender=Provider.communities.through,
        dispatch_uid="catalogue-cache-provider-communities",
    )
