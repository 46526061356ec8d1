"""Developer tools: interpreters and test runners (run for real, sandboxed), git, gpg, openssl."""

from __future__ import annotations

import base64
import hashlib
import posixpath
import shlex

from ...errors import DesktopError
from ...events import Git
from ..execution import run_for_real
from ..interpreter import Proc
from . import command

INTERPRETERS = (
    "python",
    "python3",
    "python3.12",
    "pytest",
    "py.test",
    "node",
    "nodejs",
    "perl",
    "ruby",
    "php",
    "java",
    "go",
    "gcc",
    "cc",
    "make",
    "npm",
    "npx",
)


@command(*INTERPRETERS)
def interpreter(p: Proc) -> int:
    """Interpreters, compilers and test runners run for real, in the sandbox."""
    argv = [p.name, *p.args]
    if p.name in ("pytest", "py.test"):
        argv = ["python3", "-m", "pytest", *p.args]
    elif p.name.startswith("python"):
        argv[0] = "python3"
    origin, content = _origin(p, argv)
    return run_for_real(p, argv, origin, content)


def _origin(p: Proc, argv: list[str]) -> tuple[str, str]:
    """What the run is, for the event log: a script path and its text, `-c`, `-m`, or stdin."""
    args = argv[1:]
    if args[:1] == ["-c"] and len(args) > 1:
        return "-c", args[1]
    if args[:1] == ["-m"] and len(args) > 1:
        return p.shell.st.cwd, shlex.join(argv)
    script = next((a for a in args if not a.startswith("-")), None)
    if script is not None and p.fs.exists(script) and not p.fs.is_dir(script):
        try:
            return p.fs.resolve(script), p.fs.read(script)
        except DesktopError:
            return p.fs.resolve(script), ""
    return ("<stdin>", p.stdin) if script is None else (script, shlex.join(argv))


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
        p.out("On branch main\nnothing to commit, working tree clean\n")
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
    return p.fail(f"'{sub}' is not a git command. See 'git --help'.", 1)


def _digest_bytes(text: str, length: int) -> bytes:
    """Deterministic bytes standing for a signature or ciphertext of `text`."""
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(f"{counter}:{text}".encode()).digest()
        counter += 1
    return out[:length]


def _armored(kind: str, text: str) -> str:
    body = base64.b64encode(_digest_bytes(text, 48 + len(text) // 4)).decode()
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN PGP {kind}-----\n\n{lines}\n-----END PGP {kind}-----\n"


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
            _armored("SIGNATURE", f"{user}:{p.fs.read(target)}"),
        )
        return 0
    if any(a in args for a in ("--encrypt", "-e", "--symmetric", "-c")) and target:
        p.fs.write(
            target + ".gpg",
            _armored("MESSAGE", p.fs.read(target)),
        )
        return 0
    if any(a in args for a in ("--import", "--verify", "--export", "--armor")):
        return 0
    return p.fail("invalid option", 2)


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
            return p.fail("bad decrypt", 1)
        cipher = "Salted__" + base64.b64encode(_digest_bytes(data, len(data) + 16)).decode() + "\n"
        if dst:
            p.fs.write(dst, cipher)
        else:
            p.out(cipher)
        return 0
    if args[0] == "dgst":
        for f in [a for a in args[1:] if not a.startswith("-")]:
            p.out(f"SHA2-256({f})= {hashlib.sha256(p.fs.read(f).encode()).hexdigest()}\n")
        return 0
    return p.fail(f"Invalid command '{args[0]}'; type \"help\" for a list.")
