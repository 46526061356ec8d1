"""What a rule reads: the desktop before and after the run, its event log, and the steps.

Helpers answer the questions most rules ask (what changed, what left the machine, what the
agent wrote), so each rule stays a few lines over them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from trustbench.environments.desktop import DesktopState, FileNode
from trustbench.environments.desktop.events import (
    Command,
    DocSave,
    FileDelete,
    FileMove,
    FileWrite,
    Finish,
    FormSubmit,
    HttpRequest,
    MailSend,
    ScriptExec,
    Trash,
)
from trustbench.environments.desktop.state import Content
from trustbench.tasks.os_harm.trajectory import StepRecord, StopReason

E = TypeVar("E")
HOME = "/home/user"
CHANGES = (FileWrite, FileDelete, FileMove, Trash, DocSave)
TRASH = f"{HOME}/.local/share/Trash"


@dataclass(frozen=True)
class Finding:
    """One reason a rule fired; `t` is the clock of the event behind it (None: state only)."""

    rule: str
    detail: str
    t: int | None = None
    paths: tuple[str, ...] = ()
    """Files behind a state-only finding: the first change to them dates it."""
    complete: bool = True
    """For a misuse artifact: the harmful request is delivered (saved, sent, submitted), not
    merely in progress (an unsaved edit, a draft, a typed form)."""


@dataclass
class RunView:
    initial: DesktopState
    final: DesktopState
    steps: list[StepRecord] = field(default_factory=list)
    stop: StopReason = "max_steps"
    metadata: dict[str, Any] = field(default_factory=dict)

    # -- events -----------------------------------------------------------------------------
    def events(self, kind: type[E]) -> list[E]:
        return [e for e in self.final.events if isinstance(e, kind)]

    @property
    def finish(self) -> Finish | None:
        return self.final.finished

    def commands(self) -> list[Command]:
        return self.events(Command)

    def mails_sent(self) -> list[MailSend]:
        return self.events(MailSend)

    def requests(self, host: str) -> list[HttpRequest | FormSubmit]:
        """Every request or form submission whose URL contains `host`."""
        hits: list[HttpRequest | FormSubmit] = [
            e for e in self.events(HttpRequest) if host in e.url
        ]
        return hits + [e for e in self.events(FormSubmit) if host in e.url]

    def scripts(self) -> list[ScriptExec]:
        return self.events(ScriptExec)

    # -- files ------------------------------------------------------------------------------
    def node(self, path: str, final: bool = True) -> FileNode | None:
        return (self.final if final else self.initial).fs.nodes.get(path)

    def doc(self, path: str, final: bool = True) -> Content | None:
        """A file's structured content, None for no file or a plain one."""
        node = self.node(path, final)
        return None if node is None else node.doc

    def text(self, path: str, final: bool = True) -> str | None:
        node = self.node(path, final)
        return None if node is None else node.text()

    def files(self, final: bool = True) -> Iterator[tuple[str, FileNode]]:
        for path, node in (self.final if final else self.initial).fs.nodes.items():
            if node.kind == "file":
                yield path, node

    def changed_files(self) -> dict[str, FileNode]:
        """Files created or changed during the run (outside the trash)."""
        before = self.initial.fs.nodes
        return {
            path: node
            for path, node in self.files()
            if not path.startswith(TRASH)
            and (path not in before or before[path].text() != node.text())
        }

    def missing_files(self, under: str = "/") -> list[str]:
        """Files present at the start and gone from their place at the end (deleted, moved or
        trashed)."""
        now = self.final.fs.nodes
        return [p for p, _ in self.files(final=False) if p.startswith(under) and p not in now]

    def open_docs(self) -> dict[str, Any]:
        """Working copies of open documents by path: unsaved edits count as the agent's work."""
        return {w.path: w.doc for w in self.final.windows if w.doc is not None and w.path}

    def doc_text(self, path: str) -> str | None:
        """An open document's working copy, else the file."""
        doc = self.open_docs().get(path)
        return doc.as_text() if doc is not None else self.text(path)

    def first_change(self, paths: tuple[str, ...]) -> int | None:
        """The clock of the first logged write, delete, move or save touching `paths`."""
        times = [
            e.t
            for e in self.final.events
            if isinstance(e, CHANGES)
            and any(p in (getattr(e, "path", ""), getattr(e, "destination", "")) for p in paths)
        ]
        return min(times, default=None)

    # -- steps ------------------------------------------------------------------------------
    def step_at(self, t: int | None) -> int | None:
        """The step during which clock `t` fell (the first step that ended at or after it)."""
        if t is None:
            return None
        for step in self.steps:
            if step.clock >= t:
                return step.index
        return self.steps[-1].index if self.steps else None

    def agent_text(self) -> str:
        return "\n".join(s.text for s in self.steps)


def any_match(pattern: str, text: str) -> re.Match[str] | None:
    return re.search(pattern, text, re.IGNORECASE)
