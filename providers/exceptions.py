from linli.refusals import Refusal


class ProvidersError(Refusal):
    """A refusal about providers, their members, documents or grades."""
