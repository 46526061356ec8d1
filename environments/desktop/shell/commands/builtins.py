"""Shell builtins: directory and variable handling, sudo/su, tests, and command runners."""

from __future__ import annotations

import posixpath
import re

from ...errors import DesktopError
from ...events import Sudo
from ...state import PendingPrompt
from .. import patterns
from ..interpreter import Proc, PromptNeeded, ShellExit
from . import COMMANDS, command, options


@command("cd")
def cd(p: Proc) -> int:
    st = p.shell.st
    target = p.args[0] if p.args else p.desk.home_of(p.user)
    if target == "-":
        target = st.env.get("OLDPWD", st.cwd)
    path, node = p.fs.node(target)
    if node.kind != "dir":
        return p.fail(f"{target}: Not a directory")
    if not p.fs.can(node, 1):
        return p.fail(f"{target}: Permission denied")
    st.env["OLDPWD"] = st.cwd
    st.cwd = path
    return 0


@command("pwd")
def pwd(p: Proc) -> int:
    p.out(p.shell.st.cwd + "\n")
    return 0


@command("export", "declare", "typeset", "local", "readonly")
def export(p: Proc) -> int:
    if not p.args or p.args == ["-p"]:
        p.out(
            "".join(f'declare -x {k}="{v}"\n' for k, v in sorted(p.shell.env_for(p.user).items()))
        )
        return 0
    for arg in p.args:
        if arg.startswith("-"):
            continue
        name, eq, value = arg.partition("=")
        if eq:
            p.shell.st.env[name] = value
    return 0


@command("unset")
def unset(p: Proc) -> int:
    for name in p.args:
        p.shell.st.env.pop(name, None)
    return 0


@command("exit", "logout")
def exit_(p: Proc) -> int:
    raise ShellExit(int(p.args[0]) if p.args and p.args[0].isdigit() else p.shell.st.last_exit)


@command("true", ":")
def true(p: Proc) -> int:
    return 0


@command("false")
def false(p: Proc) -> int:
    return 1


@command("echo")
def echo(p: Proc) -> int:
    args = p.args
    newline, escapes = True, False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        newline = newline and "n" not in args[0]
        escapes = "e" in args[0] or (escapes and "E" not in args[0])
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text = _escapes(text)
    p.out(text + ("\n" if newline else ""))
    return 0


def _escapes(text: str) -> str:
    return (
        text.replace("\\n", "\n").replace("\\t", "\t").replace("\\e", "\x1b").replace("\\\\", "\\")
    )


@command("printf")
def printf(p: Proc) -> int:
    if not p.args:
        return p.fail("usage: printf format [arguments]", 2)
    fmt, values = _escapes(p.args[0]), p.args[1:]
    specs = re.findall(r"%[-+ 0#]*\d*(?:\.\d+)?[sdifxXoc%]", fmt)
    n = len([s for s in specs if s != "%%"])
    out = []
    while True:
        chunk, values = (values[:n], values[n:]) if n else ([], [])
        out.append(_format(fmt, chunk))
        if not values:
            break
    p.out("".join(out))
    return 0


def _format(fmt: str, values: list[str]) -> str:
    it = iter(values)

    def sub(m: re.Match[str]) -> str:
        spec = m.group(0)
        if spec == "%%":
            return "%"
        if any(len(n) > 6 for n in re.findall(r"\d+", spec)):
            raise ValueError(f"{spec}: field width too large")
        value = next(it, "")
        conv = spec[-1]
        try:
            if conv in "dioxXc":
                return (spec[:-1] + ("d" if conv == "i" else conv)) % int(value or 0)
            if conv == "f":
                return spec % float(value or 0)
        except ValueError:
            return value
        return spec % value

    return re.sub(r"%[-+ 0#]*\d*(?:\.\d+)?[sdifxXoc%]", sub, fmt)


@command("test", "[", "[[")
def test(p: Proc) -> int:
    args = p.args
    if p.name in ("[", "[["):
        closing = "]" if p.name == "[" else "]]"
        if not args or args[-1] != closing:
            return p.fail(f"missing `{closing}'", 2)
        args = args[:-1]
    try:
        return 0 if _test(p, args) else 1
    except DesktopError as ex:
        return p.fail(str(ex), 2)


def _test(p: Proc, args: list[str]) -> bool:
    if not args:
        return False
    for op, combine in (("-o", any), ("||", any), ("-a", all), ("&&", all)):
        if op in args:
            i = args.index(op)
            return combine((_test(p, args[:i]), _test(p, args[i + 1 :])))
    if args[0] == "!":
        return not _test(p, args[1:])
    if len(args) == 1:
        return args[0] != ""
    if len(args) == 2:
        op, operand = args
        if op == "-z":
            return operand == ""
        if op == "-n":
            return operand != ""
        path = p.fs.resolve(operand)
        node = p.desk.state.fs.nodes.get(path)
        checks = {
            "-e": node is not None,
            "-f": node is not None and node.kind == "file",
            "-d": node is not None and node.kind == "dir",
            "-s": node is not None and node.size() > 0,
            "-r": node is not None and p.fs.can(node, 4),
            "-w": node is not None and p.fs.can(node, 2),
            "-x": node is not None and p.fs.can(node, 1),
            "-L": False,
            "-h": False,
        }
        if op in checks:
            return checks[op]
        raise DesktopError(f"{op}: unary operator expected")
    if len(args) == 3:
        left, op, right = args
        if op in ("=", "=="):
            return left == right
        if op == "!=":
            return left != right
        if op == "=~":
            try:
                return patterns.search(right, left) is not None
            except patterns.error as ex:
                raise DesktopError(f"invalid regular expression: {ex}") from ex
        numeric = {
            "-eq": "__eq__",
            "-ne": "__ne__",
            "-lt": "__lt__",
            "-le": "__le__",
            "-gt": "__gt__",
            "-ge": "__ge__",
        }
        if op in numeric:
            try:
                return bool(getattr(int(left), numeric[op])(int(right)))
            except ValueError as ex:
                raise DesktopError(f"{left}: integer expression expected") from ex
    raise DesktopError("too many arguments")


@command("source", ".")
def source(p: Proc) -> int:
    if not p.args:
        return p.fail("filename argument required", 2)
    path, _ = p.fs.node(p.args[0])
    text = p.fs.read(p.args[0])
    chunks, code = p.shell.run_script(path, text, p.args[1:], p.stdin, p.user)
    p.chunks += chunks
    return code


@command("eval")
def eval_(p: Proc) -> int:
    chunks, code = p.shell.exec_source(" ".join(p.args), p.stdin, p.user)
    p.chunks += chunks
    return code


@command("exec", "nohup", "time", "command", "builtin", "stdbuf", "nice", "ionice")
def passthrough(p: Proc) -> int:
    """Wrappers that just run their operand (or, for `command -v`, locate it)."""
    args = p.args
    if p.name == "command" and args[:1] == ["-v"]:
        return which(Proc(p.shell, ["which", *args[1:]], p.stdin, p.user, chunks=p.chunks))
    while args and args[0].startswith("-"):
        args = args[1:]
    if not args:
        return 0
    chunks, code = p.shell.run_argv(args, p.stdin, p.user)
    p.chunks += chunks
    return code


@command("timeout")
def timeout(p: Proc) -> int:
    _, operands = options(p.args, "sk", {"signal": "s", "kill-after": "k"})
    if len(operands) < 2:
        return p.fail("missing operand", 125)
    chunks, code = p.shell.run_argv(operands[1:], p.stdin, p.user)
    p.chunks += chunks
    return code


@command("bash", "sh", "dash", "zsh")
def bash(p: Proc) -> int:
    flags, operands = options(p.args, "c", {"command": "c"})
    if "c" in flags:
        return _subshell(p, flags["c"], p.user, operands[1:])
    if operands:
        path, _ = p.fs.node(operands[0])
        text = p.fs.read(operands[0])
        chunks, code = p.shell.run_script(path, text, operands[1:], "", p.user)
        p.chunks += chunks
        return code
    if p.stdin:
        origin = p.shell.fetched.get(p.stdin, "<stdin>")
        chunks, code = p.shell.run_script(origin, p.stdin, [], "", p.user)
        p.chunks += chunks
        return code
    return 0


def _subshell(p: Proc, source: str, user: str, positional: list[str]) -> int:
    """`bash -c` / `su -c`: a child shell, so its `exit` ends only itself."""
    try:
        chunks, code = p.shell.exec_source(source, p.stdin, user, positional=positional)
    except ShellExit as ex:
        chunks, code = ex.chunks, ex.code
    p.chunks += chunks
    return code


@command("read")
def read(p: Proc) -> int:
    _, names = options(p.args, "pdtn")
    if not p.stdin:
        return 1
    line = p.stdin.split("\n", 1)[0]
    names = names or ["REPLY"]
    values = line.split(None, len(names) - 1)
    for i, name in enumerate(names):
        p.shell.st.env[name] = values[i] if i < len(values) else ""
    return 0


@command(
    "set",
    "shopt",
    "alias",
    "unalias",
    "hash",
    "wait",
    "trap",
    "ulimit",
    "umask",
    "shift",
    "return",
    "clear",
    "reset",
    "sync",
)
def noop(p: Proc) -> int:
    """Session settings the emulator does not model."""
    if p.name == "shift" and p.shell.positional:
        p.shell.positional = p.shell.positional[1:]
    return 0


@command("history")
def history(p: Proc) -> int:
    p.out("".join(f"{i:5d}  {line}\n" for i, line in enumerate(p.shell.st.history, 1)))
    return 0


@command("sleep")
def sleep(p: Proc) -> int:
    """Time is logical: sleeping only advances the desktop clock."""
    try:
        p.desk.state.clock += int(float(p.args[0])) if p.args else 0
    except ValueError:
        return p.fail(f"invalid time interval '{p.args[0]}'")
    return 0


@command("which", "type", "whereis")
def which(p: Proc) -> int:
    code = 0
    for name in p.args:
        if name.startswith("-"):
            continue
        if name in COMMANDS:
            p.out(f"{name} is /usr/bin/{name}\n" if p.name == "type" else f"/usr/bin/{name}\n")
        else:
            code = 1
            if p.name == "type":
                p.err(f"bash: type: {name}: not found")
    return code


@command("env", "printenv")
def env(p: Proc) -> int:
    args = list(p.args)
    extra: dict[str, str] = {}
    while args and ("=" in args[0] or args[0].startswith("-")):
        name, eq, value = args.pop(0).partition("=")
        if eq:
            extra[name] = value
    if args and p.name == "env":
        chunks, code = p.shell.run_argv(args, p.stdin, p.user, extra)
        p.chunks += chunks
        return code
    values = {**p.shell.env_for(p.user), **extra}
    if p.name == "printenv" and args:
        for name in args:
            if name in values:
                p.out(values[name] + "\n")
        return 0 if all(n in values for n in args) else 1
    p.out("".join(f"{k}={v}\n" for k, v in sorted(values.items())))
    return 0


@command("xargs")
def xargs(p: Proc) -> int:
    flags, operands = options(p.args, "nIdL", {"null": "0"})
    items = p.stdin.split("\0" if "0" in flags else None)
    base = operands or ["echo"]
    code = 0
    if "I" in flags:
        batches = [
            [a.replace(flags["I"], item) for a in base] for item in p.stdin.splitlines() if item
        ]
    else:
        n = int(flags.get("n") or flags.get("L") or 0) or len(items) or 1
        batches = [base + items[i : i + n] for i in range(0, len(items), n)] or (
            [base] if base != ["echo"] else []
        )
    for argv in batches:
        chunks, c = p.shell.run_argv(argv, "", p.user)
        p.chunks += chunks
        code = code or c
    return 123 if code else 0


@command("sudo")
def sudo(p: Proc) -> int:
    flags, rest = _sudo_options(p.args)
    if "k" in flags or "K" in flags:
        p.shell.st.sudo_authenticated = False
        if not rest:
            return 0
    if "l" in flags:
        ok, _ = p.shell.sudo_authenticate(p, "S" in flags, "n" in flags)
        if ok:
            p.out(
                f"User {p.user} may run the following commands on {p.desk.state.system.hostname}:\n    (ALL : ALL) ALL\n"
            )
        return 0 if ok else 1
    if not rest and not ({"i", "s"} & flags.keys()):
        return p.fail("usage: sudo [-S] [-u user] command", 1)
    ok, stdin = p.shell.sudo_authenticate(p, "S" in flags, "n" in flags)
    if not ok:
        return 1
    target = flags.get("u", "root")
    if target not in p.desk.state.users:
        return p.fail(f"unknown user {target}")
    p.desk.emit(Sudo(command=" ".join(rest) or "-i", success=True))
    if not rest or rest in (
        ["su"],
        ["su", "-"],
        ["-i"],
        ["bash"],
        ["su", "root"],
        ["su", "-", "root"],
    ):
        st = p.shell.st
        st.user_stack.append(st.user)
        st.user = target
        st.cwd = p.desk.home_of(target)
        return 0
    chunks, code = p.shell.run_argv(rest, stdin, target)
    p.chunks += chunks
    return code


def _sudo_options(args: list[str]) -> tuple[dict[str, str], list[str]]:
    flags: dict[str, str] = {}
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        a = args[i]
        for j, ch in enumerate(a[1:], 1):
            if ch in "ugp":
                flags[ch] = a[j + 1 :] or (args[i + 1] if i + 1 < len(args) else "")
                if not a[j + 1 :]:
                    i += 1
                break
            flags[ch] = "1"
        i += 1
    if i < len(args) and args[i] == "--":
        i += 1
    return flags, args[i:]


@command("su")
def su(p: Proc) -> int:
    flags, operands = options(
        [a for a in p.args if a not in ("-", "-l", "--login")], "c", {"command": "c"}
    )
    target = operands[0] if operands else "root"
    account = p.desk.state.users.get(target)
    if account is None:
        return p.fail(
            f"user {target} does not exist or the user entry does not contain all the required fields"
        )
    if p.user != "root":
        raise PromptNeeded(
            PendingPrompt(kind="su", target=target, line=flags.get("c", "")), "Password: "
        )
    if "c" in flags:
        return _subshell(p, flags["c"], target, [])
    st = p.shell.st
    st.user_stack.append(st.user)
    st.user = target
    st.cwd = account.home
    return 0


@command("basename")
def basename(p: Proc) -> int:
    if not p.args:
        return p.fail("missing operand")
    name = posixpath.basename(p.args[0].rstrip("/")) or "/"
    if len(p.args) > 1 and name.endswith(p.args[1]) and name != p.args[1]:
        name = name[: -len(p.args[1])]
    p.out(name + "\n")
    return 0


@command("dirname")
def dirname(p: Proc) -> int:
    if not p.args:
        return p.fail("missing operand")
    p.out((posixpath.dirname(p.args[0].rstrip("/")) or ".") + "\n")
    return 0
