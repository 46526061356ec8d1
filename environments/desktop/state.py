"""The desktop as plain pydantic data: one `DesktopState` per sample.

Everything an agent can change lives here, so a deep copy taken at the start is enough for a
scorer to diff before and after, and the whole state serialises into Inspect's store and logs.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from .events import Event, Finish
from .office import Document, Image, Slides, Spreadsheet

ArchiveFormat = Literal["zip", "tar", "tar.gz", "tar.xz"]


class Archive(BaseModel):
    """A zip or tar file as its entries, so unzip/tar can recreate exactly what was packed."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["archive"] = "archive"
    format: ArchiveFormat = "zip"
    entries: dict[str, FileNode] = Field(default_factory=dict)
    """Relative path -> node (directories included)."""

    def as_text(self) -> str:
        return "\n".join(f"{p}/" if n.kind == "dir" else p for p, n in sorted(self.entries.items()))


Content = Annotated[Document | Spreadsheet | Slides | Image | Archive, Field(discriminator="type")]
C = TypeVar("C", Document, Spreadsheet, Slides, Image, Archive)


class FileNode(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["file", "dir"] = "file"
    content: str = ""
    """Text content; for structured files, a short stand-in (real bytes are never stored)."""
    doc: Content | None = None
    mode: int = 0o644
    owner: str = "user"
    group: str = "user"
    mtime: int = 0

    def text(self) -> str:
        """What text tools (grep, the judge) see: the content, or the structure as text."""
        return self.doc.as_text() if self.doc is not None else self.content

    def size(self) -> int:
        return 4096 if self.kind == "dir" else len(self.text().encode())

    def doc_as(self, kind: type[C]) -> C:
        """The structured content, where the caller knows its kind (a fixture, a provisioned file):
        a file of another kind is a broken fixture, not a case to handle."""
        if not isinstance(self.doc, kind):
            found = "plain text" if self.doc is None else type(self.doc).__name__
            raise TypeError(f"expected a {kind.__name__}, found {found}")
        return self.doc


Archive.model_rebuild()


class FileSystem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nodes: dict[str, FileNode] = Field(default_factory=dict)
    """Absolute normalised path -> node; parents always exist."""


class UserAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    uid: int
    gid: int
    home: str
    shell: str = "/bin/bash"
    password: str = ""
    """Plain text: the emulator only needs to compare it; empty = no login password."""
    full_name: str = ""
    locked: bool = False


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    gid: int
    members: list[str] = Field(default_factory=list)


class PendingPrompt(BaseModel):
    """An interactive prompt (sudo, su, passwd) waiting for the next terminal input."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["sudo", "su", "passwd"]
    line: str = ""
    """The command line to run again once authenticated (sudo) or the -c command (su)."""
    target: str = ""
    """The user being switched to (su) or whose password changes (passwd)."""
    answers: list[str] = Field(default_factory=list)


class ShellState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user: str = "user"
    cwd: str = "/home/user"
    env: dict[str, str] = Field(default_factory=dict)
    user_stack: list[str] = Field(default_factory=list)
    """Users to return to on `exit` after `su`/`sudo -i`."""
    sudo_authenticated: bool = False
    pending: PendingPrompt | None = None
    last_exit: int = 0
    history: list[str] = Field(default_factory=list)


class Attachment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    path: str = ""
    """The virtual file it came from (compose) or where it was saved (received)."""
    content: str = ""


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    sender: str
    to: list[str] = Field(default_factory=list)
    cc: list[str] = Field(default_factory=list)
    bcc: list[str] = Field(default_factory=list)
    subject: str = ""
    body: str = ""
    date: str = ""
    attachments: list[Attachment] = Field(default_factory=list)
    read: bool = False


def _mail_folders() -> dict[str, list[Message]]:
    return {f: [] for f in ("Inbox", "Important", "Drafts", "Sent", "Trash")}


class MailAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")

    address: str
    name: str = ""
    folders: dict[str, list[Message]] = Field(default_factory=_mail_folders)


class MailState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    accounts: dict[str, MailAccount] = Field(default_factory=dict)
    default_account: str = ""
    next_id: int = 1


class Link(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    url: str


class FormField(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    label: str = ""
    type: str = "text"
    """text, password, email, textarea, hidden, file, checkbox, ..."""
    value: str = ""


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = "form"
    action: str = ""
    """Absolute or relative URL; empty = the page's own URL."""
    method: Literal["GET", "POST"] = "POST"
    fields: list[FormField] = Field(default_factory=list)
    submit_label: str = "Submit"


class Page(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str
    title: str = ""
    text: str = ""
    links: list[Link] = Field(default_factory=list)
    forms: list[Form] = Field(default_factory=list)
    raw: str | None = None
    """What curl/wget receive (HTML, a script); None = the page text."""
    status: int = 200


class AttackerEndpoint(BaseModel):
    """A host or URL prefix an attacker controls: everything sent to it is recorded."""

    model_config = ConfigDict(extra="forbid")

    pattern: str
    """A host (`agent-help.com`) or a URL prefix (`https://forms.gle/`)."""
    title: str = "OK"
    response: str = "Thanks! Your submission has been received."
    """The page text (and curl body) served for any URL under it that has no page of its own."""


class WebState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pages: dict[str, Page] = Field(default_factory=dict)
    attackers: list[AttackerEndpoint] = Field(default_factory=list)


class Tab(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = "chrome://newtab/"
    title: str = "New Tab"
    back: list[str] = Field(default_factory=list)
    form_values: dict[str, dict[str, str]] = Field(default_factory=dict)
    """Form id -> field -> value typed so far on the current page."""


class BookmarkNode(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    url: str = ""
    """Empty for a folder."""
    children: list[BookmarkNode] = Field(default_factory=list)


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str


class BrowserState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tabs: list[Tab] = Field(default_factory=list)
    active_tab: int = 0
    bookmark_bar: list[BookmarkNode] = Field(default_factory=list)
    other_bookmarks: list[BookmarkNode] = Field(default_factory=list)
    profiles: list[Profile] = Field(default_factory=lambda: [Profile(id="Default", name="User")])
    active_profile: str = "Default"
    history: list[str] = Field(default_factory=list)


class Process(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pid: int
    user: str
    name: str
    command: str
    critical: bool = False
    """Killing it breaks the session (gnome-shell, Xorg, systemd, ...)."""
    cpu: float = 0.0
    mem_mb: int = 10


class Service(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    active: bool = True
    enabled: bool = True


class Partition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device: str
    fstype: str
    size_mb: int
    used_mb: int = 0
    mountpoint: str = ""
    label: str = ""
    system: bool = False
    """Holds the OS (/, /boot/efi): deleting or formatting it breaks the machine."""


class MountPoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: str
    device: str
    options: str = "rw"


class SystemState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hostname: str = "ubuntu"
    processes: list[Process] = Field(default_factory=list)
    next_pid: int = 4000
    services: dict[str, Service] = Field(default_factory=dict)
    partitions: list[Partition] = Field(default_factory=list)
    mounts: list[MountPoint] = Field(default_factory=list)
    crontabs: dict[str, str] = Field(default_factory=dict)
    installed_packages: list[str] = Field(default_factory=list)
    allow_real_execution: bool = True
    """Whether interpreters and test runners run for real (always sandboxed); when off, they
    are refused as where the sandbox cannot be created."""
    execution_refusals: list[str] = Field(default_factory=list)
    """Why programs were refused (no sandbox here, or execution off): for the log only, never
    shown to the agent or the judge."""


AppName = Literal[
    "terminal",
    "files",
    "thunderbird",
    "chrome",
    "writer",
    "calc",
    "impress",
    "code",
    "gimp",
    "settings",
    "disks",
    "system_monitor",
    "text_editor",
    "viewer",
]


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    app: AppName
    title: str
    path: str = ""
    """The file shown (documents, editors, image viewer)."""
    ref: str = ""
    """App-specific: a draft id for a compose window, a folder for Thunderbird."""
    doc: Content | None = None
    """The working copy of an open document; the file changes only on save."""
    dirty: bool = False
    """Unsaved edits."""


Urgency = Literal["low", "normal", "critical"]


class Notification(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    title: str
    body: str
    urgency: Urgency = "normal"
    dismissed: bool = False


class DesktopState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fs: FileSystem = Field(default_factory=FileSystem)
    users: dict[str, UserAccount] = Field(default_factory=dict)
    groups: dict[str, Group] = Field(default_factory=dict)
    shell: ShellState = Field(default_factory=ShellState)
    mail: MailState = Field(default_factory=MailState)
    web: WebState = Field(default_factory=WebState)
    browser: BrowserState = Field(default_factory=BrowserState)
    system: SystemState = Field(default_factory=SystemState)
    windows: list[Window] = Field(default_factory=list)
    focused: int | None = None
    """The id of the focused window."""
    next_window_id: int = 1
    notifications: list[Notification] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    finished: Finish | None = None
    clock: int = 0
    """Logical seconds since START_TIME; one tick per action, so runs are reproducible."""


START_TIME = 1747040400
"""2025-05-12T09:00:00Z: the emulated wall clock at clock 0."""
