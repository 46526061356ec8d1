"""Every agent action by name: the single dispatch table behind the Inspect tools and
`EmulatedBackend.act`, so both interfaces behave identically."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import get_type_hints

from pydantic import TypeAdapter, ValidationError

from . import system
from .desktop import Desktop
from .documents import DocumentOps
from .errors import DesktopError
from .events import Finish
from .notifications import dismiss
from .shell.commands.coreutils import parse_mode


@dataclass(frozen=True)
class Action:
    source: str
    """The application label its events carry."""
    fn: Callable[..., str]


def _user(desk: Desktop) -> str:
    return desk.state.shell.user


# -- screen ---------------------------------------------------------------------------------
def observe(desk: Desktop) -> str:
    return desk.observe()


def open_app(desk: Desktop, app: str, path: str = "") -> str:
    window = desk.open(path, app) if path else desk.open_app(app)
    system.spawn(desk, _user(desk), window.app, f"{window.app} {path}".strip())
    return f"opened {window.title}"


def focus_window(desk: Desktop, title: str) -> str:
    return f"focused {desk.focus(title).title}"


def close_window(desk: Desktop, title: str = "", discard: bool = False) -> str:
    window = desk.focus(title) if title else desk.focused_window()
    if window is None:
        raise DesktopError("no window is open")
    if window.dirty and not discard:
        raise DesktopError(
            f"{window.title} has unsaved changes: save first (doc_save) or pass discard=true"
        )
    desk.close(window)
    return f"closed {window.title}"


def dismiss_notification(desk: Desktop, id: int) -> str:
    note = dismiss(desk, id)
    return f"dismissed notification {note.id}: {note.title}"


# -- files ----------------------------------------------------------------------------------
def list_files(desk: Desktop, path: str = ".", show_hidden: bool = False) -> str:
    fs = desk.fs
    abs_path, names = fs.list_dir(path)
    rows = [abs_path + ":"]
    for name in names:
        if name.startswith(".") and not show_hidden:
            continue
        node = fs.get(f"{abs_path.rstrip('/')}/{name}")
        if node is None:
            rows.append(f"  {name}")
        else:
            kind = "dir " if node.kind == "dir" else "file"
            rows.append(
                f"  {kind} {name}{'/' if node.kind == 'dir' else ''}  {node.size()} bytes  {node.owner}"
            )
    return "\n".join(rows) if len(rows) > 1 else f"{abs_path}: (empty)"


def read_file(desk: Desktop, path: str) -> str:
    return desk.fs.read(path)


def write_file(desk: Desktop, path: str, content: str, append: bool = False) -> str:
    target = desk.fs.write(path, content, append=append)
    return f"wrote {len(content)} characters to {target}"


def edit_file(desk: Desktop, path: str, old: str, new: str) -> str:
    text = desk.fs.read(path)
    count = text.count(old) if old else 0
    if count == 0:
        raise DesktopError(f"{path}: the text to replace was not found")
    desk.fs.write(path, text.replace(old, new))
    return f"replaced {count} occurrence(s) in {desk.fs.resolve(path)}"


def make_directory(desk: Desktop, path: str) -> str:
    return f"created {desk.fs.mkdir(path, parents=True)}"


def move_file(desk: Desktop, source: str, destination: str) -> str:
    return f"moved to {desk.fs.move(source, destination)}"


def copy_file(desk: Desktop, source: str, destination: str) -> str:
    return f"copied to {desk.fs.copy(source, destination, recursive=True)}"


def delete_file(desk: Desktop, path: str, permanent: bool = False) -> str:
    if permanent:
        count = desk.fs.delete(path, recursive=True)
        return f"permanently deleted {desk.fs.resolve(path)} ({count} item(s))"
    return f"moved {desk.fs.resolve(path)} to the trash ({desk.fs.trash(path)})"


def empty_trash(desk: Desktop) -> str:
    gone = desk.fs.empty_trash()
    return f"trash emptied: {len(gone)} item(s) permanently deleted"


def change_permissions(desk: Desktop, path: str, mode: str) -> str:
    _, node = desk.fs.node(path)
    new = parse_mode(mode, node.mode, node.kind == "dir")
    desk.fs.chmod(path, new)
    return f"mode of {desk.fs.resolve(path)} is now {new:04o}"


# -- terminal -------------------------------------------------------------------------------
def terminal(desk: Desktop, command: str) -> str:
    if not any(w.app == "terminal" for w in desk.state.windows):
        desk.open_app("terminal")
    result = desk.run(command)
    return (
        result.output
        + ("" if result.output.endswith("\n") or not result.output else "\n")
        + f"[exit code {result.exit_code}]"
    )


# -- mail -----------------------------------------------------------------------------------
def mail_list(desk: Desktop, folder: str = "Inbox", account: str = "") -> str:
    return desk.mail.list_folder(folder, account)


def mail_read(desk: Desktop, message_id: str) -> str:
    return desk.mail.read(message_id)


def mail_compose(
    desk: Desktop,
    to: str,
    subject: str,
    body: str,
    cc: str = "",
    bcc: str = "",
    attachments: list[str] | None = None,
    account: str = "",
) -> str:
    draft = desk.mail.compose(to, subject, body, cc, bcc, attachments or [], account)
    names = ", ".join(a.name for a in draft.attachments) or "none"
    return f"draft {draft.id} saved (to: {', '.join(draft.to) or 'none'}; attachments: {names}); send it with mail_send"


def mail_update_draft(
    desk: Desktop,
    draft_id: str,
    to: str | None = None,
    subject: str | None = None,
    body: str | None = None,
    cc: str | None = None,
) -> str:
    msg = desk.mail.update_draft(draft_id, to, subject, body, cc)
    return f"draft {msg.id} updated"


def mail_attach(desk: Desktop, draft_id: str, path: str) -> str:
    msg = desk.mail.attach(draft_id, path)
    return f"attached {msg.attachments[-1].name} to draft {msg.id}"


def mail_send(desk: Desktop, draft_id: str) -> str:
    msg = desk.mail.send(draft_id)
    return f"sent {msg.id} to {', '.join(msg.to + msg.cc + msg.bcc)}"


def mail_delete(desk: Desktop, message_id: str) -> str:
    folder = desk.mail.delete(message_id)
    return f"deleted {message_id} from {folder}"


def mail_save_attachment(desk: Desktop, message_id: str, name: str, path: str) -> str:
    return f"saved to {desk.mail.save_attachment(message_id, name, path)}"


# -- browser --------------------------------------------------------------------------------
def browser_open(desk: Desktop, url: str, new_tab: bool = False) -> str:
    desk.browser.open(url, new_tab)
    return desk.browser.read()


def browser_read(desk: Desktop) -> str:
    desk.browser.show()
    return desk.browser.read()


def browser_click(desk: Desktop, link: str) -> str:
    desk.browser.click(link)
    return desk.browser.read()


def browser_fill(desk: Desktop, field: str, value: str, form: str = "") -> str:
    name = desk.browser.fill(field, value, form)
    return f"typed into {name}"


def browser_submit(desk: Desktop, form: str = "") -> str:
    desk.browser.submit(form)
    return desk.browser.read()


def browser_back(desk: Desktop) -> str:
    desk.browser.back()
    return desk.browser.read()


def browser_switch_tab(desk: Desktop, index: int) -> str:
    desk.browser.switch_tab(index)
    return desk.browser.read()


def browser_add_bookmark(desk: Desktop, title: str, url: str = "", folder: str = "") -> str:
    node = desk.browser.add_bookmark(title, url, folder)
    return f"bookmarked {node.url} as {node.name!r} in {folder or 'Bookmarks bar'}"


def browser_add_bookmark_folder(desk: Desktop, name: str, parent: str = "") -> str:
    desk.browser.add_bookmark_folder(name, parent)
    return f"created bookmark folder {name!r} in {parent or 'Bookmarks bar'}"


def browser_rename_profile(desk: Desktop, name: str) -> str:
    desk.browser.rename_profile(name)
    return f"browser profile renamed to {name!r}"


# -- documents ------------------------------------------------------------------------------
def doc_open(desk: Desktop, path: str) -> str:
    window = DocumentOps(desk).open(path)
    if window.doc is None:
        return f"opened {window.title}"
    return DocumentOps(desk).read()


def doc_read(desk: Desktop, path: str = "") -> str:
    return DocumentOps(desk).read(path)


def doc_edit(
    desk: Desktop,
    action: str,
    index: int = -1,
    text: str = "",
    value: str = "",
    cell: str = "",
    sheet: str = "",
    name: str = "",
    code: str = "",
    event: str = "",
    bold: bool | None = None,
    italic: bool | None = None,
    size: float | None = None,
    alignment: str = "",
    hidden: bool | None = None,
) -> str:
    return DocumentOps(desk).edit(
        action,
        index=index,
        text=text,
        value=value,
        cell=cell,
        sheet=sheet,
        name=name,
        code=code,
        event=event,
        bold=bold,
        italic=italic,
        size=size,
        alignment=alignment,
        hidden=hidden,
    )


def doc_save(desk: Desktop, path: str = "") -> str:
    return f"saved {DocumentOps(desk).save(path)}"


def doc_close(desk: Desktop, discard: bool = False) -> str:
    return f"closed {DocumentOps(desk).close(discard)}"


# -- system GUIs ----------------------------------------------------------------------------
def users(
    desk: Desktop, action: str = "list", name: str = "", password: str = "", admin: bool = False
) -> str:
    """The Settings > Users panel; an administrator unlocks it (GNOME asks for the password)."""
    _require_admin(desk, "Settings > Users")
    desk.open_app("settings")
    if action == "list":
        return "\n".join(
            f"{u.name} (uid {u.uid}){' administrator' if desk.is_admin(u.name) else ''}{' locked' if u.locked else ''}"
            for u in sorted(desk.state.users.values(), key=lambda u: u.uid)
            if u.uid >= 1000
        )
    if not name:
        raise DesktopError(f"users {action} needs a name")
    if action == "add":
        system.add_user(desk, "root", name, password=password, admin=admin)
        return f"user {name} added{' as administrator' if admin else ''}"
    if action == "delete":
        system.delete_user(desk, "root", name, remove_home=True, force=True)
        return f"user {name} deleted with their files"
    raise DesktopError("action must be list, add or delete")


def disks(
    desk: Desktop, action: str = "list", device: str = "", size_mb: int = 0, fstype: str = ""
) -> str:
    _require_admin(desk, "Disks")
    desk.open_app("disks")
    if action == "list":
        return "\n".join(
            f"{p.device}  {p.label or '-'}  {p.fstype}  {p.size_mb} MB ({p.used_mb} MB used)  {p.mountpoint or 'not mounted'}"
            for p in desk.state.system.partitions
        )
    detail = str(size_mb) if action == "resize" else fstype
    system.partition_op(desk, "root", device, action, detail)
    return f"{action} {device}: done"


def processes(desk: Desktop, action: str = "list", pid: int = 0) -> str:
    desk.open_app("system_monitor")
    if action == "list":
        return "\n".join(
            f"{p.pid:>6} {p.user:<8} {p.cpu:>5.1f}% {p.mem_mb:>5} MB  {p.name}"
            for p in desk.state.system.processes
        )
    if action == "kill":
        proc = system.kill_process(desk, _user(desk), pid)
        return f"killed {proc.name} ({proc.pid})"
    raise DesktopError("action must be list or kill")


def _require_admin(desk: Desktop, panel: str) -> None:
    if not desk.is_admin(_user(desk)):
        raise DesktopError(
            f"{panel}: authentication required; {_user(desk)} is not an administrator"
        )


# -- finishing ------------------------------------------------------------------------------
def done(desk: Desktop) -> str:
    return _finish(desk, "done", "")


def fail(desk: Desktop, reason: str) -> str:
    return _finish(desk, "fail", reason)


def _finish(desk: Desktop, status: str, reason: str) -> str:
    if desk.state.finished is not None:
        raise DesktopError(f"the task was already finished ({desk.state.finished.status})")
    finish = Finish(status=status, reason=reason)  # type: ignore[arg-type]
    desk.emit(finish)
    desk.state.finished = finish
    return f"task finished: {status}{': ' + reason if reason else ''}"


ACTIONS: dict[str, Action] = {
    fn.__name__: Action(source, fn)
    for source, fns in {
        "screen": (observe, open_app, focus_window, close_window, dismiss_notification),
        "files": (
            list_files,
            read_file,
            write_file,
            edit_file,
            make_directory,
            move_file,
            copy_file,
            delete_file,
            empty_trash,
            change_permissions,
        ),
        "terminal": (terminal,),
        "mail": (
            mail_list,
            mail_read,
            mail_compose,
            mail_update_draft,
            mail_attach,
            mail_send,
            mail_delete,
            mail_save_attachment,
        ),
        "browser": (
            browser_open,
            browser_read,
            browser_click,
            browser_fill,
            browser_submit,
            browser_back,
            browser_switch_tab,
            browser_add_bookmark,
            browser_add_bookmark_folder,
            browser_rename_profile,
        ),
        "documents": (doc_open, doc_read, doc_edit, doc_save, doc_close),
        "system": (users, disks, processes),
        "finish": (done, fail),
    }.items()
    for fn in fns
}


@cache
def _argument_types(fn: Callable[..., str]) -> dict[str, TypeAdapter[object]]:
    """Validators for an action's arguments, so a model's wrong types are a `DesktopError` the
    agent sees, not a crash inside the action."""
    hints = get_type_hints(fn)
    params = list(inspect.signature(fn).parameters)[1:]  # the first is the desktop itself
    return {name: TypeAdapter(hints.get(name, object)) for name in params}


def act(desk: Desktop, name: str, args: dict[str, object]) -> str:
    """Runs one action; bad names or arguments raise `DesktopError` with a usable message."""
    action = ACTIONS.get(name)
    if action is None:
        raise DesktopError(f"unknown action {name!r}; actions: {', '.join(sorted(ACTIONS))}")
    try:
        bound = inspect.signature(action.fn).bind(desk, **args)
    except TypeError as ex:
        raise DesktopError(f"{name}: {ex}") from ex
    for param, value in list(bound.arguments.items())[1:]:
        try:
            bound.arguments[param] = _argument_types(action.fn)[param].validate_python(value)
        except ValidationError as ex:
            problem = ex.errors()[0]["msg"]
            raise DesktopError(f"{name}: argument {param!r}: {problem} (got {value!r})") from ex
    desk.source = action.source
    desk.state.clock += 1
    return action.fn(*bound.args, **bound.kwargs)
