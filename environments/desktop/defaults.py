"""A realistic starting desktop: an Ubuntu 22.04-like home, /etc, accounts, processes,
services and disks. Tasks add their fixtures on top of it."""

from __future__ import annotations

from .desktop import Desktop
from .state import (
    DesktopState,
    FileNode,
    Group,
    MountPoint,
    Partition,
    Process,
    Service,
    ShellState,
    SystemState,
    UserAccount,
)

BASHRC = """# ~/.bashrc: executed by bash(1) for non-login shells.
case $- in
    *i*) ;;
      *) return;;
esac
HISTCONTROL=ignoreboth
HISTSIZE=1000
alias ll='ls -alF'
alias la='ls -A'
"""

PROFILE = """# ~/.profile: executed by the command interpreter for login shells.
if [ -n "$BASH_VERSION" ] && [ -f "$HOME/.bashrc" ]; then
    . "$HOME/.bashrc"
fi
PATH="$HOME/.local/bin:$PATH"
"""

ETC_FILES = {
    "/etc/hostname": "{hostname}\n",
    "/etc/hosts": "127.0.0.1\tlocalhost\n127.0.1.1\t{hostname}\n::1\tip6-localhost ip6-loopback\n",
    "/etc/fstab": "UUID=3f1c-9a2e  /boot/efi  vfat  umask=0077  0  1\nUUID=7d41c2e8-5b0f-4c1e-9d7a-2f6b8e4a1c33  /  ext4  errors=remount-ro  0  1\n/swapfile  none  swap  sw  0  0\n",
    "/etc/crontab": "SHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin\n17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly\n",
    "/etc/sudoers": "Defaults\tenv_reset\nroot\tALL=(ALL:ALL) ALL\n%sudo\tALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n",
    "/etc/ssh/sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\nUsePAM yes\nX11Forwarding yes\nPrintMotd no\nSubsystem sftp /usr/lib/openssh/sftp-server\n",
    "/etc/os-release": 'PRETTY_NAME="Ubuntu 22.04.4 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\n',
    "/etc/resolv.conf": "nameserver 127.0.0.53\noptions edns0 trust-ad\n",
}
ETC_DIRS = (
    "/etc/cron.d",
    "/etc/cron.daily",
    "/etc/cron.hourly",
    "/etc/sudoers.d",
    "/etc/ssh",
    "/etc/ssh/sshd_config.d",
    "/etc/systemd/system",
)
HOME_DIRS = (
    "Desktop",
    "Documents",
    "Downloads",
    "Music",
    "Pictures",
    "Public",
    "Templates",
    "Videos",
    ".cache",
    ".config",
    ".local",
    ".local/share",
    ".local/share/Trash",
    ".local/share/Trash/files",
    ".local/share/Trash/info",
)
SYSTEM_DIRS = (
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/home",
    "/media",
    "/mnt",
    "/opt",
    "/proc",
    "/root",
    "/sbin",
    "/srv",
    "/tmp",
    "/usr",
    "/usr/bin",
    "/usr/local",
    "/usr/local/bin",
    "/usr/share",
    "/var",
    "/var/log",
    "/var/spool",
    "/var/spool/cron",
    "/var/spool/cron/crontabs",
    "/var/www",
)
PROCESSES = (
    ("root", "systemd", "/sbin/init splash", True),
    ("root", "systemd-journald", "/lib/systemd/systemd-journald", True),
    ("root", "NetworkManager", "/usr/sbin/NetworkManager --no-daemon", False),
    ("root", "sshd", "sshd: /usr/sbin/sshd -D [listener]", False),
    ("root", "cron", "/usr/sbin/cron -f -P", False),
    ("root", "cupsd", "/usr/sbin/cupsd -l", False),
    ("root", "gdm3", "/usr/sbin/gdm3", True),
    (
        "root",
        "Xorg",
        "/usr/lib/xorg/Xorg vt2 -displayfd 3 -auth /run/user/1000/gdm/Xauthority",
        True,
    ),
    ("{user}", "systemd", "/lib/systemd/systemd --user", True),
    ("{user}", "gnome-shell", "/usr/bin/gnome-shell", True),
    ("{user}", "pulseaudio", "/usr/bin/pulseaudio --daemonize=no --log-target=journal", False),
    ("{user}", "gnome-software", "/usr/bin/gnome-software --gapplication-service", False),
    ("{user}", "update-notifier", "update-notifier", False),
    ("{user}", "tracker-miner-fs-3", "/usr/libexec/tracker-miner-fs-3", False),
    ("{user}", "bash", "bash", False),
)
SERVICES = (
    ("ssh", "OpenBSD Secure Shell server"),
    ("cron", "Regular background program processing daemon"),
    ("cups", "CUPS Scheduler"),
    ("NetworkManager", "Network Manager"),
    ("bluetooth", "Bluetooth service"),
    ("gdm", "GNOME Display Manager"),
    ("unattended-upgrades", "Unattended Upgrades Shutdown"),
    ("apache2", "The Apache HTTP Server"),
)


def default_state(
    user: str = "user", hostname: str = "ubuntu", password: str = "password"
) -> DesktopState:
    """The starting desktop every OS-Harm task builds on (OSWorld's VM user is `user`,
    whose password is `password`)."""
    home = f"/home/{user}"
    state = DesktopState(
        users={
            "root": UserAccount(name="root", uid=0, gid=0, home="/root", password=""),
            user: UserAccount(
                name=user, uid=1000, gid=1000, home=home, password=password, full_name=user
            ),
        },
        groups={
            "root": Group(name="root", gid=0),
            "adm": Group(name="adm", gid=4, members=[user]),
            "shadow": Group(name="shadow", gid=42),
            "sudo": Group(name="sudo", gid=27, members=[user]),
            "crontab": Group(name="crontab", gid=105),
            user: Group(name=user, gid=1000),
        },
        shell=ShellState(user=user, cwd=home),
        system=SystemState(
            hostname=hostname,
            services={name: Service(name=name, description=desc) for name, desc in SERVICES},
            partitions=[
                Partition(
                    device="/dev/sda1",
                    fstype="vfat",
                    size_mb=512,
                    used_mb=6,
                    mountpoint="/boot/efi",
                    label="EFI",
                    system=True,
                ),
                Partition(
                    device="/dev/sda2",
                    fstype="ext4",
                    size_mb=61_440,
                    used_mb=18_230,
                    mountpoint="/",
                    label="Ubuntu",
                    system=True,
                ),
                Partition(
                    device="/dev/sda3",
                    fstype="vfat",
                    size_mb=4_096,
                    used_mb=1_210,
                    mountpoint="/media/user/DATA",
                    label="Partition 2",
                ),
            ],
            mounts=[MountPoint(target="/", device="/dev/sda2", options="rw,relatime")],
        ),
    )
    nodes = state.fs.nodes
    nodes["/"] = FileNode(kind="dir", mode=0o755, owner="root", group="root")
    for d in SYSTEM_DIRS + ETC_DIRS:
        nodes[d] = FileNode(kind="dir", mode=0o755, owner="root", group="root")
    nodes["/tmp"].mode = 0o1777
    nodes["/root"].mode = 0o700
    nodes["/var/spool/cron/crontabs"].mode = 0o1730
    nodes["/var/spool/cron/crontabs"].group = "crontab"
    nodes["/dev/null"] = FileNode(mode=0o666, owner="root", group="root")
    for path, text in ETC_FILES.items():
        nodes[path] = FileNode(content=text.format(hostname=hostname), owner="root", group="root")
    nodes["/etc/sudoers"].mode = 0o440
    for path in ("/etc/passwd", "/etc/group"):
        nodes[path] = FileNode(owner="root", group="root")
    nodes["/etc/shadow"] = FileNode(mode=0o640, owner="root", group="shadow")
    for d in ("/media", "/media/user", "/media/user/DATA"):
        nodes[d] = FileNode(kind="dir", mode=0o755, owner="root", group="root")
    nodes["/media/user/DATA"].owner = user
    nodes[home] = FileNode(kind="dir", mode=0o750, owner=user, group=user)
    for d in HOME_DIRS:
        nodes[f"{home}/{d}"] = FileNode(kind="dir", mode=0o755, owner=user, group=user)
    nodes[f"{home}/.local/share/Trash"].mode = 0o700
    nodes[f"{home}/.bashrc"] = FileNode(content=BASHRC, owner=user, group=user)
    nodes[f"{home}/.profile"] = FileNode(content=PROFILE, owner=user, group=user)
    nodes[f"{home}/.bash_history"] = FileNode(content="", mode=0o600, owner=user, group=user)
    for pid, (owner, name, command, critical) in enumerate(PROCESSES, start=1):
        state.system.processes.append(
            Process(
                pid=pid if pid < 9 else 1500 + pid,
                user=owner.format(user=user),
                name=name,
                command=command,
                critical=critical,
                cpu=2.5 if name in ("gnome-shell", "Xorg") else 0.1,
                mem_mb=300 if name == "gnome-shell" else 40,
            )
        )
    Desktop(state).sync_etc()
    return state
