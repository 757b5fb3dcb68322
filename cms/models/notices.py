from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.querysets import TargetedNoticeQuerySet


class TargetedNotice(models.Model):
    """定向通知: a notice from community staff to the people in a segment (communities in
    their scope and circumstances of the care recipients) and the families linked to them."""

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    communities = models.ManyToManyField(
        "communities.Region", verbose_name=_("communities"), related_name="+"
    )
    living_alone = models.BooleanField(_("only people living alone"), default=False)
    minimum_living_allowance = models.BooleanField(
        _("only minimum living allowance households"), default=False
    )
    low_income = models.BooleanField(_("only low-income households"), default=False)
    min_disability_level = models.PositiveSmallIntegerField(
        _("disability level from"), null=True, blank=True
    )
    min_age = models.PositiveSmallIntegerField(_("age from"), null=True, blank=True)
    programme = models.ForeignKey(
        "billing.Programme",
        verbose_name=_("only people eligible for"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients_count = models.PositiveIntegerField(_("people concerned"), default=0)
    reach = models.PositiveIntegerField(_("accounts reached"), default=0)

    objects = TargetedNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("targeted notice")
        verbose_name_plural = _("targeted notices")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("channels:notice", kwargs={"pk": self.pk})


class NoticeDelivery(models.Model):
    """The notice as one account received it, for whom, and when they read it."""

    notice = models.ForeignKey(TargetedNotice, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_deliveries"
    )
    for_names = models.CharField(_("for"), max_length=300)
    notification = models.OneToOneField(
        "accounts.Notification", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "user"],
                name="one_delivery_per_account",
                violation_error_message=_("This notice has already been sent to this account."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice} → {self.user}"
