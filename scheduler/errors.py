"""Errors the tool reports to a planner in one line."""

from __future__ import annotations


class InputError(Exception):
    """A malformed scenario or roster: names the file, row and column, and what was expected.

    Parameters
    ----------
    file
        File name as the planner knows it (e.g. ``staff.csv``).
    message
        What was expected and what was found.
    row
        Line number in the file (the header is line 1), if the problem has one.
    column
        Column or TOML key, if the problem has one.
    """

    def __init__(
        self, file: str, message: str, row: int | None = None, column: str | None = None
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


class InputWarning(UserWarning):
    """Something in a scenario the tool reads past, such as a column it does not know.

    Parameters
    ----------
    file
        File name as the planner knows it.
    message
        What was read past, and why it may matter.
    column
        Column or TOML key, if the warning has one.
    """

    def __init__(self, file: str, message: str, column: str | None = None) -> None:
        self.file = file
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file if self.column is None else f"{self.file}, column {self.column}"
        return f"{where}: {self.message}"
