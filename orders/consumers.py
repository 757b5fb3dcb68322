from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from orders.events import order_group
from orders.models import Order


def user_can_see_order(user, code: str) -> bool:
    return Order.objects.visible_to(user).filter(code=code).exists()


class OrderEventsConsumer(AsyncJsonWebsocketConsumer):
    """Joins the group of one order, for people who may see that order; relays only."""

    async def connect(self) -> None:
        code = self.scope["url_route"]["kwargs"]["code"]
        user = self.scope.get("user")
        if user is None or not await database_sync_to_async(user_can_see_order)(user, code):
            await self.close(code=4403)
            return
        self.group = order_group(code)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, close_code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def order_event(self, message: dict) -> None:
        await self.send_json(message["payload"])
