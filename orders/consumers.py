from channels.db import database_sync_to_async

from accounts.live_socket import GroupConsumer
from orders.access import can_see
from orders.events import order_group


class OrderEventsConsumer(GroupConsumer):
    """Joins the group of one order, for people who may see that order; relays only."""

    async def connect(self) -> None:
        code = self.scope["url_route"]["kwargs"]["code"]
        user = self.scope.get("user")
        if user is None or not await database_sync_to_async(can_see)(user, code):
            await self.close(code=4403)
            return
        await self.join(order_group(code))

    async def order_event(self, message: dict) -> None:
        await self.send_json(message["payload"])
