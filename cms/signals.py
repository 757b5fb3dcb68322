"""A change of a staff scope changes which channels that person edits, at once."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import RoleAssignment


@receiver([post_save, post_delete], sender=RoleAssignment)
def follow_the_scope(sender, instance: RoleAssignment, **kwargs) -> None:
    from accounts.models import User
    from cms.channels import sync_channel_editor

    user = User.objects.filter(pk=instance.user_id).first()
    if user is not None:  # not when the account itself is being deleted
        sync_channel_editor(user)
