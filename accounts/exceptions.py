from linli.refusals import Refusal


class AccountsError(Refusal):
    """A refusal about accounts, profiles, care recipients or roles."""
