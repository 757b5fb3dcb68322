from django.db import models


class PurchaserQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PurchaserQuerySet":
        """The purchasers this user is an officer of; every one for platform admins."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(officers__user=user)
