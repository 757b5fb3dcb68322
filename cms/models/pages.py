"""The page tree: home → community channels (one per community, in Chinese and English)
with their announcements, news, organisations, activities and surveys; and the policy pages
that explain each subsidy programme in plain words (docs/decisions/0013)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Locale, Page, PageManager
from wagtail.search import index

from cms.querysets import InChannelsQuerySet
from communities.models import Region


def default_locale() -> Locale:
    return Locale.objects.get(language_code=settings.LANGUAGE_CODE)


class FallsBackToChinese:
    """An English reader who follows a link to a page nobody has translated yet reads the
    Chinese page rather than a 404: routing continues in the Chinese tree."""

    def route(self, request, path_components):
        try:
            return super().route(request, path_components)
        except Http404:
            if not path_components or self.locale.language_code == settings.LANGUAGE_CODE:
                raise
            original = self.get_translation_or_none(default_locale())
            if original is None:
                raise
            return original.specific.route(request, path_components)


def children_in_reading_language(page: Page, model: type[Page]) -> list[Page]:
    """The page's live children of one type, in the page's language, plus those of the
    Chinese page that have no translation yet."""
    own = list(model.objects.child_of(page).live())
    if page.locale.language_code == settings.LANGUAGE_CODE:
        return own
    original = page.get_translation_or_none(default_locale())
    if original is None:
        return own
    translated = {child.translation_key for child in own}
    untranslated = model.objects.child_of(original).live().exclude(translation_key__in=translated)
    return own + list(untranslated)


class HomePage(FallsBackToChinese, Page):
    """The site root: what Linli is, and the way into services and community channels."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ChannelIndexPage", "cms.PolicyIndexPage"]
    template = "cms/home_page.html"

    class Meta:
        verbose_name = _("home page")


class ChannelIndexPage(FallsBackToChinese, Page):
    """社区是我家: every community's channel, by street."""

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CommunityChannelPage"]
    max_count_per_parent = 1
    template = "cms/channel_index_page.html"

    class Meta:
        verbose_name = _("community channels")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        channels = children_in_reading_language(self, CommunityChannelPage)
        # One query for every community and its street, not two per channel.
        regions = Region.objects.select_related("parent").in_bulk(
            {channel.region_id for channel in channels}
        )
        for channel in channels:
            channel.region = regions[channel.region_id]
        context["channels"] = sorted(channels, key=lambda channel: channel.region.code)
        return context


class CommunityChannelPage(FallsBackToChinese, Page):
    """One community's channel. Created for every community of the region tree and
    editable only by staff whose scope covers that community (cms.channels)."""

    region = models.ForeignKey(
        "communities.Region",
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="channel_pages",
        limit_choices_to={"level": "community"},
    )
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.ChannelIndexPage"]
    subpage_types = ["cms.ChannelPostPage", "cms.ActivityPage", "cms.SurveyPage"]
    template = "cms/community_channel_page.html"

    class Meta:
        verbose_name = _("community channel")

    def get_context(self, request, *args, **kwargs):
        from cms.models.surveys import SurveyPage  # defined on top of this module's pages

        context = super().get_context(request, *args, **kwargs)
        posts = [post.specific for post in children_in_reading_language(self, ChannelPostPage)]
        posts.sort(key=lambda post: (post.date, post.pk), reverse=True)
        activities = [
            activity.specific for activity in children_in_reading_language(self, ActivityPage)
        ]
        now = timezone.now()
        kinds = ChannelPostPage.Kind
        context.update(
            announcements=[post for post in posts if post.kind == kinds.ANNOUNCEMENT],
            news=[post for post in posts if post.kind == kinds.NEWS],
            organisations=[post for post in posts if post.kind == kinds.ORGANISATION],
            activities=sorted(
                (activity for activity in activities if activity.ends_at >= now),
                key=lambda activity: activity.starts_at,
            ),
            surveys=[survey.specific for survey in children_in_reading_language(self, SurveyPage)],
        )
        return context


class ChannelPostPage(FallsBackToChinese, Page):
    """An announcement (社区公告), a piece of news, or a community organisation's page."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("Announcement")
        NEWS = "news", _("News")
        ORGANISATION = "organisation", _("Community organisation")

    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.ANNOUNCEMENT
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    body = RichTextField(_("text"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("date"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["cms.CommunityChannelPage"]
    subpage_types: list[str] = []
    template = "cms/channel_post_page.html"

    class Meta:
        verbose_name = _("channel post")


class ActivityPage(FallsBackToChinese, Page):
    """社区活动: a community activity residents register for, for themselves or for a
    person they care for; full ones take a waiting list (cms.activities)."""

    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveIntegerField(_("places"))
    body = RichTextField(_("about the activity"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("starts_at"),
        FieldPanel("ends_at"),
        FieldPanel("place"),
        FieldPanel("capacity"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body"), index.SearchField("place")]
    parent_page_types = ["cms.CommunityChannelPage"]
    subpage_types: list[str] = []
    template = "cms/activity_page.html"

    objects = PageManager.from_queryset(InChannelsQuerySet)()

    class Meta:
        verbose_name = _("activity")

    @property
    def registration_open(self) -> bool:
        return self.starts_at > timezone.now()

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The activity must end after it starts.")})


class PolicyIndexPage(FallsBackToChinese, Page):
    """The subsidy programmes explained in plain words."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.PolicyPage"]
    max_count_per_parent = 1
    template = "cms/policy_index_page.html"

    class Meta:
        verbose_name = _("policies")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["policies"] = [
            policy.specific for policy in children_in_reading_language(self, PolicyPage)
        ]
        return context


class PolicyPage(FallsBackToChinese, Page):
    """One subsidy programme: who may have it, what it pays, how to apply."""

    programme = models.ForeignKey(
        "billing.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="policy_pages",
    )
    summary = models.CharField(_("in one sentence"), max_length=300)
    body = RichTextField(_("in plain words"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("programme"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.PolicyIndexPage"]
    subpage_types: list[str] = []
    template = "cms/policy_page.html"

    class Meta:
        verbose_name = _("policy page")
