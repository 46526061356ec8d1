"""The emulated programs, registered by name; each takes a `Proc` and returns an exit code."""

from __future__ import annotations

from collections.abc import Callable

from ..interpreter import CommandFn, Proc

COMMANDS: dict[str, CommandFn] = {}


def command(*names: str) -> Callable[[CommandFn], CommandFn]:
    def register(fn: CommandFn) -> CommandFn:
        for name in names:
            COMMANDS[name] = fn
        return fn

    return register


def options(
    args: list[str], with_value: str = "", long: dict[str, str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """Splits getopt-style arguments: `-rf`, `-n 5`, `-n5`, `--name=value`, `--`.

    `with_value` lists the short options that take a value; `long` maps long names to short
    ones (or to themselves). Unknown options are kept, so lenient commands can ignore them.
    """
    long = long or {}
    flags: dict[str, str] = {}
    operands: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            operands += args[i + 1 :]
            break
        if a.startswith("--") and len(a) > 2:
            name, eq, value = a[2:].partition("=")
            key = long.get(name, name)
            if not eq and key in with_value and len(key) == 1 and i + 1 < len(args):
                value = args[i + 1]
                i += 1
            flags[key] = value if eq or key in with_value else "1"
        elif a.startswith("-") and len(a) > 1 and not a[1].isdigit():
            j = 1
            while j < len(a):
                ch = a[j]
                if ch in with_value:
                    value = a[j + 1 :]
                    if not value and i + 1 < len(args):
                        value = args[i + 1]
                        i += 1
                    flags[ch] = value
                    break
                flags[ch] = "1"
                j += 1
        else:
            operands.append(a)
        i += 1
    return flags, operands


def read_inputs(p: Proc, paths: list[str]) -> list[tuple[str, str]]:
    """(name, text) for each operand, or stdin when there is none (or for '-')."""
    if not paths:
        return [("-", p.stdin)]
    out = []
    for path in paths:
        if path == "-":
            out.append(("-", p.stdin))
            continue
        out.append((path, p.fs.read(path)))
    return out


def join_lines(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


from . import admin, apps, archive, builtins, coreutils, dev, find, net, text  # noqa: E402, F401  (registration)
