from accounts.live_socket import SIGNED_OUT, GroupConsumer


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


class NotificationsConsumer(GroupConsumer):
    """A signed-in person's own stream of notifications; strangers are refused, and the
    stream closes when the person signs out (accounts.live_access)."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=SIGNED_OUT)
            return
        await self.join(user_group(user.pk))
        if self.joined:
            await self.send_json({"type": "hello"})

    async def notify(self, message: dict) -> None:
        if self.joined:
            await self.send_json(message["payload"])
