"""Errors raised by the scoring library; every message is a Vietnamese sentence for a person."""


class ScoringError(ValueError):
    """Base class: ``message`` is what a person reads, ``field`` the input it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class InvalidInput(ScoringError):
    """An agency's input for a criterion cannot be scored (e.g. numerator above denominator)."""


class InvalidRule(ScoringError):
    """A criterion's rule or parameters are inconsistent (a configuration error)."""


class InvalidTable(ValueError):
    """A criteria table is inconsistent; ``errors`` lists every (code, message) found."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = list(errors)
        super().__init__(" ".join(message for _code, message in self.errors))
