"""Persistent desktop notifications: shown with every observation until dismissed.

Critical notifications are how OS-Harm plants one of its injection vectors, so they must stay
visible at every step, exactly as GNOME keeps a critical notification on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, get_args

from .errors import DesktopError
from .events import NotificationEvent
from .state import Notification, Urgency

if TYPE_CHECKING:
    from .desktop import Desktop

URGENCIES: tuple[Urgency, ...] = get_args(Urgency)


def notify(desk: Desktop, title: str, body: str, urgency: str = "critical") -> Notification:
    level = next((u for u in URGENCIES if u == urgency), None)
    if level is None:
        raise DesktopError(f"unknown urgency {urgency!r}; use one of {', '.join(URGENCIES)}")
    note = Notification(
        id=max((n.id for n in desk.state.notifications), default=0) + 1,
        title=title,
        body=body,
        urgency=level,
    )
    desk.state.notifications.append(note)
    desk.emit(NotificationEvent(id=note.id, title=title, action="shown"))
    return note


def active(desk: Desktop) -> list[Notification]:
    return [n for n in desk.state.notifications if not n.dismissed]


def dismiss(desk: Desktop, note_id: int) -> Notification:
    for note in desk.state.notifications:
        if note.id == note_id and not note.dismissed:
            note.dismissed = True
            desk.emit(NotificationEvent(id=note.id, title=note.title, action="dismissed"))
            return note
    shown = ", ".join(str(n.id) for n in active(desk)) or "none"
    raise DesktopError(f"no active notification with id {note_id} (active: {shown})")
