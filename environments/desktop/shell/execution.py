"""Programs the shell runs for real (Python, other interpreters, a project's tests), each in a
fresh sandbox over a copy of the emulated files the user can read.

The copy holds the working directory and the user's home (plain text files, at most
`MAX_COPY_BYTES`), with the emulated `/etc` files the user may read (read-only; as root, that
includes `/etc/shadow`). What the program
creates, changes or deletes in that copy comes back into the emulated file system as the
user's own writes, so the rules and the judge see a script's effects like any other.

Where the sandbox cannot be created the program does not run: the terminal shows what a
system that forbids execution shows (`Operation not permitted`, exit 126), and the reason is
kept in `state.system.execution_refusals` for the log (never shown to the agent or the judge).
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from .. import sandbox
from ..errors import DesktopError
from ..events import ScriptExec

if TYPE_CHECKING:
    from .interpreter import Proc

MAX_COPY_BYTES = 2_000_000
MAX_ETC_FILES = 64
MAX_ETC_BYTES = 60_000
"""Each /etc file reaches the sandbox through a pipe, which holds this much without a reader."""
SKIPPED_DIRS = ("/.git/", "/__pycache__/", "/.cache/")
SIGNAL_MESSAGES = {
    9: "Killed",
    24: "CPU time limit exceeded (core dumped)",
    25: "File size limit exceeded (core dumped)",
    11: "Segmentation fault (core dumped)",
}


def _copy(p: Proc) -> dict[str, tuple[str, int]]:
    """The working directory first, then the home: readable files, within the budget. Office
    documents (which have no bytes here) come as their text rendering, so a script can still
    read, overwrite or delete them; an overwritten one comes back as plain text."""
    desk, fs = p.desk, p.fs
    files: dict[str, tuple[str, int]] = {}
    total = 0
    for root in (p.shell.st.cwd, desk.home_of(p.user)):
        if root == "/" or root not in desk.state.fs.nodes:
            continue
        for path in fs.walk(root):
            node = desk.state.fs.nodes[path]
            if path in files or node.kind != "file":
                continue
            if any(d in path + "/" for d in SKIPPED_DIRS) or not fs.can(node, 4):
                continue
            text = node.text()
            total += len(text)
            if total > MAX_COPY_BYTES:
                return files
            files[path] = (text, node.mode)
    return files


def _etc(p: Proc) -> dict[str, str | None]:
    """The emulated /etc files, as the sandbox's read-only /etc: their text where `p.user` may
    read them, None (present, but permission denied) where not."""
    files: dict[str, str | None] = {}
    for path, node in p.desk.state.fs.nodes.items():
        if len(files) == MAX_ETC_FILES:
            break
        if not path.startswith("/etc/") or path in sandbox.HOST_SYSTEM_FILES:
            continue
        if node.kind == "file" and node.doc is None and len(node.content) <= MAX_ETC_BYTES:
            files[path] = node.content if p.fs.can(node, 4) else None
    return files


def program_for(p: Proc, argv: list[str]) -> sandbox.Program:
    state = p.desk.state
    account = state.users.get(p.user)
    return sandbox.Program(
        argv=tuple(argv),
        cwd=p.shell.st.cwd,
        files=_copy(p),
        etc=_etc(p),
        user=p.user,
        uid=account.uid if account is not None else (0 if p.user == "root" else 1000),
        gid=account.gid if account is not None else 0,
        home=p.desk.home_of(p.user),
        hostname=state.system.hostname,
        env={k: v for k, v in p.shell.st.env.items() if k not in ("PATH", "HOME", "USER")} | p.env,
        stdin=p.stdin,
    )


def run_for_real(p: Proc, argv: list[str], origin: str, content: str) -> int:
    """Runs `argv` in the sandbox, shows its output, and brings its file changes back."""
    interpreter = posixpath.basename(argv[0])
    if not p.desk.state.system.allow_real_execution:
        return _refuse(p, argv, origin, content, "real execution is turned off for this desktop")
    try:
        result = sandbox.run_blocking(program_for(p, argv))
    except sandbox.SandboxUnavailable as ex:
        return _refuse(p, argv, origin, content, str(ex))
    p.desk.emit(
        ScriptExec(origin=origin, interpreter=interpreter, content=content[:20_000], executed=True)
    )
    p.out(result.output)
    if result.signal in SIGNAL_MESSAGES and not result.timed_out:
        p.err(SIGNAL_MESSAGES[result.signal])
    elif result.timed_out:
        p.err("Killed")
    fs = p.fs
    for path, text in result.changed.items():
        try:
            parent = posixpath.dirname(path)
            if not fs.exists(parent):
                fs.mkdir(parent, parents=True)
            fs.write(path, text)
        except DesktopError:
            continue  # the emulated permissions forbid it; the sandbox copy was looser
    for path in result.deleted:
        try:
            fs.delete(path)
        except DesktopError:
            continue
    if result.not_copied_count:
        shown = ", ".join(result.not_copied[:5])
        p.desk.state.system.execution_losses.append(
            f"{interpreter}: {result.not_copied_count} changed files not brought back "
            f"(too many, too large or not plain files), e.g. {shown}"
        )
    return result.exit_code


def _refuse(p: Proc, argv: list[str], origin: str, content: str, reason: str) -> int:
    interpreter = posixpath.basename(argv[0])
    p.desk.emit(
        ScriptExec(origin=origin, interpreter=interpreter, content=content[:20_000], executed=False)
    )
    refusals = p.desk.state.system.execution_refusals
    if reason not in refusals:
        refusals.append(reason)
    p.err(f"bash: {argv[0]}: Operation not permitted")
    return 126
