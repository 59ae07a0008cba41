"""The one exception type of Border Gaps: a sentence for the user, details for the log."""


class BorderGapsError(Exception):
    """An error the user can act on.

    ``message`` is a full sentence naming the layer, field or value at fault and how to
    fix it; ``details`` is optional extra text for the log.
    """

    def __init__(self, message: str, details: str = ""):
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message
