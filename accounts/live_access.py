"""Open sockets follow access (decision 0023): when a person signs out, is deactivated, or
gains or loses a role, a scope, a family link or a membership, their open sockets hear it
on their access group (accounts.live_socket) and close, or ask again whether they may
stay. Sent after commit, like every push; a change rolled back tells nobody."""

from functools import partial

from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from accounts.live_socket import access_group
from accounts.models import CareLink, RoleAssignment, User
from accounts.notifications import send_live


def access_changed(*, user_id: int) -> None:
    """This person's open sockets ask again whether they may stay."""
    message = {"type": "access.changed"}
    transaction.on_commit(partial(send_live, [(access_group(user_id), message)]))


def signed_out(*, user_id: int, session_key: str | None = None) -> None:
    """The sockets opened in this session (every session when None) close."""
    message = {"type": "access.signed_out", "session": session_key}
    transaction.on_commit(partial(send_live, [(access_group(user_id), message)]))


def follow(model, user_field: str) -> None:
    """Tell the person a row of `model` names (by `user_field`) when it changes."""

    def changed(sender, instance, **kwargs) -> None:
        user_id = getattr(instance, user_field)
        if user_id is not None:
            access_changed(user_id=user_id)

    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"live-access-{model}")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"live-access-{model}")


def _on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        signed_out(user_id=user.pk, session_key=request.session.session_key)


def _on_user_saved(sender, instance: User, created: bool, **kwargs) -> None:
    if not created and not instance.is_active:
        signed_out(user_id=instance.pk)


def connect() -> None:
    user_logged_out.connect(_on_logout, dispatch_uid="live-access-logout")
    post_save.connect(_on_user_saved, sender=User, dispatch_uid="live-access-user")
    follow(RoleAssignment, "user_id")
    follow(CareLink, "account_id")
