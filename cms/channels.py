"""Community channels follow the region tree: one channel page per community in Chinese
and English, and Wagtail page permissions that follow staff scopes, so a community's staff
(and their street's) edit that channel and no other (docs/decisions/0013)."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import GroupPagePermission, Locale, Page

from accounts.models import Role, User
from cms.models import ChannelIndexPage, CommunityChannelPage, HomePage, PolicyIndexPage
from cms.models.pages import default_locale
from communities.models import Region
from communities.scoping import communities_scoped_to

GROUP_PREFIX = "channel-"
# What a channel's editors may do below and on their channel page.
EDITOR_PERMISSIONS = ("add_page", "change_page", "publish_page")


def group_name(community: Region) -> str:
    return f"{GROUP_PREFIX}{community.code}"


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    return page


def _translated(page: Page, locale: Locale, title: str) -> Page:
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    copy = page.copy_for_translation(locale, copy_parents=True)
    copy.title = title
    return _publish(copy)


def _child(parent: Page, model: type[Page], slug: str, **fields) -> Page:
    existing = model.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    return _publish(parent.add_child(instance=model(slug=slug, **fields)))


def english_home() -> HomePage:
    english = Locale.objects.get(language_code="en")
    home = HomePage.objects.get(depth=2, locale=default_locale())
    return _translated(home, english, "Linli")


@transaction.atomic
def ensure_channel_pages() -> int:
    """Create what is missing (channel index, policy index, a channel per community, their
    English translations and editor groups); run again, it creates nothing. Returns how many
    channels were created."""
    english = Locale.objects.get(language_code="en")
    home = HomePage.objects.get(depth=2, locale=default_locale())
    english_home()
    index = _child(home, ChannelIndexPage, "communities", title="社区频道")
    _translated(index, english, "Community channels")
    policies = _child(home, PolicyIndexPage, "policies", title="补贴政策")
    _translated(policies, english, "Subsidy programmes")
    created = 0
    permissions = list(
        Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=EDITOR_PERMISSIONS
        )
    )
    for community in Region.objects.communities().select_related("parent"):
        channel = CommunityChannelPage.objects.filter(
            region=community, locale=default_locale()
        ).first()
        if channel is None:
            slug = slugify(community.name_en) or community.code
            if Page.objects.child_of(index).filter(slug=slug).exists():
                slug = f"{slug}-{community.code}"
            channel = _publish(
                index.add_child(
                    instance=CommunityChannelPage(
                        title=community.name_zh, slug=slug, region=community
                    )
                )
            )
            created += 1
        translation = _translated(channel, english, community.name_en or community.name_zh)
        group, _ = Group.objects.get_or_create(name=group_name(community))
        for page in (channel, translation):
            for permission in permissions:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=page, permission=permission
                )
    for staff in User.objects.filter(role_assignments__role=Role.COMMUNITY_STAFF).distinct():
        sync_channel_editor(staff)
    return created


def sync_channel_editor(user: User) -> None:
    """The user edits exactly the channels of the communities their staff scope covers."""
    wanted = {
        group_name(community)
        for community in communities_scoped_to(user, role=Role.COMMUNITY_STAFF)
    }
    if user.is_superuser:
        wanted = set()  # platform admins edit everything anyway
    current = set(user.groups.filter(name__startswith=GROUP_PREFIX).values_list("name", flat=True))
    if wanted - current:
        user.groups.add(*Group.objects.filter(name__in=wanted - current))
    if current - wanted:
        user.groups.remove(*Group.objects.filter(name__in=current - wanted))
