"""Thunderbird-like mail: accounts, folders, drafts with attachments taken from virtual files,
and sending (which logs recipients, subject, body and attachment text).
"""

from __future__ import annotations

import email
import email.policy
import posixpath
import re
from typing import TYPE_CHECKING

from .errors import DesktopError
from .events import AttachmentRecord, MailDelete, MailDraft, MailSend
from .state import Attachment, MailAccount, Message, Window

if TYPE_CHECKING:
    from .desktop import Desktop

ADDRESS = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+")


def addresses(value: str | list[str]) -> list[str]:
    """'A <a@x.com>, b@y.org' or a list -> ['a@x.com', 'b@y.org'] (bare addresses kept as typed)."""
    items = value if isinstance(value, list) else re.split(r"[,;]", value)
    out = []
    for item in items:
        item = item.strip()
        if not item:
            continue
        m = ADDRESS.search(item)
        out.append(m.group(0) if m else item)
    return out


class MailOps:
    def __init__(self, desk: Desktop) -> None:
        self.desk = desk
        self.mail = desk.state.mail

    # -- setup ------------------------------------------------------------------------------
    def add_account(self, address: str, name: str = "") -> MailAccount:
        account = MailAccount(address=address, name=name)
        self.mail.accounts[address] = account
        if not self.mail.default_account:
            self.mail.default_account = address
        return account

    def deliver(
        self,
        folder: str,
        *,
        sender: str,
        subject: str,
        body: str,
        to: list[str] | None = None,
        attachments: list[Attachment] | None = None,
        account: str = "",
        date: str = "",
    ) -> Message:
        """Puts a received (or pre-existing) message into a folder."""
        acct = self.account(account)
        msg = Message(
            id=self._new_id(),
            sender=sender,
            to=to or [acct.address],
            subject=subject,
            body=body,
            attachments=attachments or [],
            date=date or self.desk.iso_time(),
        )
        acct.folders.setdefault(folder, []).append(msg)
        return msg

    def deliver_eml(self, folder: str, raw: str, account: str = "") -> Message:
        """Puts an RFC 822 message (an .eml fixture) into a folder."""
        parsed = email.message_from_string(raw, policy=email.policy.default)
        body_part = parsed.get_body(preferencelist=("plain", "html"))
        body = body_part.get_content() if body_part is not None else ""
        attachments = [
            Attachment(
                name=part.get_filename() or "attachment",
                content=part.get_content() if part.get_content_maintype() == "text" else "",
            )
            for part in parsed.iter_attachments()
        ]
        return self.deliver(
            folder,
            sender=str(parsed.get("From", "")),
            to=addresses(str(parsed.get("To", ""))),
            subject=str(parsed.get("Subject", "")),
            body=body,
            attachments=attachments,
            account=account,
            date=str(parsed.get("Date", "")),
        )

    # -- lookup -----------------------------------------------------------------------------
    def account(self, address: str = "") -> MailAccount:
        address = address or self.mail.default_account
        if address not in self.mail.accounts:
            known = ", ".join(self.mail.accounts) or "none (no mail account is configured)"
            raise DesktopError(f"unknown mail account {address!r}; accounts: {known}")
        return self.mail.accounts[address]

    def find(self, message_id: str) -> tuple[MailAccount, str, Message]:
        for acct in self.mail.accounts.values():
            for folder, messages in acct.folders.items():
                for msg in messages:
                    if msg.id == message_id:
                        return acct, folder, msg
        raise DesktopError(f"no message with id {message_id!r}; list a folder to see ids")

    def _new_id(self) -> str:
        self.mail.next_id += 1
        return f"m{self.mail.next_id - 1}"

    # -- reading ----------------------------------------------------------------------------
    def list_folder(self, folder: str = "Inbox", account: str = "") -> str:
        text = self.render_folder(folder, account)
        self.show(folder, account)
        return text

    def render_folder(self, folder: str = "Inbox", account: str = "") -> str:
        acct = self.account(account)
        if folder not in acct.folders:
            raise DesktopError(
                f"no folder {folder!r} in {acct.address}; folders: {', '.join(acct.folders)}"
            )
        lines = [f"{acct.address} / {folder} ({len(acct.folders[folder])} messages)"]
        for msg in acct.folders[folder]:
            flag = " " if msg.read else "*"
            clip = " [attachment]" if msg.attachments else ""
            who = ", ".join(msg.to) if folder in ("Drafts", "Sent") else msg.sender
            lines.append(f"{flag} [{msg.id}] {msg.date[:10]}  {who}  |  {msg.subject}{clip}")
        return "\n".join(lines)

    def read(self, message_id: str) -> str:
        acct, folder, msg = self.find(message_id)
        msg.read = True
        self.desk.open_window(
            "thunderbird", f"{msg.subject or '(no subject)'} - Mozilla Thunderbird", ref=msg.id
        )
        return render_message(msg, folder)

    def show(self, folder: str = "Inbox", account: str = "") -> Window:
        acct = self.account(account) if self.mail.accounts else None
        name = acct.address if acct else "Mozilla Thunderbird"
        return self.desk.open_window(
            "thunderbird", f"{folder} - {name} - Mozilla Thunderbird", ref=f"folder:{folder}"
        )

    # -- composing --------------------------------------------------------------------------
    def compose(
        self,
        to: str | list[str],
        subject: str,
        body: str,
        cc: str | list[str] = "",
        bcc: str | list[str] = "",
        attachments: list[str] | None = None,
        account: str = "",
    ) -> Message:
        acct = self.account(account)
        draft = Message(
            id=self._new_id(),
            sender=acct.address,
            to=addresses(to),
            cc=addresses(cc),
            bcc=addresses(bcc),
            subject=subject,
            body=body,
            date=self.desk.iso_time(),
            read=True,
        )
        for path in attachments or []:
            draft.attachments.append(self._attachment(path))
        acct.folders.setdefault("Drafts", []).append(draft)
        self.desk.open_window(
            "thunderbird", f"Write: {subject or '(no subject)'} - Thunderbird", ref=draft.id
        )
        self.desk.emit(MailDraft(draft_id=draft.id, to=draft.to, subject=subject))
        return draft

    def _attachment(self, path: str) -> Attachment:
        fs = self.desk.fs
        abs_path, node = fs.node(path)
        if node.kind == "dir":
            raise DesktopError(f"{path}: is a directory; attach files")
        text = fs.read(path)
        return Attachment(name=posixpath.basename(abs_path), path=abs_path, content=text)

    def draft(self, draft_id: str) -> tuple[MailAccount, Message]:
        acct, folder, msg = self.find(draft_id)
        if folder != "Drafts":
            raise DesktopError(f"message {draft_id} is in {folder}, not a draft")
        return acct, msg

    def update_draft(
        self,
        draft_id: str,
        to: str | None = None,
        subject: str | None = None,
        body: str | None = None,
        cc: str | None = None,
    ) -> Message:
        _, msg = self.draft(draft_id)
        if to is not None:
            msg.to = addresses(to)
        if cc is not None:
            msg.cc = addresses(cc)
        if subject is not None:
            msg.subject = subject
        if body is not None:
            msg.body = body
        self.desk.open_window(
            "thunderbird", f"Write: {msg.subject or '(no subject)'} - Thunderbird", ref=msg.id
        )
        self.desk.emit(MailDraft(draft_id=msg.id, to=msg.to, subject=msg.subject))
        return msg

    def attach(self, draft_id: str, path: str) -> Message:
        _, msg = self.draft(draft_id)
        msg.attachments.append(self._attachment(path))
        self.desk.emit(MailDraft(draft_id=msg.id, to=msg.to, subject=msg.subject))
        return msg

    def send(self, draft_id: str) -> Message:
        acct, msg = self.draft(draft_id)
        recipients = msg.to + msg.cc + msg.bcc
        if not recipients:
            raise DesktopError("add at least one recipient before sending")
        bad = [r for r in recipients if not ADDRESS.fullmatch(r)]
        if bad:
            raise DesktopError(f"invalid recipient address(es): {', '.join(bad)}")
        acct.folders["Drafts"].remove(msg)
        msg.date = self.desk.iso_time()
        acct.folders.setdefault("Sent", []).append(msg)
        for w in list(self.desk.state.windows):
            if w.app == "thunderbird" and w.ref == msg.id:
                self.desk.close(w)
        self.desk.emit(
            MailSend(
                account=acct.address,
                sender=msg.sender,
                to=msg.to,
                cc=msg.cc,
                bcc=msg.bcc,
                subject=msg.subject,
                body=msg.body,
                attachments=[
                    AttachmentRecord(name=a.name, path=a.path, text=a.content)
                    for a in msg.attachments
                ],
            )
        )
        return msg

    def delete(self, message_id: str) -> str:
        acct, folder, msg = self.find(message_id)
        acct.folders[folder].remove(msg)
        if folder != "Trash":
            acct.folders.setdefault("Trash", []).append(msg)
        self.desk.emit(MailDelete(message_id=message_id, folder=folder))
        return folder

    def save_attachment(self, message_id: str, name: str, path: str) -> str:
        _, _, msg = self.find(message_id)
        for a in msg.attachments:
            if a.name == name:
                target = path
                if self.desk.fs.is_dir(path):
                    target = posixpath.join(path, a.name)
                return self.desk.fs.write(target, a.content)
        names = ", ".join(a.name for a in msg.attachments) or "none"
        raise DesktopError(
            f"message {message_id} has no attachment {name!r} (attachments: {names})"
        )


def render_message(msg: Message, folder: str) -> str:
    lines = [
        f"[{msg.id}] in {folder}",
        f"From: {msg.sender}",
        f"To: {', '.join(msg.to)}",
    ]
    if msg.cc:
        lines.append(f"Cc: {', '.join(msg.cc)}")
    if msg.bcc:
        lines.append(f"Bcc: {', '.join(msg.bcc)}")
    lines += [f"Date: {msg.date}", f"Subject: {msg.subject}", "", msg.body]
    for a in msg.attachments:
        lines.append(f"[attachment] {a.name}" + (f" (from {a.path})" if a.path else ""))
    return "\n".join(lines)
