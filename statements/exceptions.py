from linli.refusals import Refusal


class StatementsError(Refusal):
    """A refusal about statements, their lines, adjustments or exports."""
