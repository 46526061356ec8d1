"""find: name/type/size/perm/user/depth tests joined by AND (with `!`), plus -delete and -exec."""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Callable

from ...errors import DesktopError
from ...state import FileNode
from ..interpreter import Proc
from . import command

Test = Callable[[str, str, FileNode], bool]
"""(shown path, absolute path, node) -> matches."""

IGNORED = {"-o", "-or", "-a", "-and", "(", ")", "-xdev", "-L", "-P", "-follow", "-depth", "-prune"}
IGNORED_WITH_VALUE = {"-mtime", "-mmin", "-newer", "-ctime", "-atime"}


def _name(pattern: str, fold: bool) -> Test:
    pattern = pattern.lower() if fold else pattern

    def test(path: str, _abs: str, node: FileNode) -> bool:
        name = posixpath.basename(path)
        return fnmatch.fnmatchcase(name.lower() if fold else name, pattern)

    return test


def _size(spec: str) -> Test:
    units = {"c": 1, "k": 1024, "M": 1024**2, "G": 1024**3}
    sign, body = (spec[0], spec[1:]) if spec[:1] in ("+", "-") else ("", spec)
    factor = units.get(body[-1:], 512)
    n = int(body.rstrip("ckMG") or 0) * factor
    compare = {"+": int.__gt__, "-": int.__lt__, "": int.__eq__}[sign]
    return lambda _path, _abs, node: compare(node.size(), n)


def _perm(spec: str) -> Test:
    bits = int(spec.lstrip("-/"), 8)
    if spec.startswith("-"):
        return lambda _path, _abs, node: node.mode & bits == bits
    if spec.startswith("/"):
        return lambda _path, _abs, node: bool(node.mode & bits)
    return lambda _path, _abs, node: node.mode & 0o7777 == bits


def _value_test(name: str, value: str) -> Test | None:
    if name in ("-name", "-iname"):
        return _name(value, fold=name == "-iname")
    if name in ("-path", "-wholename"):
        return lambda path, _abs, _node: fnmatch.fnmatchcase(path, value)
    if name == "-type":
        return lambda _path, _abs, node: (node.kind == "dir") == (value == "d")
    if name == "-size":
        return _size(value)
    if name == "-perm":
        return _perm(value)
    if name == "-user":
        return lambda _path, _abs, node: node.owner == value
    if name == "-group":
        return lambda _path, _abs, node: node.group == value
    return None


def _empty(p: Proc) -> Test:
    def test(_path: str, abs_path: str, node: FileNode) -> bool:
        return node.size() == 0 if node.kind == "file" else not p.fs.children(abs_path)

    return test


def _negated(test: Test) -> Test:
    return lambda path, abs_path, node: not test(path, abs_path, node)


@command("find")
def find(p: Proc) -> int:
    args = list(p.args)
    roots = []
    while args and not args[0].startswith(("-", "!", "(")):
        roots.append(args.pop(0))
    tests: list[Test] = []
    actions: list[tuple[str, list[str]]] = []
    max_depth, min_depth = 10**6, 0
    negate = False
    i = 0
    while i < len(args):
        a = args[i]
        value = args[i + 1] if i + 1 < len(args) else ""
        test = _value_test(a, value)
        if test is not None:
            tests.append(_negated(test) if negate else test)
            negate = False
            i += 2
            continue
        i += 1
        if a in ("!", "-not"):
            negate = True
        elif a == "-empty":
            tests.append(_negated(_empty(p)) if negate else _empty(p))
            negate = False
        elif a == "-maxdepth":
            max_depth, i = int(value), i + 1
        elif a == "-mindepth":
            min_depth, i = int(value), i + 1
        elif a in IGNORED_WITH_VALUE:
            i += 1
        elif a in ("-print", "-print0", "-ls", "-delete"):
            actions.append((a, []))
        elif a in ("-exec", "-execdir", "-ok"):
            end = i
            while end < len(args) and args[end] not in (";", "+"):
                end += 1
            batch = end < len(args) and args[end] == "+"
            actions.append(("-exec+" if batch else "-exec", args[i:end]))
            i = end + 1
        elif a not in IGNORED:
            return p.fail(f"unknown predicate `{a}'")
    code, matches = _walk(p, roots or ["."], tests, min_depth, max_depth)
    for action, template in actions or [("-print", [])]:
        code = _apply(p, action, template, matches) or code
    return code


def _walk(
    p: Proc, roots: list[str], tests: list[Test], min_depth: int, max_depth: int
) -> tuple[int, list[tuple[str, str]]]:
    """(exit code, [(shown path, absolute path)]) of the nodes under `roots` passing `tests`."""
    code = 0
    matches: list[tuple[str, str]] = []
    nodes = p.desk.state.fs.nodes
    for root in roots:
        try:
            abs_root, _ = p.fs.node(root)
        except DesktopError as ex:
            p.err(f"find: {ex}")
            code = 1
            continue
        base = 0 if abs_root == "/" else abs_root.count("/")
        for q in p.fs.walk(abs_root):
            depth = 0 if q == abs_root else q.count("/") - base
            if not min_depth <= depth <= max_depth:
                continue
            parent = nodes.get(posixpath.dirname(q))
            if q != abs_root and parent is not None and not p.fs.can(parent, 4):
                continue
            suffix = q[len(abs_root) :] if abs_root != "/" else q
            shown = root if q == abs_root else root.rstrip("/") + (suffix if abs_root != "/" else q)
            if all(t(shown, q, nodes[q]) for t in tests):
                matches.append((shown, q))
    return code, matches


def _apply(p: Proc, action: str, template: list[str], matches: list[tuple[str, str]]) -> int:
    if action in ("-print", "-ls"):
        p.out("".join(f"{shown}\n" for shown, _ in matches))
        return 0
    if action == "-print0":
        p.out("".join(f"{shown}\0" for shown, _ in matches))
        return 0
    if action == "-delete":
        code = 0
        # children first (-delete implies -depth); a folder goes once it is empty
        for shown, q in reversed(matches):
            node = p.desk.state.fs.nodes.get(q)
            if node is not None:
                try:
                    if node.kind == "dir":
                        p.fs.remove_empty_dir(q)
                    else:
                        p.fs.delete(q, recursive=False)
                except DesktopError as ex:
                    p.err(f"find: cannot delete '{shown}': {str(ex).rsplit(': ', 1)[-1]}")
                    code = 1
        return code
    if action == "-exec+":
        if not matches:
            return 0
        argv = [s for t in template for s in ([m for m, _ in matches] if t == "{}" else [t])]
        chunks, c = p.shell.run_argv(argv, "", p.user)
        p.chunks += chunks
        return c
    code = 0
    for shown, _ in matches:
        argv = [t.replace("{}", shown) for t in template]
        if argv:
            chunks, c = p.shell.run_argv(argv, "", p.user)
            p.chunks += chunks
            code = code or (1 if c else 0)
    return code
