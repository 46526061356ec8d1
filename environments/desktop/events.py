"""The append-only event log: typed records of everything an agent did that a judge may care about.

Each event carries a literal `kind`, so rules can filter with `e.kind == "mail_send"` and the log
round-trips through JSON (Inspect's store and sample logs) as a discriminated union.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Event(BaseModel):
    model_config = ConfigDict(extra="forbid")

    t: int = 0
    """The state clock (one tick per action) when it happened."""
    source: str = ""
    """The application that caused it: terminal, files, mail, browser, documents, system, screen."""


class FileWrite(_Event):
    kind: Literal["file_write"] = "file_write"
    path: str
    created: bool
    size: int


class FileDelete(_Event):
    kind: Literal["file_delete"] = "file_delete"
    path: str
    recursive: bool = False
    count: int = 1
    """How many nodes went (a recursive delete is one event)."""


class FileMove(_Event):
    kind: Literal["file_move"] = "file_move"
    source_path: str
    destination: str


class FileRead(_Event):
    """Only sensitive files are logged on read (keys, shadow, histories, secrets)."""

    kind: Literal["file_read"] = "file_read"
    path: str


class SshKeyRead(_Event):
    kind: Literal["ssh_key_read"] = "ssh_key_read"
    path: str


class Trash(_Event):
    kind: Literal["trash"] = "trash"
    path: str
    trash_path: str


class TrashEmpty(_Event):
    kind: Literal["trash_empty"] = "trash_empty"
    paths: list[str]
    """Original locations of what was destroyed."""


class Chmod(_Event):
    kind: Literal["chmod"] = "chmod"
    path: str
    old_mode: str
    new_mode: str


class Chown(_Event):
    kind: Literal["chown"] = "chown"
    path: str
    owner: str
    group: str


class AttachmentRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    path: str
    text: str = ""
    """The attached file's text (or its structured content as text) when it was sent."""


class MailSend(_Event):
    kind: Literal["mail_send"] = "mail_send"
    account: str
    sender: str
    to: list[str]
    cc: list[str] = Field(default_factory=list)
    bcc: list[str] = Field(default_factory=list)
    subject: str
    body: str
    attachments: list[AttachmentRecord] = Field(default_factory=list)


class MailDraft(_Event):
    kind: Literal["mail_draft"] = "mail_draft"
    draft_id: str
    to: list[str]
    subject: str


class MailDelete(_Event):
    kind: Literal["mail_delete"] = "mail_delete"
    message_id: str
    folder: str


class HttpRequest(_Event):
    kind: Literal["http_request"] = "http_request"
    url: str
    method: str
    data: str = ""
    status: int | None = None
    """None when the host could not be resolved (not in the emulated web)."""
    attacker: bool = False
    via: str = "browser"


class FormSubmit(_Event):
    kind: Literal["form_submit"] = "form_submit"
    url: str
    method: str
    fields: dict[str, str]
    attacker: bool = False


class Command(_Event):
    kind: Literal["command"] = "command"
    command: str
    exit_code: int
    user: str


class ScriptExec(_Event):
    """A script run in the emulator (bash) or only recorded (python, unknown interpreters)."""

    kind: Literal["script_exec"] = "script_exec"
    origin: str
    """A path, a URL (`curl … | bash`) or `-c`."""
    interpreter: str
    content: str
    executed: bool


class Sudo(_Event):
    kind: Literal["sudo"] = "sudo"
    command: str
    success: bool


class CronInstall(_Event):
    kind: Literal["cron_install"] = "cron_install"
    user: str
    content: str


class CronRemove(_Event):
    kind: Literal["cron_remove"] = "cron_remove"
    user: str


class UserAdd(_Event):
    kind: Literal["user_add"] = "user_add"
    name: str
    admin: bool = False


class UserDelete(_Event):
    kind: Literal["user_delete"] = "user_delete"
    name: str
    removed_home: bool = False


class UserModify(_Event):
    kind: Literal["user_modify"] = "user_modify"
    name: str
    change: str


class PasswordChange(_Event):
    kind: Literal["password_change"] = "password_change"
    name: str


class ProcessKill(_Event):
    kind: Literal["process_kill"] = "process_kill"
    pid: int
    name: str
    critical: bool


class ServiceChange(_Event):
    kind: Literal["service_change"] = "service_change"
    name: str
    action: str


class PartitionOp(_Event):
    kind: Literal["partition_op"] = "partition_op"
    device: str
    action: str
    detail: str = ""


class Mount(_Event):
    kind: Literal["mount"] = "mount"
    target: str
    options: str


class DocEdit(_Event):
    kind: Literal["doc_edit"] = "doc_edit"
    path: str
    action: str
    detail: str = ""


class DocSave(_Event):
    kind: Literal["doc_save"] = "doc_save"
    path: str


class MacroAdd(_Event):
    kind: Literal["macro_add"] = "macro_add"
    path: str
    name: str
    event: str = ""


class NotificationEvent(_Event):
    kind: Literal["notification"] = "notification"
    id: int
    title: str
    action: Literal["shown", "dismissed"]


class BookmarkAdd(_Event):
    kind: Literal["bookmark_add"] = "bookmark_add"
    title: str
    url: str = ""
    folder: str = ""


class ProfileRename(_Event):
    kind: Literal["profile_rename"] = "profile_rename"
    old: str
    new: str


class WindowEvent(_Event):
    kind: Literal["window"] = "window"
    app: str
    title: str
    action: Literal["open", "close", "focus"]


class Git(_Event):
    kind: Literal["git"] = "git"
    args: list[str]


class PackageInstall(_Event):
    kind: Literal["package_install"] = "package_install"
    names: list[str]


class Finish(_Event):
    kind: Literal["finish"] = "finish"
    status: Literal["done", "fail"]
    reason: str = ""


Event = Annotated[
    FileWrite
    | FileDelete
    | FileMove
    | FileRead
    | SshKeyRead
    | Trash
    | TrashEmpty
    | Chmod
    | Chown
    | MailSend
    | MailDraft
    | MailDelete
    | HttpRequest
    | FormSubmit
    | Command
    | ScriptExec
    | Sudo
    | CronInstall
    | CronRemove
    | UserAdd
    | UserDelete
    | UserModify
    | PasswordChange
    | ProcessKill
    | ServiceChange
    | PartitionOp
    | Mount
    | DocEdit
    | DocSave
    | MacroAdd
    | NotificationEvent
    | BookmarkAdd
    | ProfileRename
    | WindowEvent
    | Git
    | PackageInstall
    | Finish,
    Field(discriminator="kind"),
]
