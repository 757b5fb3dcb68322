from linli.refusals import Refusal


class OrdersError(Refusal):
    """A refusal about an order, its payment or its visit."""


class SlotFull(OrdersError):
    pass
