"""Typed errors for the exam data; each message names the file or question and the fix."""

from __future__ import annotations

from trustbench.errors import TrustbenchError
from trustbench.tasks import upstream_data


class ExamDataError(TrustbenchError, ValueError):
    """The question or course data cannot be used as given."""


class ExamFileEncodingError(ExamDataError):
    """An exam file that is not UTF-8: the message names the file and the first bad byte."""

    def __init__(self, path: str, offset: int, byte: int, utf16: bool) -> None:
        self.path = path
        self.offset = offset
        found = "UTF-16 text" if utf16 else f"byte 0x{byte:02x} at offset {offset}, not UTF-8"
        super().__init__(
            f"{path}: {found}. Save the file as UTF-8 (with or without a byte-order mark)."
        )


class InvalidQuestionError(ExamDataError):
    """One question record breaks the schema; `question_id` says which."""

    def __init__(self, question_id: str, problem: str) -> None:
        self.question_id = question_id
        self.problem = problem
        super().__init__(
            f"question {question_id}: {problem}. Fix the record, or pass -T on_invalid=skip to "
            "leave such questions out (they are counted in the log as skipped_questions)."
        )


class ChecksumError(ExamDataError, upstream_data.ChecksumError):
    """A data file is not the pinned upstream version."""


class DataUnavailableError(ExamDataError, upstream_data.DataUnavailableError):
    """The upstream files are neither mirrored, cached nor downloadable."""
