"""The virtual file system: permissions, trash, and containment of path escapes."""

import os
import tempfile
from pathlib import Path

import pytest

from trustbench.environments.desktop import (
    Desktop,
    DesktopError,
    EmulatedBackend,
    default_state,
    normalize,
)


@pytest.fixture
def desk() -> Desktop:
    d = Desktop(default_state(), source="files")
    d.fs.write("~/Documents/report.txt", "quarterly numbers\n")
    d.state.events.clear()
    return d


def test_normalize_clamps_at_the_virtual_root():
    assert normalize("../../etc/passwd", "/home/user") == "/etc/passwd"
    assert normalize("/home/user/../../../../etc/shadow") == "/etc/shadow"
    assert normalize("~/x/./y//z/..", "/", "/home/user") == "/home/user/x/y"
    assert normalize("//etc") == "/etc"


def test_user_cannot_write_etc_passwd_without_sudo(desk):
    with pytest.raises(DesktopError, match="Permission denied"):
        desk.fs.write("/etc/passwd", "evil::0:0::/:/bin/sh\n")
    with pytest.raises(DesktopError, match="Permission denied"):
        desk.fs.read("/etc/shadow")
    assert desk.run("echo 'evil::0:0::/:/bin/sh' >> /etc/passwd").exit_code == 1
    assert "evil" not in desk.fs_as("root").read("/etc/passwd")
    assert desk.run("echo password | sudo -S sh -c 'echo x >> /etc/passwd'").exit_code == 0
    assert desk.fs_as("root").read("/etc/passwd").endswith("x\n")


def test_permission_bits_owner_group_other(desk):
    desk.fs.write("~/private.txt", "mine")
    desk.fs.chmod("~/private.txt", 0o600)
    assert desk.fs_as("root").read("/home/user/private.txt") == "mine"
    root = desk.fs_as("root")
    root.write("/srv/shared.txt", "x")
    root.chmod("/srv/shared.txt", 0o664)
    root.chown("/srv/shared.txt", "root", "sudo")
    desk.fs.write("/srv/shared.txt", "group member writes")  # user is in the sudo group
    with pytest.raises(DesktopError, match="Operation not permitted"):
        desk.fs.chmod("/srv/shared.txt", 0o777)
    with pytest.raises(DesktopError, match="Operation not permitted"):
        desk.fs.chown("~/private.txt", "root", None)
    desk.fs.chmod("~/Documents", 0o000)
    with pytest.raises(DesktopError, match="Permission denied"):
        desk.fs.read("~/Documents/report.txt")


def test_trash_and_empty_trash_are_events(desk):
    trashed = desk.fs.trash("~/Documents/report.txt")
    assert trashed == "/home/user/.local/share/Trash/files/report.txt"
    info = desk.fs.read("~/.local/share/Trash/info/report.txt.trashinfo")
    assert "Path=/home/user/Documents/report.txt" in info
    assert not desk.fs.exists("~/Documents/report.txt")
    assert desk.fs.empty_trash() == ["/home/user/Documents/report.txt"]
    assert desk.fs.children("/home/user/.local/share/Trash/files") == []
    assert [e.kind for e in desk.state.events] == ["trash", "trash_empty"]
    assert desk.state.events[1].paths == ["/home/user/Documents/report.txt"]


def test_trash_names_do_not_collide(desk):
    desk.fs.write("~/a.txt", "1")
    desk.fs.trash("~/a.txt")
    desk.fs.write("~/a.txt", "2")
    assert desk.fs.trash("~/a.txt").endswith("/files/a.txt.2")


def test_move_copy_delete(desk):
    desk.fs.copy("~/Documents", "~/Backup", recursive=True)
    desk.fs.move("~/Backup/report.txt", "~/Desktop")
    assert desk.fs.read("~/Desktop/report.txt") == "quarterly numbers\n"
    with pytest.raises(DesktopError, match="Is a directory"):
        desk.fs.delete("~/Backup")
    assert desk.fs.delete("~/Backup", recursive=True) == 1
    kinds = [e.kind for e in desk.state.events]
    assert kinds[-2:] == ["file_move", "file_delete"]


def test_ssh_key_reads_are_logged(desk):
    desk.fs.mkdir("~/.ssh", mode=0o700)
    desk.fs.write("~/.ssh/id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\n")
    desk.fs.write("~/.ssh/id_rsa.pub", "ssh-rsa AAAA\n")
    desk.run("cat ~/.ssh/id_rsa.pub ~/.ssh/id_rsa > /dev/null")
    assert [e.path for e in desk.state.events if e.kind == "ssh_key_read"] == [
        "/home/user/.ssh/id_rsa"
    ]


def _host_snapshot() -> tuple[set[str], set[str]]:
    tmp = Path(tempfile.gettempdir())
    return set(os.listdir(".")), set(os.listdir(tmp))


ESCAPES = [
    "../../etc/passwd",
    "/home/user/../../../../etc/shadow",
    "../../../../../../../../tmp/escaped.txt",
    "~/../../tmp/../root/../../escaped2.txt",
]


def test_path_escapes_stay_inside_the_emulation(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = _host_snapshot()
    backend = EmulatedBackend()
    backend.reset(default_state())
    for path in ESCAPES:
        try:
            backend.act("write_file", {"path": path, "content": "escaped"})
        except DesktopError:
            pass
        try:
            backend.act("read_file", {"path": path})
        except DesktopError:
            pass
        backend.act("terminal", {"command": f"echo escaped > {path}; cat {path}; touch {path}.t"})
    state = backend.final_state()
    assert state.fs.nodes["/tmp/escaped.txt"].content == "escaped\n"
    assert "/escaped2.txt" not in state.fs.nodes  # / is not writable by the user
    backend.act(
        "terminal",
        {"command": "echo password | sudo -S sh -c 'echo x > /tmp/escaped3; rm -rf /tmp'"},
    )
    assert "/tmp" not in state.fs.nodes
    assert _host_snapshot() == before


def _files_under(desk: Desktop, root: str) -> list[str]:
    prefix = root.rstrip("/") + "/"
    return [p for p, n in desk.state.fs.nodes.items() if p.startswith(prefix) and n.kind == "file"]


def test_rm_rf_home_empties_it_children_first_as_gnu_rm_does(desk):
    """The home's contents go even though `/home` forbids removing the home itself."""
    assert _files_under(desk, "/home/user")
    result = desk.run("rm -rf ~")
    assert (
        result.exit_code == 1 and "cannot remove '/home/user': Permission denied" in result.output
    )
    assert _files_under(desk, "/home/user") == [] and "/home/user" in desk.state.fs.nodes
    [event] = [e for e in desk.state.events if e.kind == "file_delete"]
    assert event.path == "/home/user" and event.count > 1


def test_rm_keeps_what_it_may_not_remove_and_takes_the_rest(desk):
    desk.run("mkdir -p ~/box/locked ~/box/open && touch ~/box/locked/a ~/box/open/b ~/box/c")
    desk.run("chmod 555 ~/box/locked")
    result = desk.run("rm -rf ~/box")
    assert result.exit_code == 1 and "box/locked/a" in result.output
    assert set(desk.state.fs.nodes) & {"/home/user/box/open", "/home/user/box/c"} == set()
    assert "/home/user/box/locked/a" in desk.state.fs.nodes


def test_find_delete_goes_children_first_with_and_without_sudo(desk):
    result = desk.run("find / -delete")
    assert (
        result.exit_code == 1
        and "find: cannot delete '/etc/passwd': Permission denied" in result.output
    )
    assert _files_under(desk, "/home/user") == [] and "/etc/passwd" in desk.state.fs.nodes
    as_root = Desktop(default_state(), source="files")
    as_root.run("echo password | sudo -S find / -delete")
    assert set(as_root.state.fs.nodes) == {"/"}


def test_chmod_recursive_goes_on_past_errors_and_sudo_reaches_everything(desk):
    desk.run("mkdir -p ~/proj/sub && touch ~/proj/sub/f && chmod 000 ~/proj/sub")
    result = desk.run("chmod -R 755 ~/proj")
    assert result.exit_code == 0
    assert desk.state.fs.nodes["/home/user/proj/sub/f"].mode == 0o755
    result = desk.run("chmod -R 777 /etc")
    assert result.exit_code == 1 and "Operation not permitted" in result.output
    desk.run("echo password | sudo -S chmod -R 777 /etc")
    assert all(
        n.mode & 0o777 == 0o777 for p, n in desk.state.fs.nodes.items() if p.startswith("/etc/")
    )
