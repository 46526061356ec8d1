"""Translates a task's setup steps (OSWorld `config`) into emulated desktop operations.

Planning is pure and runs when the dataset loads, so an unmappable step fails before the run;
applying the plan to a fresh desktop happens per sample. Downloads and uploads become our
stand-ins (`fixtures/`); launches and opens become windows; shell steps run in the desktop's
shell emulator. Setup that fails upstream fails here too (e.g. `_backdoor_doc` unzips in the
wrong folder) and is recorded as a setup note rather than silently repaired.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from trustbench.environments.desktop import Desktop, DesktopError, DesktopState
from trustbench.tasks.os_harm import fixtures
from trustbench.tasks.os_harm.errors import UnsupportedSetupError

PROFILE_DIR = "/home/user/.thunderbird"
APPS = {
    "google-chrome": "chrome",
    "gimp": "gimp",
    "code": "code",
    "/usr/bin/thunderbird": "thunderbird",
    "thunderbird": "thunderbird",
}
IGNORED_PROGRAMS = {"socat"}
"""Chrome's debugging-port relay: plumbing for OSWorld's controller, nothing the agent sees."""
HOTKEYS = {
    frozenset({"ctrl", "alt", "t"}): "terminal",
    frozenset({"alt", "f10"}): None,
    frozenset({"win", "v"}): None,
}
"""pyautogui hotkeys used in setup: open a terminal, maximise a window, toggle the tray."""


@dataclass(frozen=True)
class Op:
    """One emulated setup operation: `kind` plus its arguments."""

    kind: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class SetupResult:
    state: DesktopState
    notes: list[str] = field(default_factory=list)


def _stand_in(task_id: str, step: str, source: str) -> str:
    found = fixtures.manifest().find(source)
    if found is None:
        raise UnsupportedSetupError(task_id, step, f"no stand-in for {source}")
    return found.stand_in


def _file_ops(task_id: str, step: str, files: list[dict[str, str]], key: str) -> list[Op]:
    ops = []
    for entry in files:
        source = fixtures.source_of_url(entry["url"]) if key == "url" else entry["local_path"]
        stand_in = _stand_in(task_id, step, source)
        if stand_in.startswith("mail.yaml:"):
            ops.append(Op("profile_archive", {"path": entry["path"], "profile": stand_in}))
        else:
            ops.append(Op("write", {"path": entry["path"], "stand_in": stand_in}))
    return ops


def _argv(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)


def _pyautogui(task_id: str, step: str, code: str) -> list[Op]:
    ops = []
    for keys in re.findall(r"hotkey\(\[?([^)\]]*)\]?\)", code):
        combo = frozenset(k.strip().strip("'\"") for k in keys.split(","))
        if combo not in HOTKEYS:
            raise UnsupportedSetupError(task_id, step, f"hotkey {sorted(combo)}")
        app = HOTKEYS[combo]
        ops.append(
            Op("open_app", {"app": app}) if app else Op("noop", {"note": f"hotkey {sorted(combo)}"})
        )
    if re.search(r"\.(write|press|typewrite)\(", code):
        raise UnsupportedSetupError(task_id, step, "typing through pyautogui")
    return ops


def _shell_ops(task_id: str, step: str, command: str | list[str]) -> list[Op]:
    argv = _argv(command)
    if argv[:1] in (["python"], ["python3"]) and "-c" in argv and "pyautogui" in argv[-1]:
        return _pyautogui(task_id, step, argv[-1])
    if argv[:2] == ["/bin/bash", "-c"]:
        line = argv[2]
    else:
        line = command if isinstance(command, str) else shlex.join(argv)
    if "code --install-extension" in line:
        return [
            Op("noop", {"note": "editor extension installed and its archive removed"}),
            Op("remove", {"path": "/home/user/Downloads/vscodeEvalExtension.zip"}),
        ]
    if "apt-get install" in line:
        return [Op("noop", {"note": f"package install skipped: {line}"})]
    if argv[:1] == ["tar"] and "-f" in argv:
        return [Op("untar", {"archive": argv[argv.index("-f") + 1], "line": line})]
    return [Op("shell", {"line": line})]


def _launch_ops(task_id: str, step: str, command: str | list[str]) -> list[Op]:
    argv = _argv(command)
    program = argv[0]
    if program in IGNORED_PROGRAMS:
        return []
    app = APPS.get(program)
    if app is None:
        raise UnsupportedSetupError(task_id, step, f"launching {program}")
    paths = [a for a in argv[1:] if a.startswith("/")]
    return [Op("open", {"path": p, "app": app}) for p in paths] or [Op("open_app", {"app": app})]


def plan_setup(task_id: str, steps: list[dict[str, Any]]) -> list[Op]:
    """The emulated operations for a task's `config`, in order."""
    ops: list[Op] = []
    for step in steps:
        kind, params = step["type"], step.get("parameters", {})
        if kind == "download":
            ops += _file_ops(task_id, kind, params["files"], "url")
        elif kind == "upload_file":
            ops += _file_ops(task_id, kind, params["files"], "local_path")
        elif kind == "open":
            ops.append(Op("open", {"path": params["path"], "app": ""}))
        elif kind == "launch":
            ops += _launch_ops(task_id, kind, params["command"])
        elif kind in ("execute", "command"):
            ops += _shell_ops(task_id, kind, params["command"])
        elif kind == "activate_window":
            ops.append(Op("focus", {"title": params["window_name"]}))
        elif kind == "chrome_open_tabs":
            for url in params["urls_to_open"]:
                _page_stand_in(task_id, kind, url)
                ops.append(Op("browse", {"url": url}))
        elif kind == "sleep":
            continue
        else:
            raise UnsupportedSetupError(task_id, kind, "no translation")
    return ops


def _page_stand_in(task_id: str, step: str, url: str) -> None:
    listed = {p.source for p in fixtures.manifest().pages}
    if f"url:{url}" not in listed:
        raise UnsupportedSetupError(task_id, step, f"no stand-in page for {url}")


class Provisioner:
    """Applies planned operations to one desktop, collecting notes on setup that failed."""

    def __init__(self, desk: Desktop) -> None:
        self.desk = desk
        self.notes: list[str] = []
        self.profiles: dict[str, str] = {}

    def apply(self, ops: list[Op]) -> None:
        for op in ops:
            try:
                getattr(self, f"_{op.kind}")(**op.args)
            except DesktopError as ex:
                self.notes.append(f"{op.kind} {op.args}: {ex}")

    def write_stand_in(self, path: str, stand_in: str) -> None:
        node = fixtures.file_node(stand_in)
        self.desk.fs.mkdir(posixpath.dirname(path), parents=True)
        self.desk.fs.write(path, node.content, doc=node.doc, mode=node.mode)

    def _write(self, path: str, stand_in: str) -> None:
        self.write_stand_in(path, stand_in)

    def _profile_archive(self, path: str, profile: str) -> None:
        self.desk.fs.mkdir(posixpath.dirname(path), parents=True)
        self.desk.fs.write(path, "[Thunderbird profile archive]")
        self.profiles[path] = profile

    def _untar(self, archive: str, line: str) -> None:
        profile = self.profiles.get(archive)
        if profile is None:
            self._shell(line)
            return
        apply_mail_profile(self.desk, fixtures.mail_profile(profile))

    def _shell(self, line: str) -> None:
        result = self.desk.run(line)
        if result.exit_code != 0:
            self.notes.append(
                f"setup command failed ({result.exit_code}): {line}: {result.stderr.strip()}"
            )

    def _remove(self, path: str) -> None:
        if self.desk.fs.exists(path):
            self.desk.fs.delete(path, recursive=True)

    def _open(self, path: str, app: str) -> None:
        self.desk.open(path, app=app)

    def _open_app(self, app: str) -> None:
        self.desk.open_app(app)

    def _focus(self, title: str) -> None:
        self.desk.focus(title)

    def _browse(self, url: str) -> None:
        self.desk.browser.open(url, new_tab=True)

    def _noop(self, note: str) -> None:
        return None


def apply_mail_profile(desk: Desktop, profile: fixtures.MailProfile) -> None:
    """The extracted profile: the account, its folders and messages, and its folder on disk."""
    desk.fs.mkdir(PROFILE_DIR, parents=True)
    account = desk.mail.add_account(profile.address, profile.name)
    for folder, messages in profile.folders.items():
        account.folders.setdefault(folder, [])
        for spec in messages:
            deliver(desk, folder, spec, profile.address)


def deliver(
    desk: Desktop, folder: str, spec: fixtures.MailSpec, account: str, text: str = ""
) -> None:
    """Puts an authored message in a folder, with `{injection}` replaced by `text`."""
    desk.mail.deliver(
        folder,
        sender=spec.sender,
        to=spec.to or None,
        subject=spec.subject.replace("{injection}", text),
        body=spec.body.replace("{injection}", text),
        account=account,
        date=spec.date,
    )
