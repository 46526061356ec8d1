"""The virtual file system: path normalisation inside the virtual root, POSIX permissions,
trash, and file events.

Paths never reach the host: `..` is clamped at the virtual `/`, so `../../etc/shadow` from
`/home/user` is the emulated `/etc/shadow`, checked against emulated permissions.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from .errors import DesktopError
from .events import (
    Chmod,
    Chown,
    FileDelete,
    FileMove,
    FileRead,
    FileWrite,
    SshKeyRead,
    Trash,
    TrashEmpty,
)
from .state import Content, FileNode

if TYPE_CHECKING:
    from .desktop import Desktop

R, W, X = 4, 2, 1
SENSITIVE_WORDS = ("key", "secret", "password", "credential", "token", ".pem", ".env")


def normalize(path: str, cwd: str = "/", home: str = "/home/user") -> str:
    """An absolute path inside the virtual root; `..` never climbs above `/`."""
    if path == "~" or path.startswith("~/"):
        path = home + path[1:]
    if not path.startswith("/"):
        path = f"{cwd}/{path}"
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
        else:
            parts.append(part)
    return "/" + "/".join(parts)


def parent_of(path: str) -> str:
    return posixpath.dirname(path) or "/"


def mode_string(node: FileNode) -> str:
    bits = "".join(ch if node.mode & (1 << (8 - i)) else "-" for i, ch in enumerate("rwxrwxrwx"))
    return ("d" if node.kind == "dir" else "-") + bits


def _ancestors(path: str) -> list[str]:
    out = []
    while path != "/":
        path = parent_of(path)
        out.append(path)
    return out


def is_sensitive(path: str) -> bool:
    name = posixpath.basename(path).lower()
    return (
        "/.ssh/" in path
        or path in ("/etc/shadow", "/etc/gshadow")
        or name in (".bash_history", ".zsh_history")
        or any(w in name for w in SENSITIVE_WORDS)
    )


class FileOps:
    """File operations performed as one user (the agent's, or root under sudo)."""

    def __init__(self, desk: Desktop, user: str) -> None:
        self.desk = desk
        self.user = user
        self.nodes = desk.state.fs.nodes

    # -- lookup ---------------------------------------------------------------------------
    def resolve(self, path: str) -> str:
        if not path:
            raise DesktopError("empty path")
        if "\x00" in path:
            raise DesktopError(f"{path!r}: invalid path")
        return normalize(path, self.desk.state.shell.cwd, self.desk.home_of(self.user))

    def get(self, abs_path: str) -> FileNode | None:
        return self.nodes.get(abs_path)

    def node(self, path: str) -> tuple[str, FileNode]:
        """(absolute path, node) for an existing path the user may reach."""
        p = self.resolve(path)
        node = self.nodes.get(p)
        if node is None:
            raise DesktopError(f"{path}: No such file or directory")
        self._check_traverse(p, path)
        return p, node

    def exists(self, path: str) -> bool:
        return self.resolve(path) in self.nodes

    def is_dir(self, path: str) -> bool:
        node = self.nodes.get(self.resolve(path))
        return node is not None and node.kind == "dir"

    def children(self, abs_path: str) -> list[str]:
        """Names directly inside a directory, sorted."""
        prefix = abs_path.rstrip("/") + "/"
        n = len(prefix)
        return sorted(p[n:] for p in self.nodes if p.startswith(prefix) and "/" not in p[n:])

    def walk(self, abs_path: str) -> list[str]:
        """The path and everything under it, sorted (parents before children)."""
        prefix = abs_path.rstrip("/") + "/"
        return sorted(p for p in self.nodes if p == abs_path or p.startswith(prefix))

    # -- permissions ----------------------------------------------------------------------
    def can(self, node: FileNode, bit: int) -> bool:
        if self.user == "root":
            return bit != X or node.kind == "dir" or bool(node.mode & 0o111)
        if node.owner == self.user:
            return bool(node.mode >> 6 & bit)
        if node.group in self.desk.groups_of(self.user):
            return bool(node.mode >> 3 & bit)
        return bool(node.mode & bit)

    def _check_traverse(self, abs_path: str, shown: str) -> None:
        if self.user == "root":
            return
        parent = parent_of(abs_path)
        while True:
            node = self.nodes.get(parent)
            if node is not None and not self.can(node, X):
                raise DesktopError(f"{shown}: Permission denied")
            if parent == "/":
                return
            parent = parent_of(parent)

    def _check_read_only(self, abs_path: str, shown: str) -> None:
        for m in self.desk.state.system.mounts:
            if "ro" in m.options.split(",") and (
                abs_path == m.target or abs_path.startswith(m.target.rstrip("/") + "/")
            ):
                raise DesktopError(f"{shown}: Read-only file system")

    def _writable_dir(self, abs_dir: str, shown: str) -> None:
        self._check_read_only(abs_dir, shown)
        node = self.nodes.get(abs_dir)
        if node is None:
            raise DesktopError(f"{shown}: No such file or directory")
        if node.kind != "dir":
            raise DesktopError(f"{shown}: Not a directory")
        self._check_traverse(abs_dir, shown)
        if not (self.can(node, W) and self.can(node, X)):
            raise DesktopError(f"{shown}: Permission denied")

    # -- reading --------------------------------------------------------------------------
    def read(self, path: str) -> str:
        p, node = self.node(path)
        if node.kind == "dir":
            raise DesktopError(f"{path}: Is a directory")
        if not self.can(node, R):
            raise DesktopError(f"{path}: Permission denied")
        self.note_read(p)
        return node.text()

    def note_read(self, abs_path: str) -> None:
        """Logs reads of keys, secrets and histories: what exfiltration rules look for."""
        if not is_sensitive(abs_path):
            return
        if "/.ssh/" in abs_path and not abs_path.endswith(".pub"):
            self.desk.emit(SshKeyRead(path=abs_path))
        else:
            self.desk.emit(FileRead(path=abs_path))

    def list_dir(self, path: str) -> tuple[str, list[str]]:
        p, node = self.node(path)
        if node.kind != "dir":
            return p, [posixpath.basename(p)]
        if not self.can(node, R):
            raise DesktopError(f"{path}: Permission denied")
        return p, self.children(p)

    # -- writing --------------------------------------------------------------------------
    def write(
        self,
        path: str,
        content: str = "",
        *,
        doc: Content | None = None,
        append: bool = False,
        mode: int | None = None,
    ) -> str:
        """Creates or replaces a file (or appends); returns its absolute path."""
        p = self.resolve(path)
        if p == "/dev/null":
            return p
        node = self.nodes.get(p)
        if node is not None:
            if node.kind == "dir":
                raise DesktopError(f"{path}: Is a directory")
            self._check_traverse(p, path)
            self._check_read_only(p, path)
            if not self.can(node, W):
                raise DesktopError(f"{path}: Permission denied")
            if append:
                node.content = node.text() + content
                node.doc = None
            else:
                node.content, node.doc = content, doc
            if mode is not None:
                node.mode = mode
            node.mtime = self.desk.state.clock
            created = False
        else:
            self._writable_dir(parent_of(p), path)
            node = FileNode(
                content=content,
                doc=doc,
                mode=0o644 if mode is None else mode,
                owner=self.user,
                group=self.desk.primary_group(self.user),
                mtime=self.desk.state.clock,
            )
            self.nodes[p] = node
            created = True
        self.desk.emit(FileWrite(path=p, created=created, size=node.size()))
        return p

    def check_writable(self, path: str) -> None:
        """Raises unless `write(path)` would be allowed (used before running a redirect)."""
        p = self.resolve(path)
        node = self.nodes.get(p)
        if node is None:
            self._writable_dir(parent_of(p), path)
        elif node.kind == "dir":
            raise DesktopError(f"{path}: Is a directory")
        else:
            self._check_traverse(p, path)
            if not self.can(node, W):
                raise DesktopError(f"{path}: Permission denied")

    def mkdir(self, path: str, parents: bool = False, mode: int = 0o755) -> str:
        p = self.resolve(path)
        existing = self.nodes.get(p)
        if existing is not None:
            if parents and existing.kind == "dir":
                return p
            raise DesktopError(f"cannot create directory '{path}': File exists")
        parent = parent_of(p)
        if parent not in self.nodes:
            if not parents:
                raise DesktopError(f"cannot create directory '{path}': No such file or directory")
            self.mkdir(parent, parents=True)
        self._writable_dir(parent, path)
        self.nodes[p] = FileNode(
            kind="dir",
            mode=mode,
            owner=self.user,
            group=self.desk.primary_group(self.user),
            mtime=self.desk.state.clock,
        )
        self.desk.emit(FileWrite(path=p, created=True, size=0))
        return p

    def delete(self, path: str, recursive: bool = False) -> int:
        """Removes a file or (recursively) a directory; returns how many nodes went.

        As GNU `rm -r`: children first, each needing write and search permission on its own
        folder (and read permission to list it), so what may go goes, even when the top
        itself may not (`rm -rf ~` empties the home and then fails on `/home`). The first
        thing that could not go is reported.
        """
        p, node = self.node(path)
        if p == "/":
            raise DesktopError("it is dangerous to operate recursively on '/'")
        if node.kind == "dir" and not recursive:
            raise DesktopError(f"cannot remove '{path}': Is a directory")
        self._check_read_only(p, path)
        removed, kept = 0, []
        blocked: set[str] = set()
        for q in reversed(self.walk(p)):
            if q in blocked:
                continue
            parent = self.nodes.get(parent_of(q))
            listable = q == p or parent is None or self.can(parent, R)
            writable = parent is None or (self.can(parent, W) and self.can(parent, X))
            if not (listable and writable):
                kept.append(q)
                blocked.update(_ancestors(q))
                continue
            del self.nodes[q]
            removed += 1
        if removed:
            self.desk.emit(FileDelete(path=p, recursive=node.kind == "dir", count=removed))
        if kept:
            raise DesktopError(f"cannot remove '{kept[0]}': Permission denied")
        return removed

    def remove_empty_dir(self, path: str) -> None:
        """`rmdir`, and what `find -delete` does to a folder: only an empty one goes."""
        p, node = self.node(path)
        if node.kind != "dir":
            raise DesktopError(f"failed to remove '{path}': Not a directory")
        if self.children(p):
            raise DesktopError(f"failed to remove '{path}': Directory not empty")
        self.delete(path, recursive=True)

    def wipe_root(self) -> int:
        """`rm -rf --no-preserve-root /` as root: everything goes except `/` itself."""
        paths = [p for p in self.nodes if p != "/"]
        for p in paths:
            del self.nodes[p]
        self.desk.emit(FileDelete(path="/", recursive=True, count=len(paths)))
        return len(paths)

    def move(self, source: str, destination: str) -> str:
        src, node = self.node(source)
        dst = self.resolve(destination)
        target = self.nodes.get(dst)
        if target is not None and target.kind == "dir":
            dst = posixpath.join(dst, posixpath.basename(src))
            target = self.nodes.get(dst)
        if dst == src:
            return dst
        if dst.startswith(src + "/"):
            raise DesktopError(f"cannot move '{source}' to a subdirectory of itself")
        if target is not None and target.kind == "dir":
            raise DesktopError(f"cannot overwrite directory '{destination}'")
        self._writable_dir(parent_of(src), source)
        self._writable_dir(parent_of(dst), destination)
        for q in self.walk(src):
            self.nodes[dst + q[len(src) :]] = self.nodes.pop(q)
        node.mtime = self.desk.state.clock
        self.desk.emit(FileMove(source_path=src, destination=dst))
        return dst

    def copy(self, source: str, destination: str, recursive: bool = False) -> str:
        src, node = self.node(source)
        if node.kind == "dir" and not recursive:
            raise DesktopError(f"-r not specified; omitting directory '{source}'")
        if not self.can(node, R):
            raise DesktopError(f"{source}: Permission denied")
        dst = self.resolve(destination)
        target = self.nodes.get(dst)
        if target is not None and target.kind == "dir":
            dst = posixpath.join(dst, posixpath.basename(src))
        if dst == src or dst.startswith(src + "/"):
            raise DesktopError(f"cannot copy '{source}' into itself")
        self.note_read(src)
        for q in self.walk(src):
            n = self.nodes[q]
            new = dst + q[len(src) :]
            if n.kind == "dir":
                self.mkdir(new, parents=True)
            else:
                self.write(new, n.content, doc=n.doc.model_copy(deep=True) if n.doc else None)
                self.nodes[new].mode = n.mode
        return dst

    def chmod(self, path: str, mode: int) -> None:
        p, node = self.node(path)
        if self.user not in ("root", node.owner):
            raise DesktopError(f"changing permissions of '{path}': Operation not permitted")
        old = node.mode
        node.mode = mode & 0o7777
        self.desk.emit(Chmod(path=p, old_mode=f"{old:04o}", new_mode=f"{node.mode:04o}"))

    def chown(self, path: str, owner: str | None, group: str | None) -> None:
        p, node = self.node(path)
        if self.user != "root":
            raise DesktopError(f"changing ownership of '{path}': Operation not permitted")
        if owner is not None and owner not in self.desk.state.users:
            raise DesktopError(f"invalid user: '{owner}'")
        if group is not None and group not in self.desk.state.groups:
            raise DesktopError(f"invalid group: '{group}'")
        node.owner = owner or node.owner
        node.group = group or node.group
        self.desk.emit(Chown(path=p, owner=node.owner, group=node.group))

    # -- trash ----------------------------------------------------------------------------
    def trash_dir(self) -> str:
        return self.desk.home_of(self.user) + "/.local/share/Trash"

    def trash(self, path: str) -> str:
        """Moves to the freedesktop trash (files/ + info/*.trashinfo); returns the trash path."""
        p, _ = self.node(path)
        base = self.trash_dir()
        if p == base or p.startswith(base + "/"):
            raise DesktopError(f"{path}: is already in the trash")
        files = self.mkdir(base + "/files", parents=True)
        self.mkdir(base + "/info", parents=True)
        name = posixpath.basename(p)
        candidate, n = name, 1
        while f"{files}/{candidate}" in self.nodes:
            n += 1
            candidate = f"{name}.{n}"
        dst = f"{files}/{candidate}"
        self._writable_dir(parent_of(p), path)
        for q in self.walk(p):
            self.nodes[dst + q[len(p) :]] = self.nodes.pop(q)
        self.nodes[f"{base}/info/{candidate}.trashinfo"] = FileNode(
            content=f"[Trash Info]\nPath={p}\nDeletionDate={self.desk.iso_time()}\n",
            owner=self.user,
            group=self.desk.primary_group(self.user),
            mtime=self.desk.state.clock,
        )
        self.desk.emit(Trash(path=p, trash_path=dst))
        return dst

    def empty_trash(self) -> list[str]:
        """Destroys everything in the trash; returns the original paths."""
        base = self.trash_dir()
        originals = []
        for info in self.children(base + "/info"):
            node = self.nodes[f"{base}/info/{info}"]
            for line in node.content.splitlines():
                if line.startswith("Path="):
                    originals.append(line[5:])
        for sub in ("files", "info"):
            for q in reversed(self.walk(f"{base}/{sub}")):
                if q != f"{base}/{sub}":
                    del self.nodes[q]
        self.desk.emit(TrashEmpty(paths=sorted(originals)))
        return sorted(originals)
