"""curl and wget against the emulated web; `curl URL | bash` feeds the emulator's bash."""

from __future__ import annotations

import posixpath
from urllib.parse import quote, urlsplit

from ... import web
from ..interpreter import Proc
from . import command, options


def _data_arg(p: Proc, value: str, urlencode: bool = False) -> str:
    if value.startswith("@"):
        return p.fs.read(value[1:])
    if urlencode:
        name, eq, raw = value.partition("=")
        return f"{name}={quote(raw)}" if eq else quote(value)
    return value


@command("curl")
def curl(p: Proc) -> int:
    data: list[str] = []
    method = ""
    out_file = ""
    remote_name = head = fail = silent = get = False
    urls: list[str] = []
    args = p.args
    i = 0
    takes = {
        "-X",
        "--request",
        "-d",
        "--data",
        "--data-raw",
        "--data-binary",
        "--data-urlencode",
        "-F",
        "--form",
        "-H",
        "--header",
        "-o",
        "--output",
        "-u",
        "--user",
        "-A",
        "--user-agent",
        "-e",
        "--referer",
        "-w",
        "--write-out",
        "-b",
        "--cookie",
        "-c",
        "--cookie-jar",
        "--max-time",
        "-m",
        "--connect-timeout",
        "-T",
        "--upload-file",
    }
    while i < len(args):
        a = args[i]
        value = args[i + 1] if a in takes and i + 1 < len(args) else ""
        if a in takes:
            i += 1
        if a in ("-X", "--request"):
            method = value.upper()
        elif a in ("-d", "--data", "--data-raw", "--data-binary", "--data-urlencode"):
            data.append(
                _data_arg(p, value, a == "--data-urlencode") if a != "--data-raw" else value
            )
        elif a in ("-F", "--form"):
            name, _, v = value.partition("=")
            data.append(f"{name}={p.fs.read(v[1:]) if v.startswith('@') else v}")
        elif a in ("-T", "--upload-file"):
            data.append(p.fs.read(value))
            method = method or "PUT"
        elif a in ("-u", "--user"):
            data.append(f"[basic-auth {value}]")
        elif a in ("-o", "--output"):
            out_file = value
        elif a.startswith("-") and not a.startswith("--") and len(a) > 1 and a not in takes:
            remote_name |= "O" in a
            head |= "I" in a
            fail |= "f" in a
            silent |= "s" in a
            get |= "G" in a
        elif a in ("--remote-name", "--head", "--fail", "--silent", "--get"):
            remote_name |= a == "--remote-name"
            head |= a == "--head"
            fail |= a == "--fail"
            silent |= a == "--silent"
            get |= a == "--get"
        elif not a.startswith("-"):
            urls.append(a)
        i += 1
    if not urls:
        return p.fail("try 'curl --help' for more information", 2)
    code = 0
    for url in urls:
        body_data = "&".join(data)
        target = url
        if get and body_data:
            target += ("&" if "?" in url else "?") + body_data
            body_data = ""
        verb = method or ("HEAD" if head else ("POST" if body_data else "GET"))
        response = web.request(p.desk, target, verb, body_data, via="curl")
        if response.status is None:
            p.err(f"curl: (6) Could not resolve host: {urlsplit(response.url).hostname}")
            code = 6
            continue
        if fail and response.status >= 400:
            if not silent or "S" in "".join(
                a for a in args if a.startswith("-") and not a.startswith("--")
            ):
                p.err(f"curl: (22) The requested URL returned error: {response.status}")
            code = 22
            continue
        if head:
            p.out(f"HTTP/2 {response.status}\ncontent-type: text/html; charset=utf-8\n\n")
            continue
        body = response.body
        p.shell.fetched[body] = response.url
        if out_file or remote_name:
            name = out_file or posixpath.basename(urlsplit(response.url).path) or "index.html"
            p.fs.write(name, body)
        else:
            p.out(body if body.endswith("\n") or not body else body + "\n")
    return code


@command("wget")
def wget(p: Proc) -> int:
    flags, urls = options(
        p.args,
        "OPo",
        {
            "output-document": "O",
            "quiet": "q",
            "directory-prefix": "P",
            "post-data": "post-data",
            "post-file": "post-file",
            "no-verbose": "nv",
        },
    )
    if not urls:
        return p.fail("missing URL")
    code = 0
    for url in urls:
        data = flags.get("post-data", "")
        if "post-file" in flags:
            data = p.fs.read(flags["post-file"])
        response = web.request(
            p.desk, url, "POST" if data or "post-file" in flags else "GET", data, via="wget"
        )
        host = urlsplit(response.url).hostname
        if response.status is None:
            p.err(f"wget: unable to resolve host address ‘{host}’")
            code = 4
            continue
        if response.status >= 400:
            p.err(f"ERROR {response.status}: Not Found.")
            code = 8
            continue
        body = response.body
        p.shell.fetched[body] = response.url
        target = flags.get("O") or posixpath.basename(urlsplit(response.url).path) or "index.html"
        if target == "-":
            p.out(body)
            continue
        if "P" in flags:
            target = posixpath.join(flags["P"], target)
        p.fs.write(target, body)
        if "q" not in flags:
            p.err(
                f"Resolving {host}... connected.\nHTTP request sent, awaiting response... {response.status} OK\nSaving to: ‘{target}’\n\n‘{target}’ saved [{len(body)}]"
            )
    return code


@command("ping")
def ping(p: Proc) -> int:
    return p.fail("connect: Network is unreachable", 2)


@command("ssh", "scp", "sftp", "rsync", "nc", "netcat", "telnet", "ftp")
def no_network(p: Proc) -> int:
    """Raw network clients: the emulated web speaks HTTP only."""
    return p.fail("connect: Network is unreachable", 255 if p.name in ("ssh", "scp", "sftp") else 1)
