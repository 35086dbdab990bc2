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


class TableProblem(tuple):
    """One problem of a table: a (code, message) pair that also names the ``field`` it is
    about ("code", "parent", "maximum", "rule" or None for the whole table), so that an
    import can point at the right column."""

    def __new__(cls, code: str, message: str, field: str | None = None):
        problem = super().__new__(cls, (code, message))
        problem.field = field
        return problem


class InvalidTable(ValueError):
    """A criteria table is inconsistent; ``errors`` lists every (code, message) found, each a
    ``TableProblem``."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = list(errors)
        super().__init__(" ".join(message for _code, message in self.errors))
