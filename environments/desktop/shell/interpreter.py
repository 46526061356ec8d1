"""Runs parsed command lines over the emulated desktop: expansion, globbing, pipes,
redirections, control flow, sudo/su prompts and script execution.

Output is kept as ordered (fd, text) chunks so `2>&1`, pipes and the terminal's interleaving
of stdout and stderr all fall out of one representation.
"""

from __future__ import annotations

import ast
import fnmatch
import operator
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import DesktopError
from ..events import Command, PasswordChange, ScriptExec, Sudo
from ..fs import FileOps, normalize
from ..state import PendingPrompt
from .execution import run_for_real
from .parser import (
    AndOr,
    For,
    Group,
    If,
    Node,
    Part,
    Pipeline,
    Redirect,
    Seq,
    Simple,
    While,
    Word,
    heredoc_parts,
    parse,
)

if TYPE_CHECKING:
    from ..desktop import Desktop

Chunks = list[tuple[int, str]]
MAX_LOOP = 10_000
MAX_DEPTH = 50


@dataclass
class ShellResult:
    stdout: str
    stderr: str
    exit_code: int
    output: str
    """What the terminal shows: stdout and stderr interleaved."""


class PromptNeeded(Exception):
    """An interactive prompt interrupts the line; the next terminal input answers it."""

    def __init__(self, pending: PendingPrompt, prompt: str) -> None:
        super().__init__(prompt)
        self.pending = pending
        self.prompt = prompt


class ShellExit(Exception):
    """`exit`: unwinds to the script or terminal, carrying the output produced before it."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code
        self.chunks: Chunks = []


@dataclass
class Proc:
    """One running command: its arguments, input, user, and where its output goes."""

    shell: Shell
    argv: list[str]
    stdin: str
    user: str
    env: dict[str, str] = field(default_factory=dict)
    chunks: Chunks = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.argv[0]

    @property
    def args(self) -> list[str]:
        return self.argv[1:]

    @property
    def desk(self) -> Desktop:
        return self.shell.desk

    @property
    def fs(self) -> FileOps:
        return FileOps(self.shell.desk, self.user)

    def out(self, text: str) -> None:
        if text:
            self.chunks.append((1, text))

    def err(self, text: str) -> None:
        if text:
            self.chunks.append((2, text if text.endswith("\n") else text + "\n"))

    def fail(self, message: str, code: int = 1) -> int:
        self.err(f"{self.name}: {message}")
        return code

    def stdout(self) -> str:
        return "".join(t for fd, t in self.chunks if fd == 1)


CommandFn = Callable[[Proc], int]


class Shell:
    """The interpreter for one terminal input; all persistent shell state is in the desktop."""

    def __init__(self, desk: Desktop) -> None:
        self.desk = desk
        self.st = desk.state.shell
        self.positional: list[str] = []
        self.depth = 0
        self.line = ""
        self.fetched: dict[str, str] = {}
        """Bodies fetched by curl/wget in this line -> URL, so `curl URL | bash` names its origin."""

    # -- entry points ---------------------------------------------------------------------
    def run_line(self, line: str) -> ShellResult:
        """One terminal input: a command line, or the answer to a pending prompt."""
        if self.st.pending is not None:
            return self._answer_prompt(line)
        self.line = line
        self.st.history.append(line)
        try:
            chunks, code = self.exec_source(line, "", self.st.user)
        except PromptNeeded as prompt:
            self.st.pending = prompt.pending
            return ShellResult("", prompt.prompt, 1, prompt.prompt)
        except ShellExit as ex:
            chunks, code = self._exit_shell(ex)
        self.st.last_exit = code
        if line.strip():
            self.desk.emit(Command(command=line, exit_code=code, user=self.st.user))
        return _result(chunks, code)

    def exec_source(
        self, src: str, stdin: str, user: str, positional: list[str] | None = None
    ) -> tuple[Chunks, int]:
        """Parses and runs shell source (a line, a script, a `-c` string)."""
        try:
            tree = parse(src)
        except DesktopError as ex:
            return [(2, f"bash: {ex}\n")], 2
        if self.depth >= MAX_DEPTH:
            return [(2, "bash: maximum nesting depth exceeded\n")], 1
        saved = self.positional
        if positional is not None:
            self.positional = positional
        self.depth += 1
        try:
            return self.exec_seq(tree, stdin, user)
        finally:
            self.depth -= 1
            self.positional = saved

    def run_script(
        self, origin: str, content: str, args: list[str], stdin: str, user: str
    ) -> tuple[Chunks, int]:
        """Runs a bash script in the emulator and records it."""
        self.desk.emit(
            ScriptExec(origin=origin, interpreter="bash", content=content[:20_000], executed=True)
        )
        try:
            return self.exec_source(content, stdin, user, positional=args)
        except ShellExit as ex:
            return ex.chunks, ex.code

    # -- prompts --------------------------------------------------------------------------
    def _answer_prompt(self, answer: str) -> ShellResult:
        pending = self.st.pending
        assert pending is not None
        self.st.pending = None
        answer = answer.rstrip("\n")
        if pending.kind == "sudo":
            if self.desk.state.users[self.st.user].password != answer:
                self.desk.emit(Sudo(command=pending.line, success=False))
                text = "Sorry, try again.\nsudo: 1 incorrect password attempt\n"
                return ShellResult("", text, 1, text)
            self.st.sudo_authenticated = True
            return self.run_line(pending.line)
        if pending.kind == "su":
            target = self.desk.state.users.get(pending.target)
            if target is None or target.locked or target.password != answer:
                text = "su: Authentication failure\n"
                return ShellResult("", text, 1, text)
            if pending.line:
                try:
                    chunks, code = self.exec_source(pending.line, "", pending.target)
                except ShellExit as ex:
                    chunks, code = ex.chunks, ex.code
                return _result(chunks, code)
            self.st.user_stack.append(self.st.user)
            self.st.user = pending.target
            self.st.cwd = target.home
            return ShellResult("", "", 0, "")
        return self._answer_passwd(pending, answer)

    def _answer_passwd(self, pending: PendingPrompt, answer: str) -> ShellResult:
        pending.answers.append(answer)
        needs_current = self.st.user != "root"
        prompts = (["Current password: "] if needs_current else []) + [
            "New password: ",
            "Retype new password: ",
        ]
        if needs_current and len(pending.answers) == 1:
            if self.desk.state.users[self.st.user].password != answer:
                text = (
                    "passwd: Authentication token manipulation error\npasswd: password unchanged\n"
                )
                return ShellResult("", text, 10, text)
        if len(pending.answers) < len(prompts):
            self.st.pending = pending
            prompt = prompts[len(pending.answers)]
            return ShellResult("", prompt, 0, prompt)
        new, again = pending.answers[-2], pending.answers[-1]
        if new != again:
            text = "Sorry, passwords do not match.\npasswd: Authentication token manipulation error\npasswd: password unchanged\n"
            return ShellResult("", text, 10, text)
        self.set_password(pending.target, new)
        text = "passwd: password updated successfully\n"
        return ShellResult(text, "", 0, text)

    def set_password(self, user: str, password: str) -> None:
        self.desk.state.users[user].password = password
        self.desk.sync_etc()
        self.desk.emit(PasswordChange(name=user))

    def _exit_shell(self, ex: ShellExit) -> tuple[Chunks, int]:
        if self.st.user_stack:
            self.st.user = self.st.user_stack.pop()
            self.st.cwd = self.desk.home_of(self.st.user)
            return ex.chunks + [(1, "logout\n")], ex.code
        return ex.chunks + [(1, "exit\n")], ex.code

    # -- execution ------------------------------------------------------------------------
    def exec_seq(self, seq: Seq, stdin: str, user: str) -> tuple[Chunks, int]:
        chunks: Chunks = []
        code = 0
        for item in seq.items:
            try:
                c, code = self.exec_and_or(item, stdin, user)
            except ShellExit as ex:
                ex.chunks = chunks + ex.chunks
                raise
            chunks += c
        return chunks, code

    def exec_and_or(self, node: AndOr, stdin: str, user: str) -> tuple[Chunks, int]:
        chunks: Chunks = []
        code = 0
        for op, pipeline in node.items:
            if (op == "&&" and code != 0) or (op == "||" and code == 0):
                continue
            try:
                c, code = self.exec_pipeline(pipeline, stdin, user)
            except ShellExit as ex:
                ex.chunks = chunks + ex.chunks
                raise
            chunks += c
            self.st.last_exit = code
        return chunks, code

    def exec_pipeline(self, node: Pipeline, stdin: str, user: str) -> tuple[Chunks, int]:
        chunks: Chunks = []
        data = stdin
        code = 0
        last = len(node.commands) - 1
        for i, command in enumerate(node.commands):
            c, code = self.exec_node(command, data, user)
            if i < last:
                data = "".join(t for fd, t in c if fd == 1)
                chunks += [(fd, t) for fd, t in c if fd != 1]
            else:
                chunks += c
        if node.negate:
            code = 0 if code else 1
        return chunks, code

    def exec_node(self, node: Node, stdin: str, user: str) -> tuple[Chunks, int]:
        if isinstance(node, Simple):
            return self.exec_simple(node, stdin, user)
        try:
            stdin, routes = self.open_redirects(node.redirects, stdin, user)
        except DesktopError as ex:
            return [(2, f"bash: {ex}\n")], 1
        if isinstance(node, For):
            chunks, code = self.exec_for(node, stdin, user)
        elif isinstance(node, If):
            chunks, code = self.exec_if(node, stdin, user)
        elif isinstance(node, While):
            chunks, code = self.exec_while(node, stdin, user)
        else:
            chunks, code = self.exec_group(node, stdin, user)
        return self.routed(chunks, routes, user, code)

    def exec_for(self, node: For, stdin: str, user: str) -> tuple[Chunks, int]:
        values = self.expand_words(node.words, user) if node.words is not None else self.positional
        chunks: Chunks = []
        code = 0
        for value in values[:MAX_LOOP]:
            self.st.env[node.var] = value
            c, code = self.exec_seq(node.body, stdin, user)
            chunks += c
        return chunks, code

    def exec_if(self, node: If, stdin: str, user: str) -> tuple[Chunks, int]:
        chunks: Chunks = []
        for cond, body in node.branches:
            c, code = self.exec_seq(cond, stdin, user)
            chunks += c
            if code == 0:
                c, code = self.exec_seq(body, stdin, user)
                return chunks + c, code
        if node.orelse is not None:
            c, code = self.exec_seq(node.orelse, stdin, user)
            return chunks + c, code
        return chunks, 0

    def exec_while(self, node: While, stdin: str, user: str) -> tuple[Chunks, int]:
        chunks: Chunks = []
        code = 0
        for _ in range(MAX_LOOP):
            c, cond = self.exec_seq(node.cond, stdin, user)
            chunks += c
            if (cond == 0) == node.until:
                return chunks, code
            c, code = self.exec_seq(node.body, stdin, user)
            chunks += c
        chunks.append((2, "bash: fork: retry: Resource temporarily unavailable\n"))
        return chunks, 1

    def exec_group(self, node: Group, stdin: str, user: str) -> tuple[Chunks, int]:
        if not node.subshell:
            return self.exec_seq(node.body, stdin, user)
        cwd, env = self.st.cwd, dict(self.st.env)
        try:
            return self.exec_seq(node.body, stdin, user)
        except ShellExit as ex:
            return ex.chunks, ex.code
        finally:
            self.st.cwd, self.st.env = cwd, env

    def exec_simple(self, node: Simple, stdin: str, user: str) -> tuple[Chunks, int]:
        errors: Chunks = []
        try:
            argv = self.expand_words(node.words, user, errors)
            assigns = {name: self.expand_scalar(w, user, errors) for name, w in node.assigns}
            stdin, routes = self.open_redirects(node.redirects, stdin, user, errors)
        except DesktopError as ex:
            return errors + [(2, f"bash: {ex}\n")], 1
        if not argv:
            self.st.env.update(assigns)
            return self.routed(errors, routes, user, 0)
        chunks, code = self.run_argv(argv, stdin, user, assigns)
        return self.routed(errors + chunks, routes, user, code)

    def run_argv(
        self, argv: list[str], stdin: str, user: str, env: dict[str, str] | None = None
    ) -> tuple[Chunks, int]:
        """Runs one command by name (builtins, emulated programs, script files)."""
        from .commands import COMMANDS

        proc = Proc(self, argv, stdin, user, env or {})
        name = argv[0]
        fn = COMMANDS.get(name)
        if fn is None and "/" in name:
            path = normalize(name, self.st.cwd, self.desk.home_of(user))
            if path not in self.desk.state.fs.nodes and posixpath.dirname(path) in _BIN_DIRS:
                fn = COMMANDS.get(posixpath.basename(path))
            else:
                return self.exec_file(proc, name)
        if fn is None:
            proc.err(f"{name}: command not found")
            return proc.chunks, 127
        try:
            code = fn(proc)
        except DesktopError as ex:
            proc.err(f"{name}: {ex}")
            code = 1
        return proc.chunks, code

    def exec_file(self, proc: Proc, path: str) -> tuple[Chunks, int]:
        """`./script.sh`: needs the execute bit; bash scripts run, others are only recorded."""
        try:
            abs_path, node = proc.fs.node(path)
        except DesktopError as ex:
            proc.err(f"bash: {ex}")
            return proc.chunks, 127
        if node.kind == "dir":
            proc.err(f"bash: {path}: Is a directory")
            return proc.chunks, 126
        fs = proc.fs
        if not (fs.can(node, 4) and fs.can(node, 1)):
            proc.err(f"bash: {path}: Permission denied")
            return proc.chunks, 126
        return self.run_interpreted(proc, abs_path, node.text())

    def run_interpreted(self, proc: Proc, origin: str, content: str) -> tuple[Chunks, int]:
        first = content.split("\n", 1)[0]
        interpreter = "bash"
        if first.startswith("#!"):
            interpreter = posixpath.basename(first[2:].split()[-1]) if first[2:].split() else "sh"
        elif origin.endswith(".py"):
            interpreter = "python3"
        if interpreter in ("bash", "sh", "dash", "zsh"):
            chunks, code = self.run_script(origin, content, proc.args, proc.stdin, proc.user)
            return proc.chunks + chunks, code
        code = run_for_real(proc, [interpreter, origin, *proc.args], origin, content)
        return proc.chunks, code

    # -- sudo -----------------------------------------------------------------------------
    def sudo_authenticate(
        self, proc: Proc, password_from_stdin: bool, non_interactive: bool
    ) -> tuple[bool, str]:
        """(authorised, remaining stdin); raises PromptNeeded for an interactive prompt."""
        user = proc.user
        if user == "root":
            return True, proc.stdin
        if not self.desk.is_admin(user):
            proc.err(f"{user} is not in the sudoers file.  This incident will be reported.")
            self.desk.emit(Sudo(command=" ".join(proc.args), success=False))
            return False, proc.stdin
        if self.st.sudo_authenticated:
            return True, proc.stdin
        prompt = f"[sudo] password for {user}: "
        if password_from_stdin:
            given, _, rest = proc.stdin.partition("\n")
            proc.err(prompt.rstrip())
            if given == self.desk.state.users[user].password:
                self.st.sudo_authenticated = True
                return True, rest
            proc.err("Sorry, try again.\nsudo: 1 incorrect password attempt")
            self.desk.emit(Sudo(command=" ".join(proc.args), success=False))
            return False, rest
        if non_interactive:
            proc.err("sudo: a password is required")
            return False, proc.stdin
        raise PromptNeeded(PendingPrompt(kind="sudo", line=self.line), prompt)

    # -- redirections ---------------------------------------------------------------------
    def open_redirects(
        self, redirects: list[Redirect], stdin: str, user: str, errors: Chunks | None = None
    ) -> tuple[str, dict[int, tuple[str, str]]]:
        """Resolves input redirections and returns where fd 1 and 2 go.

        A route is ("fd", "1"|"2") for the terminal streams, ("file", path) or
        ("append", path), ("null", "").
        """
        routes: dict[int, tuple[str, str]] = {1: ("fd", "1"), 2: ("fd", "2")}
        fs = FileOps(self.desk, user)
        for r in redirects:
            if r.op == "<<":
                body = r.body or ""
                stdin = self.expand_heredoc(body, user, errors) if r.expand else body
                continue
            target = self.expand_scalar(r.target, user, errors) if r.target else ""
            if r.op == "<<<":
                stdin = target + "\n"
            elif r.op == "<":
                stdin = fs.read(target)
            elif r.op in (">&", "<&") and (target.isdigit() or target == "-"):
                if target in ("1", "2"):
                    routes[r.fd] = routes[int(target)]
            elif r.op in (">", ">|", ">>", "&>", "&>>", ">&"):
                path = fs.resolve(target)
                if path == "/dev/null":
                    route: tuple[str, str] = ("null", "")
                elif path in ("/dev/stderr", "/dev/stdout"):
                    route = ("fd", "2" if path.endswith("err") else "1")
                else:
                    fs.check_writable(target)
                    route = ("append" if r.op in (">>", "&>>") else "file", path)
                if r.op in ("&>", "&>>", ">&"):
                    routes[1] = routes[2] = route
                else:
                    routes[r.fd] = route
        return stdin, routes

    def routed(
        self, chunks: Chunks, routes: dict[int, tuple[str, str]], user: str, code: int
    ) -> tuple[Chunks, int]:
        """Delivers output to its redirect targets; a target that cannot be written fails the
        command (exit 1), as in bash."""
        out, write_failed = self.route(chunks, routes, user)
        return out, 1 if write_failed and code == 0 else code

    def route(
        self, chunks: Chunks, routes: dict[int, tuple[str, str]], user: str
    ) -> tuple[Chunks, bool]:
        if routes[1] == ("fd", "1") and routes[2] == ("fd", "2"):
            return chunks, False
        out: Chunks = []
        files: dict[tuple[str, str], list[str]] = {
            route: [] for route in routes.values() if route[0] in ("file", "append")
        }
        for fd, text in chunks:
            route = routes.get(fd, ("fd", str(fd)))
            if route[0] == "fd":
                out.append((int(route[1]), text))
            elif route in files:
                files[route].append(text)
        fs = FileOps(self.desk, user)
        failed = False
        for (kind, path), texts in files.items():
            try:
                fs.write(path, "".join(texts), append=kind == "append")
            except DesktopError as ex:
                out.append((2, f"bash: {ex}\n"))
                failed = True
        return out, failed

    # -- expansion ------------------------------------------------------------------------
    def var(self, name: str, user: str) -> str:
        if name == "?":
            return str(self.st.last_exit)
        if name == "$":
            return "4242"
        if name == "#":
            return str(len(self.positional))
        if name in ("@", "*"):
            return " ".join(self.positional)
        if name.isdigit():
            i = int(name)
            if i == 0:
                return "bash"
            return self.positional[i - 1] if i <= len(self.positional) else ""
        if name in self.st.env:
            return self.st.env[name]
        return self.builtin_env(user).get(name, "")

    def builtin_env(self, user: str) -> dict[str, str]:
        return {
            "HOME": self.desk.home_of(user),
            "USER": user,
            "LOGNAME": user,
            "PWD": self.st.cwd,
            "SHELL": "/bin/bash",
            "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "HOSTNAME": self.desk.state.system.hostname,
            "LANG": "en_US.UTF-8",
            "TERM": "xterm-256color",
            "DISPLAY": ":0",
            "XDG_SESSION_TYPE": "x11",
        }

    def env_for(self, user: str) -> dict[str, str]:
        return {**self.builtin_env(user), **self.st.env}

    def expand_param(self, expr: str, user: str) -> str:
        """${NAME}, ${NAME:-default}, ${NAME:=default}, ${#NAME}."""
        if expr.startswith("#") and len(expr) > 1:
            return str(len(self.var(expr[1:], user)))
        for sep in (":-", ":=", "-", "="):
            if sep in expr:
                name, default = expr.split(sep, 1)
                value = self.var(name, user)
                if value:
                    return value
                if sep in (":=", "="):
                    self.st.env[name] = default
                return default
        return self.var(expr, user)

    def part_value(self, part: Part, user: str, errors: Chunks | None) -> str:
        if part.kind == "var":
            return self.expand_param(part.text, user)
        if part.kind == "cmd":
            chunks, code = self.exec_source(part.text, "", user)
            self.st.last_exit = code
            if errors is not None:
                errors += [(fd, t) for fd, t in chunks if fd == 2]
            return "".join(t for fd, t in chunks if fd == 1).rstrip("\n")
        if part.kind == "arith":
            return str(self.arith(part.text, user))
        return part.text

    def arith(self, expr: str, user: str) -> int:
        try:
            tree = ast.parse(expr.replace("&&", " and ").replace("||", " or "), mode="eval")
        except SyntaxError as ex:
            raise DesktopError(f"{expr}: syntax error in expression") from ex
        return int(_eval_arith(tree.body, lambda name: self.var(name, user)))

    def expand_scalar(self, word: Word, user: str, errors: Chunks | None = None) -> str:
        """A word as one string: no splitting, no globbing (assignments, redirect targets)."""
        text = []
        for i, part in enumerate(word.parts):
            value = self.part_value(part, user, errors)
            if i == 0 and part.kind == "lit":
                value = self.tilde(value, user)
            text.append(value)
        return "".join(text)

    def tilde(self, text: str, user: str) -> str:
        if not text.startswith("~"):
            return text
        head, sep, rest = text.partition("/")
        name = head[1:]
        if name == "":
            home = self.var("HOME", user)
        elif name in self.desk.state.users:
            home = self.desk.state.users[name].home
        else:
            return text
        return home + sep + rest

    def expand_words(self, words: list[Word], user: str, errors: Chunks | None = None) -> list[str]:
        out: list[str] = []
        for word in words:
            out += self.expand_word(word, user, errors)
        return out

    def expand_word(self, word: Word, user: str, errors: Chunks | None = None) -> list[str]:
        """Variable and command substitution, field splitting, then pathname expansion."""
        fields: list[list[tuple[str, bool]]] = []
        current: list[tuple[str, bool]] = []
        has_quoted = False
        for i, part in enumerate(word.parts):
            value = self.part_value(part, user, errors)
            if part.kind == "lit":
                current.append((self.tilde(value, user) if i == 0 else value, True))
            elif part.kind in ("sq", "dq") or part.quoted:
                current.append((value, False))
                has_quoted = True
            else:
                pieces = value.split()
                if not pieces:
                    continue
                if value[0].isspace() and current:
                    fields.append(current)
                    current = []
                current.append((pieces[0], False))
                for piece in pieces[1:]:
                    fields.append(current)
                    current = [(piece, False)]
                if value[-1].isspace():
                    fields.append(current)
                    current = []
        if current or (has_quoted and not fields):
            fields.append(current)
        out: list[str] = []
        for f in fields:
            text = "".join(t for t, _ in f)
            if any(magic and any(c in t for c in "*?[") for t, magic in f):
                pattern = "".join(t if magic else _escape_glob(t) for t, magic in f)
                matches = self.glob(pattern, user)
                out += matches or [text]
            else:
                out.append(text)
        return out

    def glob(self, pattern: str, user: str) -> list[str]:
        nodes = self.desk.state.fs.nodes
        fs = FileOps(self.desk, user)
        absolute = pattern.startswith("/")
        base = "/" if absolute else self.st.cwd
        candidates = [("", base)]
        segments = [s for s in pattern.split("/") if s]
        for seg in segments:
            nxt = []
            for shown, real in candidates:
                if any(c in seg for c in "*?["):
                    node = nodes.get(real)
                    if node is None or node.kind != "dir" or not fs.can(node, 4):
                        continue
                    for name in fs.children(real):
                        if name.startswith(".") and not seg.startswith("."):
                            continue
                        if fnmatch.fnmatchcase(name, seg):
                            nxt.append((_join(shown, name), _join(real, name)))
                else:
                    literal = _unescape_glob(seg)
                    real_next = normalize(literal, real)
                    if real_next in nodes:
                        nxt.append((_join(shown, literal), real_next))
            candidates = nxt
        prefix = "/" if absolute else ""
        return sorted(prefix + shown for shown, _ in candidates)

    def expand_heredoc(self, body: str, user: str, errors: Chunks | None) -> str:
        return "".join(self.part_value(p, user, errors) for p in heredoc_parts(body))


def _join(a: str, b: str) -> str:
    return f"{a}/{b}" if a and a != "/" else (f"/{b}" if a == "/" else b)


def _escape_glob(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def _unescape_glob(text: str) -> str:
    for c in "*?[":
        text = text.replace(f"[{c}]", c)
    return text


_BIN_DIRS = {"/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin"}

_BINOPS: dict[type, Callable[[int, int], int]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Div: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_CMPOPS: dict[type, Callable[[int, int], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


def _eval_arith(node: ast.expr, lookup: Callable[[str], str]) -> int:
    """Integer arithmetic for $((...)); names are shell variables."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.Name):
        text = lookup(node.id)
        return int(text) if text.lstrip("-").isdigit() else 0
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        left, right = _eval_arith(node.left, lookup), _eval_arith(node.right, lookup)
        if isinstance(node.op, ast.Pow) and right > 64:
            raise DesktopError("exponent too large")
        if isinstance(node.op, ast.FloorDiv | ast.Div | ast.Mod) and right == 0:
            raise DesktopError("division by 0")
        return _BINOPS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd | ast.Not):
        value = _eval_arith(node.operand, lookup)
        if isinstance(node.op, ast.Not):
            return int(not value)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _CMPOPS:
        return int(
            _CMPOPS[type(node.ops[0])](
                _eval_arith(node.left, lookup), _eval_arith(node.comparators[0], lookup)
            )
        )
    if isinstance(node, ast.BoolOp):
        values = [_eval_arith(v, lookup) for v in node.values]
        return int(all(values) if isinstance(node.op, ast.And) else any(values))
    raise DesktopError("arithmetic: unsupported expression")


def _result(chunks: Chunks, code: int) -> ShellResult:
    return ShellResult(
        stdout="".join(t for fd, t in chunks if fd == 1),
        stderr="".join(t for fd, t in chunks if fd == 2),
        exit_code=code,
        output="".join(t for _, t in chunks),
    )
