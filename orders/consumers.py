from channels.db import database_sync_to_async

from accounts.live_socket import NOT_ALLOWED, GroupConsumer
from accounts.models import User
from orders.access import can_see
from orders.events import order_group


class OrderEventsConsumer(GroupConsumer):
    """Joins the group of one order, for people who may see that order; relays only."""

    code = ""

    async def connect(self) -> None:
        self.code = self.scope["url_route"]["kwargs"]["code"]
        user = self.scope.get("user")
        if user is None or not await self.may_stay(user):
            await self.close(code=NOT_ALLOWED)
            return
        await self.join(order_group(self.code))

    async def may_stay(self, user: User) -> bool:
        return await database_sync_to_async(can_see)(user, self.code)

    async def order_event(self, message: dict) -> None:
        # Who may watch an order changes with the order too (a worker taken off it), not
        # only with the person's roles: asked again before each relay.
        if not self.joined:
            return
        if not await self.may_stay(self.scope["user"]):
            await self.leave(NOT_ALLOWED)
            return
        await self.send_json(message["payload"])
