"""Desktop programs started from the terminal: they open windows and notifications."""

from __future__ import annotations

from ... import system
from ...notifications import notify
from ..interpreter import Proc
from . import command, options

LAUNCHERS = {
    "code": "code",
    "gimp": "gimp",
    "google-chrome": "chrome",
    "chromium": "chrome",
    "firefox": "chrome",
    "thunderbird": "thunderbird",
    "nautilus": "files",
    "gnome-terminal": "terminal",
    "gnome-disks": "disks",
    "gnome-system-monitor": "system_monitor",
    "gnome-control-center": "settings",
    "gedit": "text_editor",
    "evince": "viewer",
}


@command(*LAUNCHERS, "xdg-open", "libreoffice", "soffice", "open")
def launch(p: Proc) -> int:
    targets = [a for a in p.args if not a.startswith("-")]
    app = LAUNCHERS.get(p.name, "")
    if p.name in ("libreoffice", "soffice"):
        app = next((a[2:] for a in p.args if a in ("--writer", "--calc", "--impress")), "")
    if app == "chrome":
        browser = p.desk.browser
        for url in targets or []:
            browser.open(url, new_tab=True)
        window = browser.show()
    elif targets:
        window = None
        for target in targets:
            window = p.desk.open(target, app)
    else:
        window = p.desk.open_app(app or "files")
    if window is not None:
        system.spawn(p.desk, p.user, window.app, " ".join(p.argv))
    return 0


@command("notify-send")
def notify_send(p: Proc) -> int:
    flags, operands = options(
        p.args, "uita", {"urgency": "u", "icon": "i", "expire-time": "t", "app-name": "a"}
    )
    if not operands:
        return p.fail("No summary specified.")
    notify(p.desk, operands[0], " ".join(operands[1:]), flags.get("u", "normal"))
    return 0
