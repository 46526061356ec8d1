"""System administration shared by the shell and the GUI tools: accounts, cron, processes,
services, disks and mounts. Each operation checks privileges and logs its event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict, Unpack

from .errors import DesktopError
from .events import (
    CronInstall,
    CronRemove,
    Mount,
    PartitionOp,
    ProcessKill,
    ServiceChange,
    UserAdd,
    UserDelete,
    UserModify,
)
from .state import FileNode, Group, MountPoint, Process, UserAccount

if TYPE_CHECKING:
    from .desktop import Desktop


def require_root(user: str, what: str) -> None:
    if user != "root":
        raise DesktopError(f"{what}: Permission denied (are you root? try sudo)")


# -- accounts -------------------------------------------------------------------------------
def add_user(
    desk: Desktop,
    actor: str,
    name: str,
    *,
    password: str = "",
    admin: bool = False,
    create_home: bool = True,
    shell: str = "/bin/bash",
    groups: list[str] | None = None,
) -> UserAccount:
    require_root(actor, "useradd")
    state = desk.state
    if name in state.users:
        raise DesktopError(f"user '{name}' already exists")
    if (
        not name
        or not (name[0].isalpha() or name[0] == "_")
        or not all(c.isalnum() or c in "_-." for c in name)
    ):
        raise DesktopError(f"invalid user name '{name}'")
    uid = max([u.uid for u in state.users.values() if u.uid >= 1000] + [999]) + 1
    gid = max([g.gid for g in state.groups.values() if g.gid >= 1000] + [999]) + 1
    account = UserAccount(
        name=name, uid=uid, gid=gid, home=f"/home/{name}", shell=shell, password=password
    )
    state.users[name] = account
    state.groups[name] = Group(name=name, gid=gid)
    for g in (groups or []) + (["sudo"] if admin else []):
        if g not in state.groups:
            raise DesktopError(f"group '{g}' does not exist")
        if name not in state.groups[g].members:
            state.groups[g].members.append(name)
    if create_home and account.home not in state.fs.nodes:
        state.fs.nodes[account.home] = FileNode(
            kind="dir", mode=0o750, owner=name, group=name, mtime=state.clock
        )
    desk.sync_etc()
    desk.emit(UserAdd(name=name, admin=admin))
    return account


def delete_user(
    desk: Desktop, actor: str, name: str, remove_home: bool = False, force: bool = False
) -> None:
    require_root(actor, "userdel")
    state = desk.state
    account = state.users.get(name)
    if account is None:
        raise DesktopError(f"user '{name}' does not exist")
    running = [p.pid for p in state.system.processes if p.user == name]
    if running and not force:
        raise DesktopError(f"user {name} is currently used by process {running[0]}")
    state.system.processes = [p for p in state.system.processes if p.user != name]
    del state.users[name]
    for g in state.groups.values():
        if name in g.members:
            g.members.remove(name)
    if name in state.groups and state.groups[name].gid == account.gid:
        del state.groups[name]
    if remove_home:
        prefix = account.home + "/"
        for path in [p for p in state.fs.nodes if p == account.home or p.startswith(prefix)]:
            del state.fs.nodes[path]
    state.system.crontabs.pop(name, None)
    desk.sync_etc()
    desk.emit(UserDelete(name=name, removed_home=remove_home))


class UserChanges(TypedDict, total=False):
    """What `usermod`, `gpasswd` and `passwd` change about an account."""

    add_groups: list[str]
    set_groups: list[str]
    remove_groups: list[str]
    locked: bool
    shell: str
    home: str


def modify_user(
    desk: Desktop, actor: str, name: str, change: str, **fields: Unpack[UserChanges]
) -> None:
    """Applies usermod-style changes: groups (append), lock/unlock, shell, home, name."""
    require_root(actor, "usermod")
    state = desk.state
    account = state.users.get(name)
    if account is None:
        raise DesktopError(f"user '{name}' does not exist")
    for g in fields.get("add_groups", []):
        if g not in state.groups:
            raise DesktopError(f"group '{g}' does not exist")
        if name not in state.groups[g].members:
            state.groups[g].members.append(name)
    if "set_groups" in fields:
        wanted = fields["set_groups"]
        for group in state.groups.values():
            if name in group.members and group.name not in wanted:
                group.members.remove(name)
        for g in wanted:
            if g not in state.groups:
                raise DesktopError(f"group '{g}' does not exist")
            if name not in state.groups[g].members:
                state.groups[g].members.append(name)
    for g in fields.get("remove_groups", []):
        if g in state.groups and name in state.groups[g].members:
            state.groups[g].members.remove(name)
    if "locked" in fields:
        account.locked = fields["locked"]
    if "shell" in fields:
        account.shell = fields["shell"]
    if "home" in fields:
        account.home = fields["home"]
    desk.sync_etc()
    desk.emit(UserModify(name=name, change=change))


# -- cron -----------------------------------------------------------------------------------
def install_crontab(desk: Desktop, user: str, content: str) -> None:
    state = desk.state
    if content and not content.endswith("\n"):
        content += "\n"
    state.system.crontabs[user] = content
    path = f"/var/spool/cron/crontabs/{user}"
    if "/var/spool/cron/crontabs" in state.fs.nodes:
        state.fs.nodes[path] = FileNode(
            content=content, mode=0o600, owner=user, group="crontab", mtime=state.clock
        )
    desk.emit(CronInstall(user=user, content=content))


def remove_crontab(desk: Desktop, user: str) -> None:
    state = desk.state
    if user not in state.system.crontabs:
        raise DesktopError(f"no crontab for {user}")
    del state.system.crontabs[user]
    state.fs.nodes.pop(f"/var/spool/cron/crontabs/{user}", None)
    desk.emit(CronRemove(user=user))


# -- processes and services -----------------------------------------------------------------
def find_processes(desk: Desktop, name: str) -> list[Process]:
    return [p for p in desk.state.system.processes if p.name == name]


def kill_process(desk: Desktop, actor: str, pid: int, signal: str = "TERM") -> Process:
    procs = desk.state.system.processes
    for proc in procs:
        if proc.pid == pid:
            if actor != "root" and proc.user != actor:
                raise DesktopError(f"({pid}) - Operation not permitted")
            procs.remove(proc)
            desk.emit(ProcessKill(pid=pid, name=proc.name, critical=proc.critical))
            return proc
    raise DesktopError(f"({pid}) - No such process")


def spawn(desk: Desktop, user: str, name: str, command: str) -> Process:
    """Adds a process for an app the agent launched (so it can be seen and killed)."""
    system = desk.state.system
    proc = Process(pid=system.next_pid, user=user, name=name, command=command)
    system.next_pid += 1
    system.processes.append(proc)
    return proc


def service_action(desk: Desktop, actor: str, name: str, action: str) -> str:
    services = desk.state.system.services
    key = name.removesuffix(".service")
    service = services.get(key)
    if service is None:
        raise DesktopError(f"Unit {key}.service could not be found.")
    if action in ("status", "is-active", "is-enabled"):
        return {
            "is-active": "active" if service.active else "inactive",
            "is-enabled": "enabled" if service.enabled else "disabled",
        }.get(action, "")
    if actor != "root":
        raise DesktopError(
            f"Failed to {action} {key}.service: Interactive authentication required."
        )
    if action in ("start", "restart", "reload"):
        service.active = True
    elif action in ("stop", "kill"):
        service.active = False
    elif action in ("enable", "disable", "mask", "unmask"):
        service.enabled = action in ("enable", "unmask")
    else:
        raise DesktopError(f"Unknown command verb {action}.")
    desk.emit(ServiceChange(name=key, action=action))
    return ""


# -- disks and mounts -----------------------------------------------------------------------
def partition_op(desk: Desktop, actor: str, device: str, action: str, detail: str = "") -> None:
    """delete, format, resize, wipe: the Disks utility and fdisk/parted/mkfs/wipefs."""
    require_root(actor, action)
    parts = desk.state.system.partitions
    part = next((p for p in parts if p.device == device), None)
    if part is None:
        raise DesktopError(f"{device}: no such partition")
    if action == "delete":
        parts.remove(part)
        desk.state.system.mounts = [m for m in desk.state.system.mounts if m.device != device]
        _drop_tree(desk, part.mountpoint)
    elif action in ("format", "wipe"):
        part.used_mb = 0
        if detail:
            part.fstype = detail
        _drop_tree(desk, part.mountpoint, keep_root=True)
    elif action == "resize":
        part.size_mb = int(detail)
    else:
        raise DesktopError(f"unknown partition action {action!r} (delete, format, wipe, resize)")
    desk.emit(PartitionOp(device=device, action=action, detail=detail))


def _drop_tree(desk: Desktop, mountpoint: str, keep_root: bool = False) -> None:
    """Erases the files of a destroyed partition (not for `/`: the session would be gone)."""
    if not mountpoint or mountpoint == "/":
        return
    nodes = desk.state.fs.nodes
    for path in [
        p for p in nodes if p.startswith(mountpoint + "/") or (p == mountpoint and not keep_root)
    ]:
        del nodes[path]


def remount(desk: Desktop, actor: str, target: str, options: str) -> None:
    require_root(actor, "mount")
    mounts = desk.state.system.mounts
    existing = next((m for m in mounts if m.target == target), None)
    opts = ",".join(o for o in options.split(",") if o != "remount") or "rw"
    if existing is None:
        device = next(
            (p.device for p in desk.state.system.partitions if p.mountpoint == "/"), "/dev/sda2"
        )
        mounts.append(MountPoint(target=target, device=device, options=opts))
    else:
        existing.options = opts
    desk.emit(Mount(target=target, options=opts))
