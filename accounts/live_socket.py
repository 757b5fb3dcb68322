"""What the WebSocket consumers share: joining groups when the channel layer may be gone,
staying in them, and closing when the person's access goes.

Without Redis a page's socket cannot join its group. Refusing the socket is the clear
answer: the page's script then polls (static/js/live.js, order_live.js), and every
notification is already saved. Letting the error escape would log a traceback per page
view and leave the browser retrying a server error.

A socket is checked when it opens and again whenever the person's access may have changed
(decision 0023): every socket also joins its person's access group, and a sign-out or a
change of role, scope, family link or membership is sent there (accounts.live_access).
The socket then closes, or asks its consumer whether it may stay.

Groups are joined again every `LIVE_REJOIN_SECONDS`, well inside the layer's
`group_expiry`, so a page left open for days keeps hearing; a group that lost the socket
meanwhile (Redis restarted empty, or was flushed) is joined again and the page told to
fetch what it missed."""

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from redis.exceptions import RedisError

from accounts.models import User

logger = logging.getLogger(__name__)

# RFC 6455 "Try Again Later"; the browser sees only that the socket closed.
TRY_AGAIN_LATER = 1013
# The page's scripts stop reconnecting on these two: another try would be refused again.
SIGNED_OUT = 4401
NOT_ALLOWED = 4403


def access_group(user_id: int) -> str:
    return f"access-{user_id}"


async def still_joined(layer, groups: tuple[str, ...], channel: str) -> bool:
    """Whether the layer still lists the channel in every group; not after Redis restarted
    empty or was flushed. Reads the Redis layer's own sorted set of the group (its
    `_group_key`); the in-memory layer cannot lose a group while the process lives."""
    if not isinstance(layer, RedisChannelLayer):
        return True
    for group in groups:
        connection = layer.connection(layer.consistent_hash(group))
        if await connection.zscore(layer._group_key(group), channel) is None:
            return False
    return True


def _active_user(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()


class GroupConsumer(AsyncJsonWebsocketConsumer):
    """Accepts the socket only once it has joined its groups; keeps them joined; closes
    when its person signs out or may no longer stay; leaves quietly."""

    joined: tuple[str, ...] = ()
    session_key: str | None = None
    _keeper: asyncio.Task | None = None

    async def __call__(self, scope, receive, send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except (RedisError, OSError) as error:
            # The layer lost Redis while waiting for messages (a restart, a network cut).
            # Closing lets the page reconnect, fetch what it missed and poll meanwhile.
            # Every open socket meets this at once: one line each, not a traceback.
            logger.warning("live updates lost Redis (%s); closing the socket", error)
            await self.leave(TRY_AGAIN_LATER, discard=False)
        finally:
            self._stop_keeping()

    async def join(self, *groups: str) -> None:
        user = self.scope["user"]
        wanted = (*groups, access_group(user.pk))
        try:
            for group in wanted:
                await self.channel_layer.group_add(group, self.channel_name)
        except (RedisError, OSError):
            logger.warning("live updates unavailable: cannot join %s", wanted, exc_info=True)
            await self.close(code=TRY_AGAIN_LATER)
            return
        self.joined = wanted
        session = self.scope.get("session")
        self.session_key = session.session_key if session is not None else None
        await self.accept()
        self._keeper = asyncio.create_task(self._keep_joined())

    async def may_stay(self, user: User) -> bool:
        """Whether this (signed-in, active) person may keep this socket; consumers narrow
        it to what they show."""
        return True

    async def access_changed(self, message: dict) -> None:
        if not self.joined:
            return
        user = await database_sync_to_async(_active_user)(self.scope["user"].pk)
        if user is None:
            await self.leave(SIGNED_OUT)
            return
        self.scope["user"] = user
        if not await self.may_stay(user):
            await self.leave(NOT_ALLOWED)

    async def access_signed_out(self, message: dict) -> None:
        session = message.get("session")
        if self.joined and (session is None or session == self.session_key):
            await self.leave(SIGNED_OUT)

    async def disconnect(self, close_code: int) -> None:
        self._stop_keeping()
        await self._discard()

    async def _keep_joined(self) -> None:
        while True:
            await asyncio.sleep(settings.LIVE_REJOIN_SECONDS)
            try:
                lost = not await still_joined(self.channel_layer, self.joined, self.channel_name)
                for group in self.joined:
                    await self.channel_layer.group_add(group, self.channel_name)
            except (RedisError, OSError) as error:
                logger.warning("live updates lost Redis (%s); closing the socket", error)
                await self.leave(TRY_AGAIN_LATER, discard=False)
                return
            if lost:
                logger.info("rejoined %s after the layer lost them", self.joined)
                await self.send_json({"type": "resync"})

    async def leave(self, code: int, *, discard: bool = True) -> None:
        """Stop relaying at once and close; the groups are left now rather than when the
        browser answers the close."""
        self._stop_keeping()
        if discard:
            await self._discard()
        self.joined = ()
        await self.close(code=code)

    async def _discard(self) -> None:
        for group in self.joined:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except (RedisError, OSError):
                # The group's entry expires on its own (the layer's group_expiry).
                logger.warning("could not leave %s", group, exc_info=True)
                return

    def _stop_keeping(self) -> None:
        keeper = self._keeper
        if keeper is not None and keeper is not asyncio.current_task():
            keeper.cancel()
        self._keeper = None
