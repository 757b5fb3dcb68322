"""Rendered parts of the public catalogue, shared by everyone who reads the same language.

The catalogue, search and service pages show the same services to every reader; only the
page around them (the reader's name, the switches with their own CSRF token) differs.
Rendering twenty service cards or a service with its reviews cost 20–50 ms, and at city
scale those pages missed the latency target (bench/README.md, decision 0015), so their
parts are cached for a minute and dropped at once when anything shown in them changes:
every save of a watched model replaces the catalogue's version token, which is part of
every key. Changes made with `QuerySet.update()` (ratings, search terms) follow a save in
the same transaction. Live parts — free slots — are never cached.

With Redis gone the cache misses (config/cache.py) and pages are rendered every time.
"""

import hashlib
import time
import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

SECONDS = 60
# How long after its minute a part may still be given out while one reader renders it
# again; and how long that reader has before another one tries.
STALE_SECONDS = 60
RENEWING_SECONDS = 10
# In every key, so that code reading (value, fresh until) never meets an entry that the code
# before it wrote as the bare value, in the minute after a release.
ENTRY_SHAPE = "v2"
VERSION_KEY = "catalogue:version"
# What the cached parts show: services, their providers, categories and communities, the
# programmes behind "eligible people pay from", and published reviews.
WATCHED = frozenset(
    {
        "marketplace.Service",
        "marketplace.Category",
        "providers.Provider",
        "communities.Region",
        "billing.Programme",
        "reviews.Review",
        "reviews.ReviewPhoto",
        "wagtailimages.Image",
    }
)


def version() -> str:
    token = cache.get(VERSION_KEY)
    if token is None:
        token = uuid.uuid4().hex
        cache.add(VERSION_KEY, token, None)
        token = cache.get(VERSION_KEY) or token
    return token


def changed() -> None:
    """Forget every cached part: now, and again when the transaction commits, so that a
    page rendered from the old rows in between is not kept under the new token."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None))


def part(name: str, identity: object, render: Callable[[], object]) -> object:
    """The cached value of `render()` for this name and identity (anything with a stable
    repr: the query, the page number), in the active language, today.

    When a part's minute is up, the first reader renders it again and the readers who come
    meanwhile get the part of the minute before. If every reader rendered it at once, the
    page's readers would all wait for each other once a minute (a p99 of ~290 ms against
    ~70 ms at 16 connections, bench/README.md). A change to what is shown is not waited
    for: it changes the version, and so the key."""
    fingerprint = repr((identity, get_language(), timezone.localdate().isoformat()))
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
    key = f"catalogue:{version()}:{name}:{digest}:{ENTRY_SHAPE}"
    kept = cache.get(key)
    if kept is not None:
        value, fresh_until = kept
        if time.time() < fresh_until or not cache.add(f"{key}:renewing", 1, RENEWING_SECONDS):
            return value
    value = render()
    cache.set(key, (value, time.time() + SECONDS), SECONDS + STALE_SECONDS)
    cache.delete(f"{key}:renewing")
    return value


def _on_change(sender, **kwargs) -> None:
    if sender._meta.label in WATCHED:
        changed()


def _on_communities_change(sender, **kwargs) -> None:
    if kwargs.get("action", "").startswith("post_"):
        changed()


def connect() -> None:
    from marketplace.models import Service

    post_save.connect(_on_change, dispatch_uid="catalogue-cache-save")
    post_delete.connect(_on_change, dispatch_uid="catalogue-cache-delete")
    m2m_changed.connect(
        _on_communities_change,
        sender=Service.communities.through,
        dispatch_uid="catalogue-cache-communities",
    )
