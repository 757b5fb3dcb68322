from linli.refusals import Refusal


class BillingError(Refusal):
    """A refusal about purchasers, eligibility or subsidies."""
