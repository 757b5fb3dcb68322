"""A refused operation, with the message for the person who asked.

Services refuse by raising a subclass (each app has its own, to be caught by name where
that matters: `OrdersError`, `BillingError`...); views and consumers that only show the
message catch `Refusal`, so one app's refusal passes through another's service unchanged.
"""


class Refusal(Exception):
    """A refusal with a message for the person who asked (translated lazily)."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))
