"""What the WebSocket consumers share: joining a group when the channel layer may be gone.

Without Redis a page's socket cannot join its group. Refusing the socket is the clear
answer: the page's script then polls (static/js/live.js, order_live.js), and every
notification is already saved. Letting the error escape would log a traceback per page
view and leave the browser retrying a server error."""

import logging

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# RFC 6455 "Try Again Later"; the browser sees only that the socket closed.
TRY_AGAIN_LATER = 1013


class GroupConsumer(AsyncJsonWebsocketConsumer):
    """Accepts the socket only once it has joined `group`; leaves it quietly."""

    group = ""

    async def join(self, group: str) -> None:
        try:
            await self.channel_layer.group_add(group, self.channel_name)
        except (RedisError, OSError):
            logger.warning("live updates unavailable: cannot join %s", group, exc_info=True)
            await self.close(code=TRY_AGAIN_LATER)
            return
        self.group = group
        await self.accept()

    async def disconnect(self, close_code: int) -> None:
        if not self.group:
            return
        try:
            await self.channel_layer.group_discard(self.group, self.channel_name)
        except (RedisError, OSError):
            # The group's entry expires on its own (the layer's group_expiry).
            logger.warning("could not leave %s", self.group, exc_info=True)
