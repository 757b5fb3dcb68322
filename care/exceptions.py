from linli.refusals import Refusal


class CareError(Refusal):
    """A care plan change refused; the message says why."""
