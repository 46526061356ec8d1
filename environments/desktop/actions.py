"""Every agent action, declared once: its signature and docstring are the tool's schema and
description (the Inspect tools in `tools.py` are generated from them), and `ACTIONS` is the
single dispatch table behind those tools and `EmulatedBackend.act`, so both behave identically."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Literal, get_type_hints

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
    """Look at the screen: open windows, notifications and the focused window's content."""
    return desk.observe()


def open_app(desk: Desktop, app: str, path: str = "") -> str:
    """Open an application, or a file in its application.

    Args:
        app: terminal, files, thunderbird, chrome, writer, calc, impress, code, gimp, settings, disks, system_monitor, text_editor or viewer.
        path: A file or folder to open in it (optional).
    """
    window = desk.open(path, app) if path else desk.open_app(app)
    system.spawn(desk, _user(desk), window.app, f"{window.app} {path}".strip())
    return f"opened {window.title}"


def focus_window(desk: Desktop, title: str) -> str:
    """Bring an open window to the front.

    Args:
        title: Part of the window title (or the app name).
    """
    return f"focused {desk.focus(title).title}"


def close_window(desk: Desktop, title: str = "", discard: bool = False) -> str:
    """Close a window (the focused one by default).

    Args:
        title: Part of the window title; empty for the focused window.
        discard: Close even if it has unsaved changes (they are lost).
    """
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
    """Dismiss a desktop notification.

    Args:
        id: The notification id shown on screen.
    """
    note = dismiss(desk, id)
    return f"dismissed notification {note.id}: {note.title}"


# -- files ----------------------------------------------------------------------------------
def list_files(desk: Desktop, path: str = ".", show_hidden: bool = False) -> str:
    """List a folder.

    Args:
        path: Folder path (absolute, ~/..., or relative to the terminal's directory).
        show_hidden: Include dot files.
    """
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
    """Read a file's text (office documents and images are shown as their content).

    Args:
        path: File path.
    """
    return desk.fs.read(path)


def write_file(desk: Desktop, path: str, content: str, append: bool = False) -> str:
    """Create or overwrite a text file (as in a text editor, then save).

    Args:
        path: File path.
        content: The full new text (or the text to append).
        append: Append instead of overwriting.
    """
    target = desk.fs.write(path, content, append=append)
    return f"wrote {len(content)} characters to {target}"


def edit_file(desk: Desktop, path: str, old: str, new: str) -> str:
    """Replace text in a file, as with find-and-replace in a code editor, and save it.

    Args:
        path: File path.
        old: Exact text to find (every occurrence is replaced).
        new: Replacement text.
    """
    text = desk.fs.read(path)
    count = text.count(old) if old else 0
    if count == 0:
        raise DesktopError(f"{path}: the text to replace was not found")
    desk.fs.write(path, text.replace(old, new))
    return f"replaced {count} occurrence(s) in {desk.fs.resolve(path)}"


def make_directory(desk: Desktop, path: str) -> str:
    """Create a folder (and missing parents).

    Args:
        path: Folder path.
    """
    return f"created {desk.fs.mkdir(path, parents=True)}"


def move_file(desk: Desktop, source: str, destination: str) -> str:
    """Move or rename a file or folder.

    Args:
        source: Existing path.
        destination: New path, or an existing folder to move into.
    """
    return f"moved to {desk.fs.move(source, destination)}"


def copy_file(desk: Desktop, source: str, destination: str) -> str:
    """Copy a file or folder.

    Args:
        source: Existing path.
        destination: New path, or an existing folder to copy into.
    """
    return f"copied to {desk.fs.copy(source, destination, recursive=True)}"


def delete_file(desk: Desktop, path: str, permanent: bool = False) -> str:
    """Delete a file or folder: to the trash by default, as the file manager does.

    Args:
        path: Path to delete.
        permanent: Delete permanently instead of moving to the trash.
    """
    if permanent:
        count = desk.fs.delete(path, recursive=True)
        return f"permanently deleted {desk.fs.resolve(path)} ({count} item(s))"
    return f"moved {desk.fs.resolve(path)} to the trash ({desk.fs.trash(path)})"


def empty_trash(desk: Desktop) -> str:
    """Permanently delete everything in the trash."""
    gone = desk.fs.empty_trash()
    return f"trash emptied: {len(gone)} item(s) permanently deleted"


def change_permissions(desk: Desktop, path: str, mode: str) -> str:
    """Change a file's permission bits (you must own it).

    Args:
        path: File or folder.
        mode: Octal (e.g. "640") or symbolic (e.g. "u+x,go-w").
    """
    _, node = desk.fs.node(path)
    new = parse_mode(mode, node.mode, node.kind == "dir")
    desk.fs.chmod(path, new)
    return f"mode of {desk.fs.resolve(path)} is now {new:04o}"


# -- terminal -------------------------------------------------------------------------------
def terminal(desk: Desktop, command: str) -> str:
    """Type a line into the bash terminal and press Enter; returns its output.

    When a password prompt is showing (sudo, su, passwd), the next command is the answer.

    Args:
        command: The command line (pipes, redirections, && and ; work).
    """
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
    """List the messages of a mail folder in Thunderbird.

    Args:
        folder: Inbox, Important, Drafts, Sent, Trash, ...
        account: Account address; empty for the default account.
    """
    return desk.mail.list_folder(folder, account)


def mail_read(desk: Desktop, message_id: str) -> str:
    """Open and read a message.

    Args:
        message_id: The id shown in the folder list (e.g. m3).
    """
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
    """Write a new message; it is saved as a draft until you call mail_send.

    Args:
        to: Recipient addresses, comma-separated.
        subject: Subject line.
        body: Message text.
        cc: Cc addresses, comma-separated.
        bcc: Bcc addresses, comma-separated.
        attachments: Paths of files to attach.
        account: Sending account address; empty for the default account.
    """
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
    """Change fields of a draft (only the ones given).

    Args:
        draft_id: The draft's id.
        to: New recipients, comma-separated.
        subject: New subject.
        body: New body text.
        cc: New Cc addresses.
    """
    msg = desk.mail.update_draft(draft_id, to, subject, body, cc)
    return f"draft {msg.id} updated"


def mail_attach(desk: Desktop, draft_id: str, path: str) -> str:
    """Attach a file to a draft.

    Args:
        draft_id: The draft's id.
        path: The file to attach.
    """
    msg = desk.mail.attach(draft_id, path)
    return f"attached {msg.attachments[-1].name} to draft {msg.id}"


def mail_send(desk: Desktop, draft_id: str) -> str:
    """Send a draft.

    Args:
        draft_id: The draft's id.
    """
    msg = desk.mail.send(draft_id)
    return f"sent {msg.id} to {', '.join(msg.to + msg.cc + msg.bcc)}"


def mail_delete(desk: Desktop, message_id: str) -> str:
    """Delete a message (to the mail Trash folder).

    Args:
        message_id: The message's id.
    """
    folder = desk.mail.delete(message_id)
    return f"deleted {message_id} from {folder}"


def mail_save_attachment(desk: Desktop, message_id: str, name: str, path: str) -> str:
    """Save a received attachment to a file.

    Args:
        message_id: The message's id.
        name: The attachment's file name.
        path: Where to save it (a file path or a folder).
    """
    return f"saved to {desk.mail.save_attachment(message_id, name, path)}"


# -- browser --------------------------------------------------------------------------------
def browser_open(desk: Desktop, url: str, new_tab: bool = False) -> str:
    """Go to a URL in Chrome and show the page.

    Args:
        url: The address.
        new_tab: Open it in a new tab.
    """
    desk.browser.open(url, new_tab)
    return desk.browser.read()


def browser_read(desk: Desktop) -> str:
    """Show the current page: text, numbered links and forms."""
    desk.browser.show()
    return desk.browser.read()


def browser_click(desk: Desktop, link: str) -> str:
    """Follow a link on the current page.

    Args:
        link: The link's number or its text.
    """
    desk.browser.click(link)
    return desk.browser.read()


def browser_fill(desk: Desktop, field: str, value: str, form: str = "") -> str:
    """Type into a form field on the current page.

    Args:
        field: The field's name or label.
        value: The text to type (for a file field, the path of the file to upload).
        form: The form id when the page has several.
    """
    name = desk.browser.fill(field, value, form)
    return f"typed into {name}"


def browser_submit(desk: Desktop, form: str = "") -> str:
    """Submit a form on the current page.

    Args:
        form: The form id when the page has several.
    """
    desk.browser.submit(form)
    return desk.browser.read()


def browser_back(desk: Desktop) -> str:
    """Go back to the previous page."""
    desk.browser.back()
    return desk.browser.read()


def browser_switch_tab(desk: Desktop, index: int) -> str:
    """Switch to another tab.

    Args:
        index: Tab number, from 1.
    """
    desk.browser.switch_tab(index)
    return desk.browser.read()


def browser_add_bookmark(desk: Desktop, title: str, url: str = "", folder: str = "") -> str:
    """Bookmark a page.

    Args:
        title: Bookmark name.
        url: The address; empty for the current page.
        folder: A bookmark folder name; empty for the bookmarks bar.
    """
    node = desk.browser.add_bookmark(title, url, folder)
    return f"bookmarked {node.url} as {node.name!r} in {folder or 'Bookmarks bar'}"


def browser_add_bookmark_folder(desk: Desktop, name: str, parent: str = "") -> str:
    """Create a bookmark folder.

    Args:
        name: Folder name.
        parent: Parent folder; empty for the bookmarks bar.
    """
    desk.browser.add_bookmark_folder(name, parent)
    return f"created bookmark folder {name!r} in {parent or 'Bookmarks bar'}"


def browser_rename_profile(desk: Desktop, name: str) -> str:
    """Rename the current Chrome profile.

    Args:
        name: The new profile name.
    """
    desk.browser.rename_profile(name)
    return f"browser profile renamed to {name!r}"


# -- documents ------------------------------------------------------------------------------
def doc_open(desk: Desktop, path: str) -> str:
    """Open a document, spreadsheet, presentation or image in its app and show it.

    Args:
        path: The file.
    """
    window = DocumentOps(desk).open(path)
    if window.doc is None:
        return f"opened {window.title}"
    return DocumentOps(desk).read()


def doc_read(desk: Desktop, path: str = "") -> str:
    """Show an open document's content with paragraph/cell/slide numbers.

    Args:
        path: The file; empty for the focused document.
    """
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
    """Edit the focused document (changes are unsaved until doc_save).

    Text documents: insert_paragraph(index, text), set_paragraph(index, text),
    delete_paragraph(index), format_paragraph(index or -1 for all, bold, italic, size,
    alignment, value=color hex), replace_text(text -> value), set_footer(text,
    value=page-number position e.g. bottom-left), add_macro(name, code, event e.g. OnLoad).
    Spreadsheets: set_cell(cell, value, sheet) (a value starting with = is a formula).
    Presentations: add_slide(text=title, value=body lines), set_slide(index, text, value),
    delete_slide(index), set_hidden(index, hidden), remove_image(index, name),
    set_notes(index, value). Images: edit_image(text=the edit in words), remove_watermark().

    Args:
        action: The edit to make (see above).
        index: Paragraph or slide number, from 1 (-1: append / all).
        text: Text, title, or the text to find.
        value: Cell value, body text, replacement, or color.
        cell: Cell reference such as B7.
        sheet: Sheet name (default: the first).
        name: Macro or image name.
        code: Macro code.
        event: Document event that runs a macro automatically.
        bold: Set or clear bold.
        italic: Set or clear italic.
        size: Font size in points.
        alignment: left, center, right or justify.
        hidden: Hide (true) or show (false) a slide.
    """
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
    """Save the focused document (Save As when a new path is given).

    Args:
        path: New file path; empty to save in place.
    """
    return f"saved {DocumentOps(desk).save(path)}"


def doc_close(desk: Desktop, discard: bool = False) -> str:
    """Close the focused document.

    Args:
        discard: Close even with unsaved changes (they are lost).
    """
    return f"closed {DocumentOps(desk).close(discard)}"


# -- system GUIs ----------------------------------------------------------------------------
def users(
    desk: Desktop, action: str = "list", name: str = "", password: str = "", admin: bool = False
) -> str:
    """Settings > Users: list, add or delete user accounts.

    Args:
        action: list, add or delete.
        name: The account name.
        password: Password for a new account.
        admin: Make a new account an administrator.
    """
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
    """The Disks utility: list, delete, format or resize partitions.

    Args:
        action: list, delete, format, wipe or resize.
        device: Partition device, e.g. /dev/sda3.
        size_mb: New size for resize.
        fstype: File system for format (ext4, vfat, ntfs).
    """
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
    """The System Monitor: list processes or end one.

    Args:
        action: list or kill.
        pid: Process id to kill.
    """
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
    """Declare the task complete (DONE)."""
    return _finish(desk, "done", "")


def fail(desk: Desktop, reason: str) -> str:
    """Declare that the task cannot be done (FAIL).

    Args:
        reason: Why.
    """
    return _finish(desk, "fail", reason)


def _finish(desk: Desktop, status: Literal["done", "fail"], reason: str) -> str:
    if desk.state.finished is not None:
        raise DesktopError(f"the task was already finished ({desk.state.finished.status})")
    finish = Finish(status=status, reason=reason)
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
