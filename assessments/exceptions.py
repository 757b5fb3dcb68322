from linli.refusals import Refusal


class AssessmentError(Refusal):
    """An assessment could not be recorded as asked; the message says why."""
