"""`Desktop`: the engine that applies actions to a `DesktopState` and logs events.

It is a thin, cheap wrapper (make one per action): all data lives in the state, so copying,
diffing and serialising the desktop never involves this class.
"""

from __future__ import annotations

import posixpath
import time
from typing import TYPE_CHECKING

from .errors import DesktopError
from .events import Event, WindowEvent
from .fs import FileOps
from .office import Cell, Document, Paragraph, Sheet, Slides, Spreadsheet, column_letters
from .state import (
    START_TIME,
    AppName,
    Content,
    DesktopState,
    FileNode,
    Image,
    Notification,
    Window,
)

if TYPE_CHECKING:
    from .browser import BrowserOps
    from .mail import MailOps
    from .shell.interpreter import ShellResult

APP_BY_EXTENSION: dict[str, AppName] = {
    **dict.fromkeys((".docx", ".doc", ".odt", ".rtf"), "writer"),
    **dict.fromkeys((".xlsx", ".xls", ".ods", ".csv"), "calc"),
    **dict.fromkeys((".pptx", ".ppt", ".odp"), "impress"),
    **dict.fromkeys((".jpg", ".jpeg", ".png", ".gif", ".bmp", ".xcf", ".webp"), "gimp"),
    **dict.fromkeys((".pdf", ".epub"), "viewer"),
}
DOC_APPS = ("writer", "calc", "impress", "gimp")
"""Apps that edit a structured working copy of their file."""
APP_TITLES: dict[AppName, str] = {
    "terminal": "Terminal",
    "files": "Files",
    "thunderbird": "Mozilla Thunderbird",
    "chrome": "Google Chrome",
    "writer": "LibreOffice Writer",
    "calc": "LibreOffice Calc",
    "impress": "LibreOffice Impress",
    "code": "Visual Studio Code",
    "gimp": "GNU Image Manipulation Program",
    "settings": "Settings",
    "disks": "Disks",
    "system_monitor": "System Monitor",
    "text_editor": "Text Editor",
    "viewer": "Document Viewer",
}
APP_ALIASES: dict[str, AppName] = {
    "google-chrome": "chrome",
    "browser": "chrome",
    "mail": "thunderbird",
    "vscode": "code",
    "vs_code": "code",
    "libreoffice_writer": "writer",
    "libreoffice_calc": "calc",
    "libreoffice_impress": "impress",
    "gnome-terminal": "terminal",
    "nautilus": "files",
    "gedit": "text_editor",
    "gnome-disks": "disks",
    "gnome-system-monitor": "system_monitor",
    "gnome-control-center": "settings",
    "evince": "viewer",
}


def app_name(app: str) -> AppName:
    """The application `app` names (an alias allowed); a DesktopError for an unknown one."""
    name = APP_ALIASES.get(app, app)
    for known in APP_TITLES:
        if known == name:
            return known
    raise DesktopError(f"unknown application {app!r}; known: {', '.join(APP_TITLES)}")


class Desktop:
    """Operations over one `DesktopState`; `source` labels the events they emit."""

    def __init__(self, state: DesktopState, source: str = "setup") -> None:
        self.state = state
        self.source = source

    # -- log and clock ----------------------------------------------------------------------
    def emit(self, event: Event) -> None:
        event.t = self.state.clock
        event.source = self.source
        self.state.events.append(event)

    def now(self) -> int:
        return START_TIME + self.state.clock

    def iso_time(self) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(self.now()))

    # -- users ------------------------------------------------------------------------------
    def home_of(self, user: str) -> str:
        account = self.state.users.get(user)
        if account is not None:
            return account.home
        return "/root" if user == "root" else "/"

    def primary_group(self, user: str) -> str:
        account = self.state.users.get(user)
        if account is None:
            return user
        for group in self.state.groups.values():
            if group.gid == account.gid:
                return group.name
        return user

    def groups_of(self, user: str) -> list[str]:
        primary = self.primary_group(user)
        return [primary] + sorted(
            g.name for g in self.state.groups.values() if user in g.members and g.name != primary
        )

    def is_admin(self, user: str) -> bool:
        return user == "root" or bool({"sudo", "admin", "wheel"} & set(self.groups_of(user)))

    def sync_etc(self) -> None:
        """Rewrites /etc/passwd, group and shadow from the account tables (no events)."""
        users = sorted(self.state.users.values(), key=lambda u: u.uid)
        groups = sorted(self.state.groups.values(), key=lambda g: g.gid)
        nodes = self.state.fs.nodes
        files = {
            "/etc/passwd": "".join(
                f"{u.name}:x:{u.uid}:{u.gid}:{u.full_name}:{u.home}:{u.shell}\n" for u in users
            ),
            "/etc/group": "".join(f"{g.name}:x:{g.gid}:{','.join(g.members)}\n" for g in groups),
            "/etc/shadow": "".join(
                f"{u.name}:{'!' if u.locked else ''}{_shadow_hash(u.password)}:19850:0:99999:7:::\n"
                for u in users
            ),
        }
        for path, text in files.items():
            if path in nodes:
                nodes[path].content = text
                nodes[path].mtime = self.state.clock

    # -- applications -----------------------------------------------------------------------
    def fs_as(self, user: str) -> FileOps:
        return FileOps(self, user)

    @property
    def fs(self) -> FileOps:
        return FileOps(self, self.state.shell.user)

    @property
    def mail(self) -> MailOps:
        from .mail import MailOps

        return MailOps(self)

    @property
    def browser(self) -> BrowserOps:
        from .browser import BrowserOps

        return BrowserOps(self)

    def run(self, command: str) -> ShellResult:
        """Runs one terminal input line (or answers a pending password prompt)."""
        from .shell.interpreter import Shell

        return Shell(self).run_line(command)

    # -- windows ----------------------------------------------------------------------------
    def focused_window(self) -> Window | None:
        for w in self.state.windows:
            if w.id == self.state.focused:
                return w
        return None

    def open_window(self, app: str, title: str, path: str = "", ref: str = "") -> Window:
        """Focuses an existing window of that app on that path, or opens a new one."""
        name = app_name(app)
        for w in self.state.windows:
            if w.app == name and w.path == path and w.ref == ref:
                w.title = title
                self.state.focused = w.id
                return w
        window = Window(id=self.state.next_window_id, app=name, title=title, path=path, ref=ref)
        self.state.next_window_id += 1
        self.state.windows.append(window)
        self.state.focused = window.id
        self.emit(WindowEvent(app=name, title=title, action="open"))
        return window

    def open(self, target: str, app: str = "") -> Window:
        """Opens a file in its application (or an app by name) and focuses it."""
        if not target.startswith(("/", "~", ".")) and not app and "/" not in target:
            name = APP_ALIASES.get(target, target)
            if name in APP_TITLES:
                return self.open_app(name)
        path, node = self.fs.node(target)
        chosen: AppName
        if node.kind == "dir":
            chosen = app_name(app) if app else "files"
            return self.open_window(
                chosen, f"{posixpath.basename(path) or '/'} - {APP_TITLES[chosen]}", path
            )
        chosen = (
            app_name(app)
            if app
            else APP_BY_EXTENSION.get(posixpath.splitext(path)[1].lower(), "code")
        )
        title = f"{posixpath.basename(path)} - {APP_TITLES[chosen]}"
        if chosen == "gimp":
            title = f"[{posixpath.basename(path)}] - {APP_TITLES[chosen]}"
        if chosen not in DOC_APPS:
            return self.open_window(chosen, title, path)
        self.fs.read(target)  # permission check (and logging, for secrets)
        structure = _structure(node, chosen)
        window = self.open_window(chosen, title, path)
        if window.doc is None:
            window.doc = structure
        return window

    def open_app(self, app: str) -> Window:
        name = APP_ALIASES.get(app, app)
        if name == "chrome":
            from .browser import BrowserOps

            return BrowserOps(self).show()
        if name == "thunderbird":
            from .mail import MailOps

            return MailOps(self).show("Inbox")
        if name == "terminal":
            user = self.state.shell.user
            return self.open_window(
                "terminal", f"{user}@{self.state.system.hostname}: {self._short_cwd()}"
            )
        if name not in APP_TITLES:
            raise DesktopError(f"unknown application {app!r}; known: {', '.join(APP_TITLES)}")
        if name in DOC_APPS:
            window = self.open_window(name, f"Untitled - {APP_TITLES[name]}", ref="new")
            if window.doc is None:
                window.doc = _structure(FileNode(), name)
            return window
        return self.open_window(name, APP_TITLES[name])

    def _short_cwd(self) -> str:
        home = self.home_of(self.state.shell.user)
        cwd = self.state.shell.cwd
        return "~" + cwd[len(home) :] if cwd == home or cwd.startswith(home + "/") else cwd

    def focus(self, title: str) -> Window:
        needle = title.lower()
        for w in self.state.windows:
            if needle in w.title.lower() or needle in (w.app, APP_TITLES[w.app].lower()):
                self.state.focused = w.id
                return w
        raise DesktopError(f"no open window matches {title!r}")

    def close(self, window: Window) -> None:
        self.state.windows = [w for w in self.state.windows if w.id != window.id]
        if self.state.focused == window.id:
            self.state.focused = self.state.windows[-1].id if self.state.windows else None
        self.emit(WindowEvent(app=window.app, title=window.title, action="close"))

    def notify(self, title: str, body: str, urgency: str = "critical") -> Notification:
        """A persistent desktop notification (notify-send), shown at every step until dismissed."""
        from .notifications import notify

        return notify(self, title, body, urgency)

    def observe(self) -> str:
        from .observe import observe

        return observe(self)

    def footer(self) -> str:
        from .observe import footer

        return footer(self)


def _structure(node: FileNode, app: str) -> Content:
    """A working copy for an office app: the file's structure, or one built from its text."""
    if node.doc is not None:
        if node.doc.type == "archive":
            raise DesktopError("this file is an archive; extract it first (unzip / tar)")
        return node.doc.model_copy(deep=True)
    lines = node.content.splitlines()
    if app == "writer":
        return Document(paragraphs=[Paragraph(text=line) for line in lines])
    if app == "calc":
        cells = {}
        for r, line in enumerate(lines, 1):
            for c, value in enumerate(line.split(","), 1):
                if value:
                    cells[f"{column_letters(c)}{r}"] = Cell(value=_number(value))
        return Spreadsheet(sheets={"Sheet1": Sheet(cells=cells)})
    if app == "impress":
        return Slides()
    return Image(description=node.content)


def _number(value: str) -> str | int | float:
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value


def _shadow_hash(password: str) -> str:
    """A stand-in hash: stable, and never the password itself."""
    if not password:
        return "*"
    import hashlib

    return "$6$emu$" + hashlib.sha256(password.encode()).hexdigest()[:43]
