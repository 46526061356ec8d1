"""Administration commands: accounts, passwords, cron, services, processes, disks, packages."""

from __future__ import annotations

import re

from ... import system
from ...errors import DesktopError
from ...events import PackageInstall, ServiceChange
from ...state import PendingPrompt
from ..execution import run_for_real
from ..interpreter import Proc, PromptNeeded
from . import command, options


@command("useradd", "adduser")
def useradd(p: Proc) -> int:
    flags, operands = options(
        p.args,
        "psGgcdu",
        {
            "password": "p",
            "shell": "s",
            "groups": "G",
            "create-home": "m",
            "home": "d",
            "comment": "c",
            "gecos": "c",
            "disabled-password": "disabled-password",
            "ingroup": "g",
        },
    )
    if not operands:
        return p.fail("missing user name", 2)
    if p.name == "adduser" and len(operands) == 2:
        system.modify_user(
            p.desk, p.user, operands[0], f"added to group {operands[1]}", add_groups=[operands[1]]
        )
        p.out(f"Adding user `{operands[0]}' to group `{operands[1]}' ...\nDone.\n")
        return 0
    name = operands[0]
    groups = [g for g in flags.get("G", "").split(",") if g]
    system.add_user(
        p.desk,
        p.user,
        name,
        password=flags.get("p", ""),
        admin="sudo" in groups,
        create_home="m" in flags or p.name == "adduser",
        shell=flags.get("s", "/bin/sh" if p.name == "useradd" else "/bin/bash"),
        groups=[g for g in groups if g != "sudo"],
    )
    if p.name == "adduser":
        p.out(f"Adding user `{name}' ...\nCreating home directory `/home/{name}' ...\n")
        if "disabled-password" not in flags:
            raise PromptNeeded(PendingPrompt(kind="passwd", target=name), "New password: ")
    return 0


@command("userdel", "deluser")
def userdel(p: Proc) -> int:
    flags, operands = options(p.args, "", {"remove": "r", "remove-home": "r", "force": "f"})
    if not operands:
        return p.fail("missing user name", 2)
    system.delete_user(p.desk, p.user, operands[0], remove_home="r" in flags, force="f" in flags)
    return 0


@command("usermod")
def usermod(p: Proc) -> int:
    flags, operands = options(
        p.args,
        "Gsdlg",
        {"groups": "G", "append": "a", "lock": "L", "unlock": "U", "shell": "s", "home": "d"},
    )
    if not operands:
        return p.fail("missing user name", 2)
    fields: system.UserChanges = {}
    changes = []
    if "G" in flags:
        groups = [g for g in flags["G"].split(",") if g]
        if "a" in flags:
            fields["add_groups"] = groups
        else:
            fields["set_groups"] = groups
        changes.append(("added to" if "a" in flags else "groups set to") + f" {','.join(groups)}")
    if "L" in flags or "U" in flags:
        fields["locked"] = "L" in flags
        changes.append("locked" if "L" in flags else "unlocked")
    if "s" in flags:
        fields["shell"] = flags["s"]
        changes.append(f"shell {flags['s']}")
    if "d" in flags:
        fields["home"] = flags["d"]
        changes.append(f"home {flags['d']}")
    system.modify_user(p.desk, p.user, operands[0], "; ".join(changes) or "no change", **fields)
    return 0


@command("gpasswd")
def gpasswd(p: Proc) -> int:
    flags, operands = options(p.args, "ad", {"add": "a", "delete": "d"})
    if not operands:
        return p.fail("usage: gpasswd -a|-d USER GROUP", 2)
    group = operands[0]
    if "a" in flags:
        system.modify_user(p.desk, p.user, flags["a"], f"added to {group}", add_groups=[group])
    elif "d" in flags:
        system.modify_user(
            p.desk, p.user, flags["d"], f"removed from {group}", remove_groups=[group]
        )
    return 0


@command("groupadd", "addgroup")
def groupadd(p: Proc) -> int:
    from ...state import Group

    system.require_root(p.user, p.name)
    name = options(p.args)[1][0] if options(p.args)[1] else ""
    if not name or name in p.desk.state.groups:
        return p.fail(f"group '{name}' already exists" if name else "missing group name")
    gid = max([g.gid for g in p.desk.state.groups.values() if g.gid >= 1000] + [999]) + 1
    p.desk.state.groups[name] = Group(name=name, gid=gid)
    p.desk.sync_etc()
    return 0


@command("passwd")
def passwd(p: Proc) -> int:
    flags, operands = options(
        p.args, "", {"lock": "l", "unlock": "u", "delete": "d", "stdin": "stdin"}
    )
    target = operands[0] if operands else p.user
    if target != p.user and p.user != "root":
        return p.fail("You may not view or modify password information for " + target + ".")
    if target not in p.desk.state.users:
        return p.fail(f"user '{target}' does not exist")
    if "l" in flags or "u" in flags:
        system.modify_user(
            p.desk, p.user, target, "locked" if "l" in flags else "unlocked", locked="l" in flags
        )
        p.out("passwd: password changed.\n")
        return 0
    if "stdin" in flags or (p.stdin and p.user == "root"):
        lines = p.stdin.splitlines()
        if not lines:
            return p.fail("Authentication token manipulation error")
        if len(lines) >= 2 and lines[0] != lines[1]:
            return p.fail("Sorry, passwords do not match.", 10)
        p.shell.set_password(target, lines[0])
        p.out("passwd: password updated successfully\n")
        return 0
    first = "Current password: " if p.user != "root" else "New password: "
    raise PromptNeeded(PendingPrompt(kind="passwd", target=target), first)


@command("chpasswd")
def chpasswd(p: Proc) -> int:
    system.require_root(p.user, "chpasswd")
    for line in p.stdin.splitlines():
        name, sep, password = line.partition(":")
        if not sep or name not in p.desk.state.users:
            return p.fail(f"line '{line}': unknown user or missing ':'")
        p.shell.set_password(name, password)
    return 0


@command("getent")
def getent(p: Proc) -> int:
    if not p.args or p.args[0] not in ("passwd", "group", "shadow"):
        return p.fail(f"Unknown database: {p.args[0] if p.args else ''}", 1)
    text = p.fs.read(f"/etc/{p.args[0]}") if p.args[0] != "shadow" or p.user == "root" else ""
    keys = p.args[1:]
    lines = [line for line in text.splitlines() if not keys or line.split(":")[0] in keys]
    p.out("".join(f"{line}\n" for line in lines))
    return 0 if lines else 2


@command("crontab")
def crontab(p: Proc) -> int:
    flags, operands = options(p.args, "u")
    user = flags.get("u", p.user)
    if user != p.user and p.user != "root":
        return p.fail("must be privileged to use -u")
    tabs = p.desk.state.system.crontabs
    if "l" in flags:
        if user not in tabs:
            p.err(f"no crontab for {user}")
            return 1
        p.out(tabs[user])
        return 0
    if "r" in flags:
        system.remove_crontab(p.desk, user)
        return 0
    if "e" in flags:
        if not p.stdin:
            return p.fail(
                "no editor here: install a table with `crontab FILE` or `(crontab -l; echo '* * * * * cmd') | crontab -`"
            )
        system.install_crontab(p.desk, user, p.stdin)
        p.err("crontab: installing new crontab")
        return 0
    source = operands[0] if operands else "-"
    content = p.stdin if source == "-" else p.fs.read(source)
    for line in content.splitlines():
        fields = line.split()
        if (
            fields
            and not line.lstrip().startswith("#")
            and "=" not in fields[0]
            and not fields[0].startswith("@")
            and len(fields) < 6
        ):
            p.err('"-":1: bad minute\nerrors in crontab file, can\'t install.')
            return 1
    system.install_crontab(p.desk, user, content)
    return 0


@command("systemctl", "service")
def systemctl(p: Proc) -> int:
    args = [a for a in p.args if not a.startswith("-")]
    if p.name == "service" and len(args) >= 2:
        args = [args[1], args[0]]
    if not args or args[0] in ("list-units", "list-unit-files"):
        for s in p.desk.state.system.services.values():
            p.out(
                f"{s.name}.service".ljust(32)
                + ("loaded active   running " if s.active else "loaded inactive dead    ")
                + s.description
                + "\n"
            )
        return 0
    action, units = args[0], args[1:]
    if action in ("poweroff", "reboot", "halt", "suspend"):
        system.require_root(p.user, p.name)
        p.desk.emit(ServiceChange(name="system", action=action))
        return 0
    code = 0
    for unit in units:
        try:
            if action == "status":
                service = p.desk.state.system.services.get(unit.removesuffix(".service"))
                if service is None:
                    raise DesktopError(f"Unit {unit}.service could not be found.")
                state = "active (running)" if service.active else "inactive (dead)"
                p.out(
                    f"● {service.name}.service - {service.description}\n     Loaded: loaded (/lib/systemd/system/{service.name}.service; {'enabled' if service.enabled else 'disabled'})\n     Active: {state}\n"
                )
                code = code or (0 if service.active else 3)
            else:
                out = system.service_action(p.desk, p.user, unit, action)
                if out:
                    p.out(out + "\n")
        except DesktopError as ex:
            p.err(str(ex))
            code = 1 if action != "status" else 4
    return code


@command("ps")
def ps(p: Proc) -> int:
    procs = p.desk.state.system.processes
    full = any(a in ("aux", "-aux", "-ef", "-e", "-A", "ax", "-eF") for a in p.args)
    if not full:
        procs = [x for x in procs if x.user == p.user and x.name in ("bash", "ps")] or procs[-2:]
    if any("u" in a for a in p.args if not a.startswith("-")) or "aux" in p.args:
        p.out("USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n")
        for x in procs:
            p.out(
                f"{x.user[:10]:<10} {x.pid:>5} {x.cpu:>4.1f} {x.mem_mb / 80:>4.1f} {x.mem_mb * 1200:>6} {x.mem_mb * 1024:>5} ?        Ssl  09:00   0:01 {x.command}\n"
            )
    else:
        p.out(
            "UID          PID    PPID  C STIME TTY          TIME CMD\n"
            if full
            else "    PID TTY          TIME CMD\n"
        )
        for x in procs:
            p.out(
                f"{x.user[:8]:<8} {x.pid:>7}       1  0 09:00 ?        00:00:01 {x.command}\n"
                if full
                else f"{x.pid:>7} pts/0    00:00:00 {x.name}\n"
            )
    return 0


@command("top", "htop")
def top(p: Proc) -> int:
    if "-b" not in p.args and p.name == "top":
        return p.fail("failed tty get")
    procs = sorted(p.desk.state.system.processes, key=lambda x: -x.cpu)
    total = sum(x.mem_mb for x in procs)
    p.out(
        f"top - 09:00:00 up  1:02,  1 user,  load average: 0.21, 0.18, 0.12\nTasks: {len(procs)} total,   1 running\n"
        f"MiB Mem :   7940.0 total,   {7940 - total - 1500:.1f} free,   {total:.1f} used,   1500.0 buff/cache\n\n"
        "    PID USER      PR  NI    VIRT    RES  %CPU  %MEM     TIME+ COMMAND\n"
    )
    for x in procs:
        p.out(
            f"{x.pid:>7} {x.user[:8]:<8}  20   0 {x.mem_mb * 1200:>7} {x.mem_mb * 1024:>6} {x.cpu:>5.1f} {x.mem_mb / 80:>5.1f}   0:01.00 {x.name}\n"
        )
    return 0


@command("kill")
def kill(p: Proc) -> int:
    signal = "TERM"
    pids = []
    for a in p.args:
        if a.startswith("-") and not a[1:].isdigit() or a in ("-9", "-15", "-1", "-2"):
            signal = a.lstrip("-").removeprefix("s")
        elif a.lstrip("-").isdigit():
            pids.append(int(a))
    if not pids:
        return p.fail("usage: kill [-s sigspec | -n signum | -sigspec] pid", 2)
    code = 0
    for pid in pids:
        try:
            system.kill_process(p.desk, p.user, pid, signal)
        except DesktopError as ex:
            p.err(f"bash: kill: {ex}")
            code = 1
    return code


@command("pkill", "killall")
def pkill(p: Proc) -> int:
    names = [a for a in p.args if not a.startswith("-")]
    if not names:
        return p.fail("no process name specified", 2)
    code = 1
    for name in names:
        for proc in [
            x
            for x in p.desk.state.system.processes
            if x.name == name or ("f" in "".join(p.args) and name in x.command)
        ]:
            try:
                system.kill_process(p.desk, p.user, proc.pid)
                code = 0
            except DesktopError as ex:
                p.err(
                    f"{p.name}: killing pid {proc.pid} failed: Operation not permitted"
                    if "permitted" in str(ex)
                    else str(ex)
                )
    if code and p.name == "killall":
        p.err(f"{names[0]}: no process found")
    return code


@command("free")
def free(p: Proc) -> int:
    used = sum(x.mem_mb for x in p.desk.state.system.processes)
    if "-h" in p.args:
        p.out(
            f"               total        used        free      shared  buff/cache   available\nMem:           7.8Gi       {used / 1024:.1f}Gi       {(7940 - used - 1500) / 1024:.1f}Gi       120Mi       1.5Gi       {(7940 - used) / 1024:.1f}Gi\nSwap:          2.0Gi          0B       2.0Gi\n"
        )
    else:
        p.out(
            f"               total        used        free      shared  buff/cache   available\nMem:         8130560 {used * 1024:>11} {(7940 - used - 1500) * 1024:>11}      122880     1536000 {(7940 - used) * 1024:>11}\nSwap:        2097148           0     2097148\n"
        )
    return 0


@command("mount")
def mount(p: Proc) -> int:
    flags, operands = options(p.args, "ot")
    if "o" in flags:
        target = operands[-1] if operands else ""
        if not target:
            return p.fail("usage: mount -o remount,ro TARGET")
        system.remount(p.desk, p.user, p.fs.resolve(target), flags["o"])
        return 0
    if operands:
        return p.fail(f"{operands[-1]}: must be superuser to use mount.", 32)
    for part in p.desk.state.system.partitions:
        if part.mountpoint:
            opts = next(
                (m.options for m in p.desk.state.system.mounts if m.target == part.mountpoint),
                "rw,relatime",
            )
            p.out(f"{part.device} on {part.mountpoint} type {part.fstype} ({opts})\n")
    for m in p.desk.state.system.mounts:
        if not any(part.mountpoint == m.target for part in p.desk.state.system.partitions):
            p.out(f"{m.device} on {m.target} type ext4 ({m.options})\n")
    return 0


@command("umount")
def umount(p: Proc) -> int:
    system.require_root(p.user, "umount")
    for target in options(p.args)[1]:
        for part in p.desk.state.system.partitions:
            if part.mountpoint == target or part.device == target:
                if part.system:
                    return p.fail(f"{target}: target is busy.", 32)
                part.mountpoint = ""
    return 0


@command("lsblk", "blkid")
def lsblk(p: Proc) -> int:
    p.out(
        "NAME   FSTYPE  LABEL        SIZE MOUNTPOINTS\nsda                          "
        + f"{sum(x.size_mb for x in p.desk.state.system.partitions) / 1024:.0f}G\n"
    )
    for part in p.desk.state.system.partitions:
        name = part.device.removeprefix("/dev/")
        p.out(
            f"├─{name:<5}{part.fstype:<8}{part.label:<12}{part.size_mb / 1024:>5.1f}G {part.mountpoint}\n"
        )
    return 0


@command("fdisk", "parted", "sfdisk", "gdisk")
def fdisk(p: Proc) -> int:
    if "-l" in p.args or "print" in p.args or "--list" in p.args:
        system.require_root(p.user, p.name)
        for part in p.desk.state.system.partitions:
            p.out(f"{part.device:<12} {part.size_mb:>8}M {part.fstype:<6} {part.label}\n")
        return 0
    if p.name == "parted" and "rm" in p.args:
        index = p.args[p.args.index("rm") + 1] if p.args.index("rm") + 1 < len(p.args) else ""
        disk = next((a for a in p.args if a.startswith("/dev/")), "/dev/sda")
        system.partition_op(p.desk, p.user, f"{disk}{index}", "delete")
        return 0
    if p.name == "parted" and "resizepart" in p.args:
        i = p.args.index("resizepart")
        disk = next((a for a in p.args if a.startswith("/dev/")), "/dev/sda")
        number, size = (p.args[i + 1 : i + 3] + ["", ""])[:2]
        system.partition_op(
            p.desk,
            p.user,
            f"{disk}{number}",
            "resize",
            str(_megabytes(size)),
        )
        return 0
    return p.fail(
        "interactive partitioning is not available; use `parted DISK rm N`, `parted DISK resizepart N SIZE`, or the disks tool"
    )


def _megabytes(size: str) -> int:
    """parted sizes: '2048MB', '2GB', '2GiB', '2048' (MB)."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?", size.strip(), re.IGNORECASE)
    if m is None:
        raise DesktopError(f"invalid size {size!r}")
    factor = {"": 1, "K": 1 / 1024, "M": 1, "G": 1024, "T": 1024 * 1024}[m.group(2).upper()]
    return int(float(m.group(1)) * factor)


@command("mkfs", "mkfs.ext4", "mkfs.vfat", "mkfs.fat", "mkfs.ntfs", "wipefs", "shred", "dd")
def mkfs(p: Proc) -> int:
    device = next(
        (a.removeprefix("of=") for a in p.args if a.startswith(("/dev/", "of=/dev/"))), ""
    )
    if not device:
        if p.name == "shred":
            for path in [a for a in p.args if not a.startswith("-")]:
                p.fs.write(path, "\x00" * 16)
                if "-u" in p.args or "--remove" in p.args:
                    p.fs.delete(path)
            return 0
        if p.name == "dd":
            return run_for_real(p, ["dd", *p.args], "dd", " ".join(p.args))
        return p.fail("no device given")
    fstype = p.name.split(".", 1)[1] if "." in p.name else ""
    action = "format" if p.name.startswith("mkfs") else "wipe"
    system.partition_op(p.desk, p.user, device, action, fstype)
    return 0


@command("apt", "apt-get", "dpkg", "snap", "pip", "pip3")
def packages(p: Proc) -> int:
    verbs = [a for a in p.args if not a.startswith("-")]
    if not verbs:
        return p.fail("usage: install PACKAGE")
    if verbs[0] in ("list", "search", "show", "freeze", "-l"):
        p.out("".join(f"{n}\n" for n in p.desk.state.system.installed_packages))
        return 0
    if verbs[0] in ("update", "upgrade"):
        if p.user != "root" and p.name.startswith("apt"):
            return p.fail(
                "E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)",
                100,
            )
        p.out("Reading package lists... Done\n")
        return 0
    if verbs[0] in ("install", "remove", "purge"):
        names = verbs[1:]
        if p.name.startswith("apt") or p.name in ("dpkg", "snap"):
            if p.user != "root":
                return p.fail(
                    "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)",
                    100,
                )
        installed = p.desk.state.system.installed_packages
        if verbs[0] == "install":
            installed += [n for n in names if n not in installed]
            p.desk.emit(PackageInstall(names=names))
            p.out(
                f"Setting up {' '.join(names)} ...\n"
                if p.name.startswith(("apt", "dpkg"))
                else f"Successfully installed {' '.join(names)}\n"
            )
        else:
            p.desk.state.system.installed_packages = [n for n in installed if n not in names]
        return 0
    return p.fail(f"unsupported operation '{verbs[0]}'")


@command("shutdown", "reboot", "poweroff", "halt", "init")
def shutdown(p: Proc) -> int:
    system.require_root(p.user, p.name)
    p.desk.emit(ServiceChange(name="system", action=p.name))
    p.out(
        f"Broadcast message from root@{p.desk.state.system.hostname}\n\nThe system will {'reboot' if p.name == 'reboot' else 'power off'} now!\n"
    )
    return 0


@command("visudo", "vipw")
def visudo(p: Proc) -> int:
    p.err("Error opening terminal: unknown.")
    return 1
