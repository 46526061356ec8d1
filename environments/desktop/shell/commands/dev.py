"""Developer tools: interpreters (recorded, not run), the sandboxed test runner, git, gpg, openssl."""

from __future__ import annotations

import hashlib
import posixpath
import shlex

from ...events import Git, ScriptExec
from ...sandbox_tests import ISOLATION_WARNING, isolation_available, run_python_tests
from ..interpreter import Proc
from . import command

TEST_FILE_SUFFIXES = (
    ".py",
    ".txt",
    ".md",
    ".cfg",
    ".ini",
    ".toml",
    ".json",
    ".csv",
    ".yaml",
    ".yml",
)
MAX_TEST_BYTES = 2_000_000


@command("python", "python3", "python3.12", "pytest", "py.test")
def python(p: Proc) -> int:
    args = p.args
    if p.name in ("pytest", "py.test"):
        args = ["-m", "pytest", *args]
    if args[:1] in (["--version"], ["-V"]):
        p.out("Python 3.12.3\n")
        return 0
    if args[:2] in (["-m", "pytest"], ["-m", "unittest"]):
        return _run_tests(p, args)
    if args and posixpath.basename(args[0]).startswith("test") and args[0].endswith(".py"):
        return _run_tests(p, ["-m", "pytest", *args])
    if args[:1] == ["-c"] and len(args) > 1:
        origin, content = "-c", args[1]
    elif args and not args[0].startswith("-"):
        origin = p.fs.resolve(args[0])
        content = p.fs.read(args[0])
    elif args[:1] == ["-m"] and len(args) > 1:
        origin, content = f"-m {args[1]}", " ".join(args)
    else:
        origin, content = "<stdin>", p.stdin
    p.desk.emit(
        ScriptExec(origin=origin, interpreter="python3", content=content[:20_000], executed=False)
    )
    p.err("[emulator] Python code is recorded, not executed; use shell commands to act on files.")
    return 0


def _run_tests(p: Proc, args: list[str]) -> int:
    """Runs the unit tests of the current directory's files in a sandboxed temporary copy."""
    command = shlex.join(["python", *args])
    cwd = p.shell.st.cwd
    if not p.desk.state.system.allow_test_runs:
        p.desk.emit(ScriptExec(origin=cwd, interpreter="python3", content=command, executed=False))
        p.err("[emulator] test runs are disabled for this task; the command was recorded.")
        return 0
    files: dict[str, str] = {}
    total = 0
    for q in p.fs.walk(cwd):
        node = p.desk.state.fs.nodes[q]
        if node.kind != "file" or not q.endswith(TEST_FILE_SUFFIXES) or node.doc is not None:
            continue
        if not p.fs.can(node, 4) or "/.git/" in q or "/__pycache__/" in q:
            continue
        total += len(node.content)
        if total > MAX_TEST_BYTES:
            return p.fail("the project is too large for the emulator's test runner")
        files[posixpath.relpath(q, cwd)] = node.content
    code, output = run_python_tests(files, command, timeout_s=60, display_root=cwd)
    if not isolation_available() and ISOLATION_WARNING not in p.desk.state.system.warnings:
        p.desk.state.system.warnings.append(ISOLATION_WARNING)
    p.desk.emit(ScriptExec(origin=cwd, interpreter="python3", content=command, executed=True))
    p.out(output)
    return code


@command("node", "nodejs", "perl", "ruby", "php", "java", "go", "gcc", "cc", "make", "npm", "npx")
def interpreter(p: Proc) -> int:
    origin = next((a for a in p.args if not a.startswith("-")), "<stdin>")
    content = " ".join(p.args)
    if origin != "<stdin>" and p.fs.exists(origin) and not p.fs.is_dir(origin):
        content = p.fs.read(origin)
    p.desk.emit(
        ScriptExec(origin=origin, interpreter=p.name, content=content[:20_000], executed=False)
    )
    p.err(f"[emulator] {p.name} is recorded, not executed.")
    return 0


def _git_dir(p: Proc) -> str | None:
    d = p.shell.st.cwd
    while True:
        if f"{d.rstrip('/')}/.git" in p.desk.state.fs.nodes:
            return f"{d.rstrip('/')}/.git"
        if d == "/":
            return None
        d = posixpath.dirname(d)


@command("git")
def git(p: Proc) -> int:
    """init/status/add/commit/log/diff, recorded; commits are kept as lines in .git/COMMITS."""
    p.desk.emit(Git(args=list(p.args)))
    sub = p.args[0] if p.args else ""
    if sub in ("--version", "version"):
        p.out("git version 2.43.0\n")
        return 0
    if sub == "init":
        p.fs.mkdir(".git", parents=True)
        p.fs.write(".git/HEAD", "ref: refs/heads/main\n")
        p.out(f"Initialized empty Git repository in {p.fs.resolve('.git')}/\n")
        return 0
    if sub == "clone":
        return p.fail("fatal: unable to access remote: Could not resolve host", 128)
    repo = _git_dir(p)
    if repo is None:
        return p.fail("fatal: not a git repository (or any of the parent directories): .git", 128)
    log_path = f"{repo}/COMMITS"
    if sub == "commit":
        message = (
            p.args[p.args.index("-m") + 1]
            if "-m" in p.args and p.args.index("-m") + 1 < len(p.args)
            else "update"
        )
        n = len(p.fs.read(log_path).splitlines()) if p.fs.exists(log_path) else 0
        sha = hashlib.sha1(f"{n}{message}".encode()).hexdigest()[:7]
        p.fs.write(log_path, f"{sha} {message}\n", append=True)
        p.out(f"[main {sha}] {message}\n")
        return 0
    if sub == "log":
        lines = p.fs.read(log_path).splitlines() if p.fs.exists(log_path) else []
        if not lines:
            return p.fail("fatal: your current branch 'main' does not have any commits yet", 128)
        p.out("".join(f"{line}\n" for line in reversed(lines)))
        return 0
    if sub == "status":
        p.out("On branch main\nnothing to commit (the emulator does not track changes)\n")
        return 0
    if sub in (
        "add",
        "diff",
        "checkout",
        "branch",
        "stash",
        "reset",
        "restore",
        "rm",
        "mv",
        "config",
    ):
        return 0
    if sub in ("push", "pull", "fetch"):
        return p.fail("fatal: unable to access remote: Could not resolve host", 128)
    return p.fail(f"'{sub}' is not a git command emulated here", 1)


@command("gpg", "gpg2")
def gpg(p: Proc) -> int:
    args = p.args
    files = [a for a in args if not a.startswith("-")]
    if any(a in args for a in ("--list-keys", "-k", "--list-secret-keys", "-K")):
        keyring = p.desk.home_of(p.user) + "/.gnupg/keys.txt"
        if p.fs.exists(keyring):
            p.out(p.fs.read(keyring))
        return 0
    signing = any(
        a in args for a in ("--sign", "-s", "--detach-sign", "-b", "--clearsign", "--clear-sign")
    ) or any(a.startswith("-") and not a.startswith("--") and ("s" in a or "b" in a) for a in args)
    target = files[-1] if files else ""
    if signing and target:
        p.fs.read(target)
        armor = (
            "--armor" in args
            or "-a" in args
            or "--clearsign" in args
            or any(a.startswith("-") and not a.startswith("--") and "a" in a for a in args)
        )
        suffix = (
            ".asc" if armor else (".sig" if "--detach-sign" in args or "-b" in args else ".gpg")
        )
        user = (
            args[args.index("--local-user") + 1]
            if "--local-user" in args
            else (args[args.index("-u") + 1] if "-u" in args else "default key")
        )
        p.fs.write(
            target + suffix,
            f"-----BEGIN PGP SIGNATURE-----\n(emulated signature of {posixpath.basename(target)} by {user})\n-----END PGP SIGNATURE-----\n",
        )
        return 0
    if any(a in args for a in ("--encrypt", "-e", "--symmetric", "-c")) and target:
        p.fs.write(
            target + ".gpg",
            f"(emulated gpg ciphertext of {posixpath.basename(target)}: {hashlib.sha256(p.fs.read(target).encode()).hexdigest()})\n",
        )
        return 0
    if any(a in args for a in ("--import", "--verify", "--export", "--armor")):
        return 0
    return p.fail(
        "operation not emulated (supported: --list-keys, --sign/--detach-sign/--clearsign, --encrypt)",
        2,
    )


@command("openssl")
def openssl(p: Proc) -> int:
    args = p.args
    if not args:
        return p.fail("usage: openssl enc|rand|dgst ...")
    if args[0] == "rand":
        n = int(args[-1]) if args[-1].isdigit() else 16
        p.out(hashlib.sha256(str(p.desk.state.clock).encode()).hexdigest()[: 2 * n] + "\n")
        return 0
    if args[0] in ("enc", "aes-256-cbc") or args[0].startswith("aes"):
        src = args[args.index("-in") + 1] if "-in" in args else ""
        dst = args[args.index("-out") + 1] if "-out" in args else ""
        data = p.fs.read(src) if src else p.stdin
        if "-d" in args:
            return p.fail("bad decrypt (the emulator cannot decrypt)", 1)
        cipher = f"Salted__(emulated ciphertext {hashlib.sha256(data.encode()).hexdigest()})\n"
        if dst:
            p.fs.write(dst, cipher)
        else:
            p.out(cipher)
        return 0
    if args[0] == "dgst":
        for f in [a for a in args[1:] if not a.startswith("-")]:
            p.out(f"SHA2-256({f})= {hashlib.sha256(p.fs.read(f).encode()).hexdigest()}\n")
        return 0
    return p.fail(f"{args[0]}: not emulated")
