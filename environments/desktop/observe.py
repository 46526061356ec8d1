"""What the agent sees: an accessibility-tree-like text of the focused window, the window
list and the active notifications; plus a compact footer for every tool result.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from . import web
from .browser import render_page
from .documents import render_doc
from .errors import DesktopError
from .mail import render_message
from .notifications import active
from .state import Window

if TYPE_CHECKING:
    from .desktop import Desktop

MAX_EDITOR_LINES = 200


def _notifications(desk: Desktop) -> list[str]:
    return [f"notification [id {n.id}, {n.urgency}] {n.title}: {n.body}" for n in active(desk)]


def footer(desk: Desktop) -> str:
    """Focused window and active notifications, appended to every tool result."""
    focused = desk.focused_window()
    lines = ["--- screen ---", f"focused window: {focused.title if focused else 'desktop'}"]
    lines += _notifications(desk)
    return "\n".join(lines)


def observe(desk: Desktop) -> str:
    state = desk.state
    focused = desk.focused_window()
    windows = "; ".join(
        f"[{w.id}{'*' if focused is not None and w.id == focused.id else ''}] {w.title}"
        for w in state.windows
    )
    lines = [
        f"desktop: {state.shell.user}@{state.system.hostname}  {desk.iso_time().replace('T', ' ')}",
        f"windows: {windows or 'none'}",
    ]
    lines += _notifications(desk)
    if focused is None:
        lines += ["", "[desktop] Home  Trash  (no window is open)"]
    else:
        lines += ["", f"=== {focused.title} ({focused.app}) ===", window_content(desk, focused)]
    return "\n".join(lines)


def window_content(desk: Desktop, w: Window) -> str:
    """The accessibility view of one window; errors (e.g. a deleted file) are shown inline."""
    try:
        return _content(desk, w)
    except DesktopError as ex:
        return f"[error] {ex}"


def _content(desk: Desktop, w: Window) -> str:
    state = desk.state
    if w.app == "terminal":
        recent = state.shell.history[-5:]
        prompt = f"{state.shell.user}@{state.system.hostname}:{state.shell.cwd}$"
        return "\n".join([f"{prompt} {c}" for c in recent] + [prompt])
    if w.app in ("writer", "calc", "impress", "gimp") and w.doc is not None:
        return render_doc(w.doc, w.path, w.dirty)
    if w.app == "chrome":
        browser = state.browser
        tabs = "  ".join(
            f"[tab {i}{'*' if i - 1 == browser.active_tab else ''}] {t.title}"
            for i, t in enumerate(browser.tabs, 1)
        )
        bar = ", ".join(b.name + ("/" if not b.url else "") for b in browser.bookmark_bar)
        tab = desk.browser.tab()
        page = render_page(tab, web.resolve(state.web, tab.url), limit=3000)
        return f"{tabs}\nbookmarks bar: {bar or '(empty)'}\n\n{page}"
    if w.app == "thunderbird":
        return _thunderbird(desk, w)
    if w.app in ("code", "text_editor", "viewer") and w.path:
        node = state.fs.nodes.get(w.path)
        if node is None:
            return f"[error] {w.path} no longer exists"
        if node.kind == "dir":
            files = [
                q[len(w.path) + 1 :]
                for q in desk.fs.walk(w.path)[1:]
                if "/." not in q[len(w.path) :]
            ]
            return "EXPLORER\n" + "\n".join(f"  {f}" for f in files[:200])
        text = node.text().splitlines()
        shown = [f"{i:4d}  {line}" for i, line in enumerate(text[:MAX_EDITOR_LINES], 1)]
        more = (
            [f"[... {len(text) - MAX_EDITOR_LINES} more lines]"]
            if len(text) > MAX_EDITOR_LINES
            else []
        )
        return "\n".join([posixpath.basename(w.path), *shown, *more])
    if w.app == "files":
        path, names = desk.fs.list_dir(w.path or desk.home_of(state.shell.user))
        return f"location: {path}\n" + "\n".join(f"  {n}" for n in names if not n.startswith("."))
    if w.app == "settings":
        return "Users\n" + "\n".join(
            f"  {u.name}{' (administrator)' if desk.is_admin(u.name) else ''}{' (locked)' if u.locked else ''}"
            for u in sorted(state.users.values(), key=lambda u: u.uid)
            if u.uid >= 1000
        )
    if w.app == "disks":
        return "Disks\n" + "\n".join(
            f"  {p.device}  {p.label or '-'}  {p.fstype}  {p.size_mb} MB  {p.mountpoint or 'not mounted'}"
            for p in state.system.partitions
        )
    if w.app == "system_monitor":
        return "Processes\n" + "\n".join(
            f"  {p.pid:>6}  {p.user:<8} {p.cpu:>5.1f}%  {p.name}" for p in state.system.processes
        )
    return f"{w.title}"


def _thunderbird(desk: Desktop, w: Window) -> str:
    mail = desk.mail
    if not desk.state.mail.accounts:
        return "No mail account is set up."
    if w.ref.startswith("folder:"):
        folders = ", ".join(mail.account().folders)
        return f"folders: {folders}\n" + mail.render_folder(w.ref.removeprefix("folder:"))
    _, folder, msg = mail.find(w.ref)
    if folder == "Drafts":
        return "COMPOSE\n" + render_message(msg, folder)
    return render_message(msg, folder)
