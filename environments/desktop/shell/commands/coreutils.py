"""File and identity coreutils over the virtual file system."""

from __future__ import annotations

import hashlib
import posixpath
import time

from ...errors import DesktopError
from ...fs import mode_string
from ...state import START_TIME, FileNode
from ..interpreter import Proc
from . import command, options, read_inputs

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _mtime(node: FileNode) -> str:
    t = time.gmtime(START_TIME + node.mtime)
    return f"{MONTHS[t.tm_mon - 1]} {t.tm_mday:2d} {t.tm_hour:02d}:{t.tm_min:02d}"


def _human(size: int) -> str:
    scaled: float = size
    for unit in ("", "K", "M", "G"):
        if scaled < 1024:
            return f"{size}" if unit == "" else f"{scaled:.1f}{unit}".replace(".0", "")
        scaled /= 1024
    return f"{scaled:.1f}T".replace(".0", "")


def _long(p: Proc, name: str, node: FileNode, human: bool) -> str:
    size = node.size()
    shown = _human(size) if human else str(size)
    return f"{mode_string(node)} 1 {node.owner} {node.group} {shown:>6} {_mtime(node)} {name}"


@command("ls", "dir", "ll")
def ls(p: Proc) -> int:
    flags, paths = options(
        p.args,
        "",
        {"all": "a", "almost-all": "A", "human-readable": "h", "recursive": "R", "directory": "d"},
    )
    if p.name == "ll":
        flags.update(l="1", a="1")
    show_all = "a" in flags or "A" in flags
    long = "l" in flags or "g" in flags or "n" in flags
    code = 0
    targets = paths or ["."]
    blocks: list[str] = []
    for target in targets:
        try:
            abs_path, node = p.fs.node(target)
        except DesktopError as ex:
            p.err(f"ls: cannot access {ex}")
            code = 2
            continue
        if node.kind == "file" or "d" in flags:
            blocks.append(_long(p, target, node, "h" in flags) if long else target)
            continue
        dirs = p.fs.walk(abs_path) if "R" in flags else [abs_path]
        for d in dirs:
            dnode = p.desk.state.fs.nodes[d]
            if dnode.kind != "dir":
                continue
            if d != abs_path and not show_all and "/." in d[len(abs_path) :]:
                continue
            try:
                _, names = p.fs.list_dir(d)
            except DesktopError as ex:
                p.err(f"ls: cannot open directory {ex}")
                code = 2
                continue
            if not show_all:
                names = [n for n in names if not n.startswith(".")]
            elif "a" in flags:
                names = [".", "..", *names]
            lines = []
            if len(targets) > 1 or "R" in flags:
                shown = target if d == abs_path else target.rstrip("/") + d[len(abs_path) :]
                lines.append(f"{shown}:")
            if long:
                total = sum(
                    p.desk.state.fs.nodes.get(posixpath.join(d, n), dnode).size() for n in names
                )
                lines.append(f"total {max(1, total // 1024)}")
            for n in names:
                child = dnode if n in (".", "..") else p.desk.state.fs.nodes[posixpath.join(d, n)]
                lines.append(_long(p, n, child, "h" in flags) if long else n)
            blocks.append("\n".join(lines))
    if blocks:
        p.out("\n".join(blocks) + "\n")
    return code


@command("cat", "less", "more", "zcat", "bat")
def cat(p: Proc) -> int:
    flags, paths = options(p.args)
    code = 0
    for path in paths or ["-"]:
        try:
            text = p.stdin if path == "-" else p.fs.read(path)
        except DesktopError as ex:
            p.err(f"{p.name}: {ex}")
            code = 1
            continue
        if "n" in flags:
            text = "".join(f"{i:6d}\t{line}\n" for i, line in enumerate(text.splitlines(), 1))
        p.out(text)
    return code


@command("tac")
def tac(p: Proc) -> int:
    for _, text in read_inputs(p, p.args):
        p.out("".join(f"{line}\n" for line in reversed(text.splitlines())))
    return 0


@command("mkdir")
def mkdir(p: Proc) -> int:
    flags, paths = options(p.args, "m", {"parents": "p", "mode": "m"})
    if not paths:
        return p.fail("missing operand")
    code = 0
    for path in paths:
        try:
            p.fs.mkdir(
                path, parents="p" in flags, mode=int(flags["m"], 8) if "m" in flags else 0o755
            )
        except DesktopError as ex:
            p.err(f"mkdir: {ex}")
            code = 1
    return code


@command("rmdir")
def rmdir(p: Proc) -> int:
    code = 0
    for path in options(p.args)[1]:
        try:
            p.fs.remove_empty_dir(path)
        except DesktopError as ex:
            p.err(f"rmdir: {ex}")
            code = 1
    return code


@command("rm", "unlink")
def rm(p: Proc) -> int:
    flags, paths = options(
        p.args,
        "",
        {
            "recursive": "r",
            "force": "f",
            "no-preserve-root": "no-preserve-root",
            "interactive": "i",
            "verbose": "v",
        },
    )
    recursive = "r" in flags or "R" in flags
    if not paths:
        return 0 if "f" in flags else p.fail("missing operand")
    code = 0
    for path in paths:
        try:
            abs_path = p.fs.resolve(path)
            if abs_path == "/" and recursive:
                if "no-preserve-root" not in flags:
                    p.err(
                        "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe"
                    )
                    code = 1
                    continue
                if p.user == "root":
                    p.fs.wipe_root()
                    continue
                for top in p.fs.children("/"):
                    try:
                        p.fs.delete("/" + top, recursive=True)
                    except DesktopError as ex:
                        p.err(f"rm: {ex}")
                code = 1
                continue
            if abs_path not in p.desk.state.fs.nodes and "f" in flags:
                continue
            p.fs.delete(path, recursive=recursive)
            if "v" in flags:
                p.out(f"removed '{path}'\n")
        except DesktopError as ex:
            p.err(f"rm: cannot remove {ex}" if "No such" in str(ex) else f"rm: {ex}")
            code = 1
    return code


def _copy_move(p: Proc, move: bool) -> int:
    flags, paths = options(p.args, "t", {"recursive": "r", "force": "f", "target-directory": "t"})
    if "t" in flags:
        paths.append(flags["t"])
    if len(paths) < 2:
        return p.fail("missing destination file operand")
    *sources, dest = paths
    if len(sources) > 1 and not p.fs.is_dir(dest):
        return p.fail(f"target '{dest}' is not a directory")
    code = 0
    for source in sources:
        try:
            if move:
                p.fs.move(source, dest)
            else:
                p.fs.copy(source, dest, recursive="r" in flags or "R" in flags or "a" in flags)
        except DesktopError as ex:
            p.err(f"{p.name}: {ex}")
            code = 1
    return code


@command("cp")
def cp(p: Proc) -> int:
    return _copy_move(p, move=False)


@command("mv")
def mv(p: Proc) -> int:
    return _copy_move(p, move=True)


@command("touch")
def touch(p: Proc) -> int:
    _, paths = options(p.args, "dtr")
    code = 0
    for path in paths:
        try:
            abs_path = p.fs.resolve(path)
            node = p.desk.state.fs.nodes.get(abs_path)
            if node is None:
                p.fs.write(path, "")
            else:
                p.fs.check_writable(path)
                node.mtime = p.desk.state.clock
        except DesktopError as ex:
            p.err(f"touch: cannot touch {ex}")
            code = 1
    return code


def parse_mode(spec: str, current: int, is_dir: bool) -> int:
    """Octal (`755`) or symbolic (`u+x,go-w`, `a=r`, `+X`) chmod modes."""
    if spec.isdigit():
        return int(spec, 8)
    mode = current
    for clause in spec.split(","):
        i = 0
        who = ""
        while i < len(clause) and clause[i] in "ugoa":
            who += clause[i]
            i += 1
        if i >= len(clause) or clause[i] not in "+-=":
            raise DesktopError(f"invalid mode: '{spec}'")
        op, perms = clause[i], clause[i + 1 :]
        who = who or "a"
        bits = 0
        for ch in perms:
            if ch not in "rwxXst":
                raise DesktopError(f"invalid mode: '{spec}'")
            if ch == "X" and not (is_dir or current & 0o111):
                continue
            bits |= {"r": 4, "w": 2, "x": 1, "X": 1}.get(ch, 0)
        mask = 0
        for w in "ugo" if "a" in who else who:
            shift = {"u": 6, "g": 3, "o": 0}[w]
            mask |= bits << shift
            if op == "=":
                mode &= ~(7 << shift)
        mode = mode & ~mask if op == "-" else mode | mask
    return mode


@command("chmod")
def chmod(p: Proc) -> int:
    flags, rest = options([a for a in p.args if not _looks_like_mode(a)], "", {"recursive": "R"})
    modes = [a for a in p.args if _looks_like_mode(a)]
    if not modes or not rest:
        return p.fail("missing operand")
    code = 0
    for path in rest:
        try:
            abs_path, _ = p.fs.node(path)
        except DesktopError as ex:
            p.err(f"chmod: cannot access {ex}")
            code = 1
            continue
        # as GNU chmod -R: a folder before its contents, each error reported and skipped
        for t in p.fs.walk(abs_path) if "R" in flags else [abs_path]:
            node = p.desk.state.fs.nodes.get(t)
            if node is None:
                continue
            try:
                p.fs.chmod(t, parse_mode(modes[0], node.mode, node.kind == "dir"))
            except DesktopError as ex:
                p.err(f"chmod: {ex}")
                code = 1
    return code


def _looks_like_mode(arg: str) -> bool:
    return (arg.isdigit() and len(arg) <= 4) or (
        bool(arg)
        and arg[0] in "ugoa+-="
        and all(c in "ugoa+-=rwxXst," for c in arg)
        and any(c in "+-=" for c in arg)
        and len(arg) > 1
    )


@command("chown", "chgrp")
def chown(p: Proc) -> int:
    flags, operands = options(p.args, "", {"recursive": "R"})
    if len(operands) < 2:
        return p.fail("missing operand")
    spec, paths = operands[0], operands[1:]
    owner: str | None
    group: str | None
    if p.name == "chgrp":
        owner, group = None, spec
    else:
        owner_s, _, group_s = spec.replace(".", ":").partition(":")
        owner, group = owner_s or None, group_s or None
    code = 0
    for path in paths:
        try:
            abs_path, _ = p.fs.node(path)
            for t in p.fs.walk(abs_path) if "R" in flags else [abs_path]:
                p.fs.chown(t, owner, group)
        except DesktopError as ex:
            p.err(f"{p.name}: {ex}")
            code = 1
    return code


@command("stat")
def stat(p: Proc) -> int:
    flags, paths = options(p.args, "c", {"format": "c"})
    code = 0
    for path in paths:
        try:
            abs_path, node = p.fs.node(path)
        except DesktopError as ex:
            p.err(f"stat: cannot statx {ex}")
            code = 1
            continue
        if "c" in flags:
            fmt = flags["c"]
            values = {
                "%n": path,
                "%a": f"{node.mode:o}",
                "%A": mode_string(node),
                "%U": node.owner,
                "%G": node.group,
                "%s": str(node.size()),
                "%F": "directory" if node.kind == "dir" else "regular file",
            }
            for k, v in values.items():
                fmt = fmt.replace(k, v)
            p.out(fmt + "\n")
            continue
        uid = p.desk.state.users[node.owner].uid if node.owner in p.desk.state.users else 0
        gid = p.desk.state.groups[node.group].gid if node.group in p.desk.state.groups else 0
        p.out(
            f"  File: {path}\n  Size: {node.size():<10} Blocks: 8          IO Block: 4096   "
            f"{'directory' if node.kind == 'dir' else 'regular file'}\n"
            f"Access: (0{node.mode:o}/{mode_string(node)})  Uid: ({uid:5d}/{node.owner:>8})   Gid: ({gid:5d}/{node.group:>8})\n"
            f"Modify: {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(p.desk.now() - p.desk.state.clock + node.mtime))}.000000000 +0000\n"
        )
    return code


@command("du")
def du(p: Proc) -> int:
    flags, paths = options(p.args, "d", {"summarize": "s", "human-readable": "h", "max-depth": "d"})
    code = 0
    for path in paths or ["."]:
        try:
            abs_path, _ = p.fs.node(path)
        except DesktopError as ex:
            p.err(f"du: cannot access {ex}")
            code = 1
            continue
        nodes = p.desk.state.fs.nodes
        entries = (
            [abs_path]
            if "s" in flags
            else [q for q in p.fs.walk(abs_path) if nodes[q].kind == "dir"]
        )
        lines = []
        for d in reversed(entries):
            total = sum(nodes[q].size() for q in p.fs.walk(d))
            kb = max(4, (total + 1023) // 1024)
            shown = path if d == abs_path else path.rstrip("/") + d[len(abs_path) :]
            lines.append(f"{_human(kb * 1024) if 'h' in flags else kb}\t{shown}")
        p.out("\n".join(lines) + "\n")
    return code


@command("df")
def df(p: Proc) -> int:
    flags, _ = options(p.args, "", {"human-readable": "h"})
    human = "h" in flags
    rows = [("Filesystem", "Size" if human else "1K-blocks", "Used", "Avail", "Use%", "Mounted on")]
    for part in p.desk.state.system.partitions:
        if not part.mountpoint:
            continue
        size, used = part.size_mb, part.used_mb
        fmt = (lambda mb: _human(mb * 1024 * 1024)) if human else (lambda mb: str(mb * 1024))
        pct = f"{(100 * used // size) if size else 0}%"
        rows.append((part.device, fmt(size), fmt(used), fmt(size - used), pct, part.mountpoint))
    rows.append(
        (
            "tmpfs",
            "1.6G" if human else "1634304",
            "2.1M" if human else "2148",
            "1.6G" if human else "1632156",
            "1%",
            "/run",
        )
    )
    widths = [max(len(r[i]) for r in rows) for i in range(6)]
    p.out(
        "\n".join(
            " ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
        )
        + "\n"
    )
    return 0


@command("whoami")
def whoami(p: Proc) -> int:
    p.out(p.user + "\n")
    return 0


@command("id")
def id_(p: Proc) -> int:
    name = p.args[-1] if p.args and not p.args[-1].startswith("-") else p.user
    account = p.desk.state.users.get(name)
    if account is None:
        return p.fail(f"'{name}': no such user")
    groups = p.desk.groups_of(name)
    if "-u" in p.args:
        p.out(f"{account.uid}\n" if "-n" not in p.args else f"{name}\n")
        return 0
    if "-G" in p.args or "-Gn" in p.args:
        p.out(" ".join(groups) + "\n")
        return 0
    gl = ",".join(f"{p.desk.state.groups[g].gid}({g})" for g in groups if g in p.desk.state.groups)
    p.out(
        f"uid={account.uid}({name}) gid={account.gid}({p.desk.primary_group(name)}) groups={gl}\n"
    )
    return 0


@command("groups")
def groups(p: Proc) -> int:
    name = p.args[0] if p.args else p.user
    if name not in p.desk.state.users:
        return p.fail(f"'{name}': no such user")
    p.out((f"{name} : " if p.args else "") + " ".join(p.desk.groups_of(name)) + "\n")
    return 0


@command("date")
def date(p: Proc) -> int:
    t = time.gmtime(p.desk.now())
    fmt = next((a[1:] for a in p.args if a.startswith("+")), "%a %b %e %H:%M:%S UTC %Y")
    p.out(time.strftime(fmt, t) + "\n")
    return 0


@command("uptime")
def uptime(p: Proc) -> int:
    t = time.gmtime(p.desk.now())
    p.out(
        f" {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} up 1:02,  1 user,  load average: 0.21, 0.18, 0.12\n"
    )
    return 0


@command("uname")
def uname(p: Proc) -> int:
    parts = {
        "s": "Linux",
        "n": p.desk.state.system.hostname,
        "r": "6.8.0-45-generic",
        "m": "x86_64",
        "o": "GNU/Linux",
    }
    flags, _ = options(p.args)
    if "a" in flags:
        p.out(
            f"Linux {parts['n']} 6.8.0-45-generic #45-Ubuntu SMP PREEMPT_DYNAMIC x86_64 x86_64 x86_64 GNU/Linux\n"
        )
    else:
        p.out(" ".join(parts[k] for k in "snrmo" if k in flags) + "\n" if flags else "Linux\n")
    return 0


@command("hostname", "hostnamectl")
def hostname(p: Proc) -> int:
    p.out(p.desk.state.system.hostname + "\n")
    return 0


FILE_TYPES = {
    ".docx": "Microsoft Word 2007+",
    ".xlsx": "Microsoft Excel 2007+",
    ".pptx": "Microsoft PowerPoint 2007+",
    ".odt": "OpenDocument Text",
    ".ods": "OpenDocument Spreadsheet",
    ".odp": "OpenDocument Presentation",
    ".pdf": "PDF document, version 1.4",
    ".jpg": "JPEG image data, JFIF standard 1.01",
    ".jpeg": "JPEG image data, JFIF standard 1.01",
    ".png": "PNG image data, 8-bit/color RGBA, non-interlaced",
    ".zip": "Zip archive data, at least v2.0 to extract",
    ".gz": "gzip compressed data",
    ".xz": "XZ compressed data",
    ".tar": "POSIX tar archive (GNU)",
    ".epub": "EPUB document",
    ".mp3": "Audio file with ID3 version 2.4.0",
}


@command("file")
def file(p: Proc) -> int:
    code = 0
    for path in options(p.args)[1]:
        try:
            abs_path, node = p.fs.node(path)
        except DesktopError as ex:
            p.err(f"file: {ex}")
            code = 1
            continue
        ext = posixpath.splitext(abs_path)[1].lower()
        if node.kind == "dir":
            kind = "directory"
        elif ext in FILE_TYPES:
            kind = FILE_TYPES[ext]
        elif not node.content:
            kind = "empty"
        elif node.content.startswith("#!"):
            kind = "Bourne-Again shell script, ASCII text executable"
        elif node.content.isascii():
            kind = "ASCII text"
        else:
            kind = "Unicode text, UTF-8 text"
        p.out(f"{path}: {kind}\n")
    return code


@command("realpath", "readlink")
def realpath(p: Proc) -> int:
    for path in options(p.args)[1]:
        p.out(p.fs.resolve(path) + "\n")
    return 0


@command("ln")
def ln(p: Proc) -> int:
    operands = [a for a in p.args if not a.startswith("-")]
    target = operands[-1] if operands else ""
    return p.fail(f"failed to create link '{target}': Operation not supported")


@command("tree")
def tree(p: Proc) -> int:
    flags, paths = options(p.args, "L")
    root = paths[0] if paths else "."
    abs_path, _ = p.fs.node(root)
    depth_limit = int(flags.get("L", "0") or 0)
    lines = [root]
    dirs = files = 0
    for q in p.fs.walk(abs_path)[1:]:
        rel = q[len(abs_path) :].lstrip("/") if abs_path != "/" else q[1:]
        depth = rel.count("/")
        if ("a" not in flags and any(s.startswith(".") for s in rel.split("/"))) or (
            depth_limit and depth >= depth_limit
        ):
            continue
        node = p.desk.state.fs.nodes[q]
        dirs += node.kind == "dir"
        files += node.kind == "file"
        lines.append("    " * depth + "├── " + posixpath.basename(q))
    lines.append(f"\n{dirs} directories, {files} files")
    p.out("\n".join(lines) + "\n")
    return 0


@command("tee")
def tee(p: Proc) -> int:
    flags, paths = options(p.args, "", {"append": "a"})
    code = 0
    for path in paths:
        try:
            p.fs.write(path, p.stdin, append="a" in flags)
        except DesktopError as ex:
            p.err(f"tee: {ex}")
            code = 1
    p.out(p.stdin)
    return code


@command("md5sum", "sha256sum", "sha1sum")
def checksum(p: Proc) -> int:
    algo = {"md5sum": "md5", "sha256sum": "sha256", "sha1sum": "sha1"}[p.name]
    for name, text in read_inputs(p, options(p.args)[1]):
        p.out(f"{hashlib.new(algo, text.encode()).hexdigest()}  {name}\n")
    return 0


@command("base64")
def base64_(p: Proc) -> int:
    import base64
    import binascii

    flags, paths = options(p.args, "w", {"decode": "d"})
    for _, text in read_inputs(p, paths):
        if "d" in flags:
            try:
                p.out(base64.b64decode(text.strip()).decode(errors="replace"))
            except (binascii.Error, ValueError):
                return p.fail("invalid input")
        else:
            p.out(base64.b64encode(text.encode()).decode() + "\n")
    return 0


@command("nano", "vim", "vi", "emacs", "pico", "gedit", "ed")
def editor(p: Proc) -> int:
    # what a full-screen program says when the terminal cannot be driven interactively
    p.err("Error opening terminal: unknown.")
    return 1


@command("gio", "trash-put", "trash", "trash-empty")
def gio(p: Proc) -> int:
    """`gio trash FILE`, `gio trash --empty`, `trash-put FILE`, `trash-empty`."""
    args = p.args[1:] if p.name == "gio" else p.args
    if p.name == "gio" and p.args[:1] not in (["trash"],):
        return p.fail(f"Unknown command {' '.join(p.args[:1])}")
    if p.name == "trash-empty" or "--empty" in args:
        p.fs.empty_trash()
        return 0
    code = 0
    for path in [a for a in args if not a.startswith("-")]:
        try:
            p.fs.trash(path)
        except DesktopError as ex:
            p.err(f"{p.name}: {ex}")
            code = 1
    return code
