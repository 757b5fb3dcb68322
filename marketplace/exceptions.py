from linli.refusals import Refusal


class MarketplaceError(Refusal):
    """A refusal about services, prices, hours or slots."""
