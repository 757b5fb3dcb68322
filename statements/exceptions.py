class StatementsError(Exception):
    """A refusal with a message for the person who asked (translated lazily)."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))
