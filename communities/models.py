from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def in_english() -> bool:
    """Whether the active language is English (the one place that decides it; every app's
    two-language names ask here)."""
    return (get_language() or "").startswith("en")


def envelope_name(names_upwards: list[str]) -> str:
    """A region's names from itself up to its district, written as on an envelope: from
    the district down in Chinese, from the community up in English."""
    if in_english():
        return ", ".join(names_upwards)
    return "".join(reversed(names_upwards))


class RegionQuerySet(models.QuerySet):
    def communities(self) -> "RegionQuerySet":
        return self.filter(level=Region.Level.COMMUNITY)

    def community_choices(self) -> list[tuple[int, str]]:
        """(pk, full name) of every community, from one query of plain values: a page's
        <select> of a hundred communities built from model instances, each with its street
        and district, cost the catalogue more than its search (bench/README.md)."""
        rows = self.communities().values_list(
            "pk",
            "name_zh",
            "name_en",
            "parent__name_zh",
            "parent__name_en",
            "parent__parent__name_zh",
            "parent__parent__name_en",
        )
        english = in_english()
        choices = []
        for pk, zh, en, street_zh, street_en, district_zh, district_en in rows:
            names = [en, street_en, district_en] if english else [zh, street_zh, district_zh]
            choices.append((pk, envelope_name(names)))
        return choices

    def communities_under(self, region_ids) -> "RegionQuerySet":
        """Communities that are, or lie below, any of the given regions."""
        return self.communities().filter(
            Q(pk__in=region_ids) | Q(parent__in=region_ids) | Q(parent__parent__in=region_ids)
        )


class Region(models.Model):
    """One node of the district → street → community tree (DESIGN §2).

    One table for the three levels keeps "a scope anywhere in the tree" a single
    foreign key; the level decides what the parent must be.
    """

    class Level(models.TextChoices):
        DISTRICT = "district", _("District")
        STREET = "street", _("Street")
        COMMUNITY = "community", _("Community")

    PARENT_LEVEL = {Level.STREET: Level.DISTRICT, Level.COMMUNITY: Level.STREET}

    # Administrative division codes nest: a street's code starts with its district's.
    code = models.CharField(_("code"), max_length=20, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=Q(level="district", parent__isnull=True)
                | Q(level__in=["street", "community"], parent__isnull=False),
                name="region_only_districts_are_roots",
                violation_error_message=_(
                    "Only a district stands alone; a street or community belongs to a larger area."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if in_english() else self.name_zh

    @property
    def full_name(self) -> str:
        """Names from the district down, as they are written on an envelope."""
        names = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return envelope_name(names)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        expected_parent = self.PARENT_LEVEL.get(self.level)
        if expected_parent is None and self.parent_id:
            raise ValidationError({"parent": _("A district has no parent.")})
        if expected_parent is not None:
            if self.parent is None or self.parent.level != expected_parent:
                raise ValidationError(
                    {
                        "parent": _("A %(level)s must belong to a %(parent)s.")
                        % {
                            "level": self.Level(self.level).label,
                            "parent": self.Level(expected_parent).label,
                        }
                    }
                )
            if not self.code.startswith(self.parent.code):
                raise ValidationError(
                    {
                        "code": _("The code must start with the parent's code %(code)s.")
                        % {"code": self.parent.code}
                    }
                )
