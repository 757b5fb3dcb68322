from linli.refusals import Refusal


class ChannelsError(Refusal):
    """A refusal about the community channels: activities, notices, surveys."""
