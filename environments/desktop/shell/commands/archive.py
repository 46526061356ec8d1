"""tar, zip and unzip over structured archives: an archive file holds its entries as nodes."""

from __future__ import annotations

import posixpath

from ...errors import DesktopError
from ...state import Archive, ArchiveFormat, FileNode
from ..interpreter import Proc
from . import command, options


def _pack(p: Proc, operands: list[str], fmt: ArchiveFormat) -> Archive:
    archive = Archive(format=fmt)
    for operand in operands:
        abs_path, _ = p.fs.node(operand)
        rel_root = operand.rstrip("/").lstrip("/") or posixpath.basename(abs_path)
        for q in p.fs.walk(abs_path):
            node = p.desk.state.fs.nodes[q]
            if node.kind == "file" and not p.fs.can(node, 4):
                raise DesktopError(f"{q}: Cannot open: Permission denied")
            if node.kind == "file":
                p.fs.note_read(q)
            rel = rel_root + q[len(abs_path) :]
            archive.entries[rel] = node.model_copy(deep=True)
    return archive


def _unpack(p: Proc, archive: Archive, dest: str, overwrite: bool = True) -> list[str]:
    written = []
    base = p.fs.resolve(dest)
    for rel, node in sorted(archive.entries.items()):
        target = posixpath.join(base, rel.lstrip("/"))
        target = p.fs.resolve(target)
        if node.kind == "dir":
            p.fs.mkdir(target, parents=True)
        else:
            if not overwrite and target in p.desk.state.fs.nodes:
                continue
            p.fs.mkdir(posixpath.dirname(target), parents=True)
            p.fs.write(
                target,
                node.content,
                doc=node.doc.model_copy(deep=True) if node.doc else None,
                mode=node.mode,
            )
        written.append(rel)
    return written


def _archive_of(p: Proc, path: str) -> Archive:
    _, node = p.fs.node(path)
    p.fs.read(path)
    if node.doc is None or node.doc.type != "archive":
        raise DesktopError(f"{path}: not in a recognised archive format")
    return node.doc


@command("tar")
def tar(p: Proc) -> int:
    args = list(p.args)
    if args and not args[0].startswith("-") and set(args[0]) <= set("cxtzjJvfpC"):
        args[0] = "-" + args[0]
    flags, operands = options(
        args,
        "fC",
        {
            "create": "c",
            "extract": "x",
            "list": "t",
            "file": "f",
            "gzip": "z",
            "xz": "J",
            "verbose": "v",
            "directory": "C",
            "recursive-unlink": "recursive-unlink",
        },
    )
    archive_path = flags.get("f")
    if not archive_path:
        return p.fail("Refusing to read archive contents from terminal (missing -f option?)", 2)
    if "c" in flags:
        fmt: ArchiveFormat = (
            "tar.gz"
            if "z" in flags or archive_path.endswith((".tgz", ".gz"))
            else ("tar.xz" if "J" in flags or archive_path.endswith(".xz") else "tar")
        )
        if "C" in flags:
            saved = p.shell.st.cwd
            p.shell.st.cwd = p.fs.resolve(flags["C"])
            try:
                archive = _pack(p, operands, fmt)
            finally:
                p.shell.st.cwd = saved
        else:
            archive = _pack(p, operands, fmt)
        p.fs.write(archive_path, "", doc=archive)
        if "v" in flags:
            p.out("".join(f"{rel}\n" for rel in archive.entries))
        return 0
    archive = _archive_of(p, archive_path)
    if "t" in flags:
        p.out(archive.as_text() + "\n")
        return 0
    if "x" in flags:
        written = _unpack(p, archive, flags.get("C", "."))
        if "v" in flags:
            p.out("".join(f"{rel}\n" for rel in written))
        return 0
    return p.fail("You must specify one of the '-Acdtrux' options", 2)


@command("zip")
def zip_(p: Proc) -> int:
    flags, operands = options(
        p.args, "P", {"recurse-paths": "r", "password": "P", "encrypt": "e", "quiet": "q"}
    )
    if len(operands) < 2:
        return p.fail("nothing to do!", 12)
    target, sources = operands[0], operands[1:]
    if not target.endswith(".zip"):
        target += ".zip"
    archive = _pack(p, sources, "zip")
    if "r" not in flags:
        named = {s.strip("/") for s in sources}
        archive.entries = {k: v for k, v in archive.entries.items() if k in named}
    p.fs.write(target, "", doc=archive)
    if "q" not in flags:
        p.out("".join(f"  adding: {rel} (deflated 40%)\n" for rel in archive.entries))
    return 0


@command("unzip")
def unzip(p: Proc) -> int:
    flags, operands = options(p.args, "dP", {"quiet": "q"})
    if not operands:
        return p.fail("missing archive", 10)
    archive = _archive_of(p, operands[0])
    if "l" in flags:
        p.out(archive.as_text() + "\n")
        return 0
    written = _unpack(p, archive, flags.get("d", "."), overwrite="n" not in flags)
    if "q" not in flags:
        p.out(f"Archive:  {operands[0]}\n" + "".join(f"  inflating: {rel}\n" for rel in written))
    return 0


def make_archive(entries: dict[str, str | FileNode], fmt: ArchiveFormat = "zip") -> Archive:
    """Builds an archive from relative path -> text (or node), e.g. for task fixtures."""
    archive = Archive(format=fmt)
    for rel, value in entries.items():
        parts = rel.strip("/").split("/")
        for i in range(1, len(parts)):
            archive.entries.setdefault("/".join(parts[:i]), FileNode(kind="dir", mode=0o755))
        archive.entries[rel.strip("/")] = (
            value if isinstance(value, FileNode) else FileNode(content=value)
        )
    return archive
