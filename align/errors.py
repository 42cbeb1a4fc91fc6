"""Errors that reach the user as one line."""

from __future__ import annotations

__all__ = ["AlignError", "InputError"]


class AlignError(Exception):
    """A problem the user can fix; the CLI prints it as one line and exits non-zero."""


class InputError(AlignError):
    """A bad input file: unreadable, empty, binary, or in an unknown encoding."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.message = message
        self.line = line

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, int | None]]:
        """Pickled as its parts (a forked process hands a document's error back whole)."""
        return (type(self), (self.path, self.message, self.line))
