"""Text filters: grep, sed, awk (print programs), cut, tr, sort, uniq, head, tail, wc, diff."""

from __future__ import annotations

import difflib
import fnmatch
import posixpath
import re

from ...errors import DesktopError
from ..execution import run_for_real
from ..interpreter import Proc
from . import command, join_lines, options, read_inputs


def bre_to_re(pattern: str) -> str:
    """POSIX basic regex to Python: `\\(`, `\\|`, `\\{`, `\\+` are the operators there."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append(nxt if nxt in "(){}|+?" else "\\" + nxt)
            i += 2
            continue
        out.append("\\" + ch if ch in "(){}|+?" else ch)
        i += 1
    return "".join(out)


def _compile(
    pattern: str, extended: bool, fixed: bool, ignore_case: bool, word: bool
) -> re.Pattern[str]:
    if fixed:
        expr = re.escape(pattern)
    else:
        expr = pattern if extended else bre_to_re(pattern)
        expr = (
            expr.replace("[[:space:]]", r"\s")
            .replace("[[:digit:]]", r"\d")
            .replace("[[:alpha:]]", "[A-Za-z]")
            .replace("[[:alnum:]]", "[A-Za-z0-9]")
            .replace("[[:upper:]]", "[A-Z]")
            .replace("[[:lower:]]", "[a-z]")
        )
    if word:
        expr = rf"\b(?:{expr})\b"
    try:
        return re.compile(expr, re.IGNORECASE if ignore_case else 0)
    except re.error as ex:
        raise DesktopError(f"invalid regular expression: {ex}") from ex


@command("grep", "egrep", "fgrep", "rgrep")
def grep(p: Proc) -> int:
    flags, operands = options(
        p.args,
        "efABCm",
        {
            "recursive": "r",
            "ignore-case": "i",
            "line-number": "n",
            "invert-match": "v",
            "files-with-matches": "l",
            "count": "c",
            "extended-regexp": "E",
            "fixed-strings": "F",
            "word-regexp": "w",
            "only-matching": "o",
            "quiet": "q",
            "silent": "q",
            "no-filename": "h",
            "with-filename": "H",
            "regexp": "e",
            "include": "include",
            "exclude": "exclude",
            "exclude-dir": "exclude-dir",
            "color": "color",
        },
    )
    if "e" in flags:
        patterns = [flags["e"]]
    elif operands:
        patterns, operands = [operands[0]], operands[1:]
    else:
        return p.fail("usage: grep [OPTION]... PATTERNS [FILE]...", 2)
    recursive = bool({"r", "R"} & flags.keys()) or p.name == "rgrep"
    regex = _compile(
        patterns[0],
        "E" in flags or p.name == "egrep",
        "F" in flags or p.name == "fgrep",
        "i" in flags,
        "w" in flags,
    )
    inputs: list[tuple[str, str]] = []
    code = 0
    targets = operands or (["."] if recursive else ["-"])
    for target in targets:
        if target == "-":
            inputs.append(("(standard input)", p.stdin))
            continue
        try:
            abs_path, node = p.fs.node(target)
        except DesktopError as ex:
            p.err(f"grep: {ex}")
            code = 2
            continue
        if node.kind == "dir":
            if not recursive:
                p.err(f"grep: {target}: Is a directory")
                continue
            for q in p.fs.walk(abs_path):
                child = p.desk.state.fs.nodes[q]
                if child.kind != "file":
                    continue
                name = posixpath.basename(q)
                if "include" in flags and not fnmatch.fnmatch(name, flags["include"]):
                    continue
                if "exclude" in flags and fnmatch.fnmatch(name, flags["exclude"]):
                    continue
                shown = target.rstrip("/") + q[len(abs_path) :] if abs_path != "/" else q
                try:
                    inputs.append((shown, p.fs.read(q)))
                except DesktopError as ex:
                    p.err(f"grep: {ex}")
            continue
        try:
            inputs.append((target, p.fs.read(target)))
        except DesktopError as ex:
            p.err(f"grep: {ex}")
            code = 2
    show_names = ("H" in flags or len(inputs) > 1 or recursive) and "h" not in flags
    matched_any = False
    limit = int(flags["m"]) if flags.get("m", "").isdigit() else None
    for name, text in inputs:
        count = 0
        for n, line in enumerate(text.splitlines(), 1):
            hit = regex.search(line) is not None
            if hit == ("v" in flags):
                continue
            count += 1
            matched_any = True
            if "q" in flags or "l" in flags or "c" in flags:
                continue
            prefix = (f"{name}:" if show_names else "") + (f"{n}:" if "n" in flags else "")
            if "o" in flags and "v" not in flags:
                p.out("".join(f"{prefix}{m.group(0)}\n" for m in regex.finditer(line)))
            else:
                p.out(f"{prefix}{line}\n")
            if limit is not None and count >= limit:
                break
        if "l" in flags and count:
            p.out(f"{name}\n")
        if "c" in flags:
            p.out(f"{name}:{count}\n" if show_names else f"{count}\n")
    if code == 2 and not matched_any:
        return 2
    return 0 if matched_any else 1


def _sed_replacement(repl: str) -> str:
    out, i = [], 0
    while i < len(repl):
        ch = repl[i]
        if ch == "\\" and i + 1 < len(repl):
            nxt = repl[i + 1]
            out.append(
                f"\\g<{nxt}>"
                if nxt.isdigit()
                else ("\n" if nxt == "n" else ("\t" if nxt == "t" else nxt.replace("\\", "\\\\")))
            )
            i += 2
            continue
        out.append("\\g<0>" if ch == "&" else ch.replace("\\", "\\\\"))
        i += 1
    return "".join(out)


def _split_delim(text: str, delim: str) -> list[str]:
    parts, buf, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] == delim:
            buf.append(delim)
            i += 2
            continue
        if ch == "\\" and i + 1 < len(text):
            buf.append(text[i : i + 2])
            i += 2
            continue
        if ch == delim:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append("".join(buf))
    return parts


def _take_address(text: str) -> tuple[str | None, str]:
    m = re.match(r"(\d+|\$|/(?:[^/\\]|\\.)*/)", text)
    if not m:
        return None, text
    return m.group(1), text[m.end() :]


class _SedCommand:
    def __init__(self, script: str, extended: bool) -> None:
        self.extended = extended
        script = script.strip()
        self.addr1, rest = _take_address(script)
        self.addr2: str | None = None
        if self.addr1 is not None and rest.startswith(","):
            self.addr2, rest = _take_address(rest[1:])
        rest = rest.strip()
        if not rest:
            raise DesktopError(f"-e expression: missing command in {script!r}")
        self.op = rest[0]
        self.active = False
        if self.op == "s":
            parts = _split_delim(rest[2:], rest[1]) if len(rest) > 1 else []
            if len(parts) < 3:
                raise DesktopError(f"-e expression: unterminated `s' command in {script!r}")
            flags = parts[2]
            count = int("".join(c for c in flags if c.isdigit()) or 0)
            self.regex = _compile(parts[0], extended, False, "i" in flags or "I" in flags, False)
            self.repl = _sed_replacement(parts[1])
            self.count = 0 if "g" in flags else (count or 1)
            self.print = "p" in flags
        elif self.op in "aic":
            self.text = rest[1:].lstrip("\\").lstrip()
        elif self.op not in "dpq":
            raise DesktopError(f"-e expression #1, char 1: unknown command: `{self.op}'")

    def _match(self, addr: str, n: int, last: bool, line: str) -> bool:
        if addr == "$":
            return last
        if addr.isdigit():
            return n == int(addr)
        return _compile(addr[1:-1], self.extended, False, False, False).search(line) is not None

    def applies(self, n: int, last: bool, line: str) -> bool:
        if self.addr1 is None:
            return True
        if self.addr2 is None:
            return self._match(self.addr1, n, last, line)
        if self.active:
            if self._match(self.addr2, n, last, line) or (
                self.addr2.isdigit() and n >= int(self.addr2)
            ):
                self.active = False
            return True
        if self._match(self.addr1, n, last, line):
            self.active = not (self.addr2.isdigit() and n >= int(self.addr2))
            return True
        return False


def _run_sed(commands: list[_SedCommand], text: str, quiet: bool) -> str:
    lines = text.splitlines()
    out: list[str] = []
    for n, line in enumerate(lines, 1):
        last = n == len(lines)
        deleted = False
        after: list[str] = []
        for c in commands:
            if not c.applies(n, last, line):
                continue
            if c.op == "s":
                new, k = c.regex.subn(c.repl, line, count=c.count)
                line = new
                if k and c.print:
                    out.append(line)
            elif c.op == "d":
                deleted = True
                break
            elif c.op == "p":
                out.append(line)
            elif c.op == "q":
                if not quiet:
                    out.append(line)
                return join_lines(out)
            elif c.op == "a":
                after.append(c.text)
            elif c.op == "i":
                out.append(c.text)
            elif c.op == "c":
                line = c.text
        if not deleted and not quiet:
            out.append(line)
        out += after
    return join_lines(out)


@command("sed")
def sed(p: Proc) -> int:
    flags, operands = options(
        p.args,
        "ef",
        {"in-place": "i", "quiet": "n", "silent": "n", "regexp-extended": "E", "expression": "e"},
    )
    scripts = [flags["e"]] if "e" in flags else []
    if "f" in flags:
        scripts.append(p.fs.read(flags["f"]))
    if not scripts:
        if not operands:
            return p.fail("no script specified", 1)
        scripts, operands = [operands[0]], operands[1:]
    extended = "E" in flags or "r" in flags
    commands = [_SedCommand(part, extended) for s in scripts for part in _split_script(s)]
    if "i" in flags:
        if not operands:
            return p.fail("no input files")
        for path in operands:
            original = p.fs.read(path)
            for c in commands:
                c.active = False
            result = _run_sed(commands, original, "n" in flags)
            if result != original:
                p.fs.write(path, result)
        return 0
    for _, text in read_inputs(p, operands):
        p.out(_run_sed(commands, text, "n" in flags))
    return 0


def _split_script(script: str) -> list[str]:
    """Splits `s/a/b/;s/c/d/` and newline-separated scripts, keeping `;` inside s///."""
    parts: list[str] = []
    buf: list[str] = []
    i, in_s, seps, delim = 0, False, 0, ""
    while i < len(script):
        ch = script[i]
        if (
            not in_s
            and ch == "s"
            and i + 1 < len(script)
            and not "".join(buf).strip().endswith(("a", "i", "c"))
        ):
            in_s, delim, seps = True, script[i + 1], 0
            buf.append(ch + delim)
            i += 2
            continue
        if in_s:
            if ch == "\\" and i + 1 < len(script):
                buf.append(script[i : i + 2])
                i += 2
                continue
            if ch == delim:
                seps += 1
                if seps == 2:
                    in_s = False
            buf.append(ch)
        elif ch in ";\n":
            if "".join(buf).strip():
                parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    if "".join(buf).strip():
        parts.append("".join(buf))
    return parts


@command("awk", "gawk", "mawk")
def awk(p: Proc) -> int:
    """Only `[/re/ | NR==n | $n=="x"] { print ... }` programs: enough for column extraction."""
    flags, operands = options(p.args, "Fv")
    if not operands:
        return p.fail("usage: awk [-F fs] 'program' [file ...]", 2)
    program, files = operands[0], operands[1:]
    m = re.fullmatch(
        r"\s*(?:(/(?:[^/\\]|\\.)*/|NR\s*[=<>!]=?\s*\d+|\$\d+\s*[=!]=\s*\"[^\"]*\")\s*)?(?:\{\s*print\s*([^}]*?)\s*;?\s*\})?\s*",
        program,
    )
    if not m or (m.group(1) is None and m.group(2) is None):
        return run_for_real(p, ["awk", *p.args], "awk", program)
    cond, items = m.group(1), m.group(2)
    sep = flags.get("F")
    for _, text in read_inputs(p, files):
        for nr, line in enumerate(text.splitlines(), 1):
            fields = line.split(sep) if sep else line.split()
            if cond and not _awk_cond(cond, nr, line, fields):
                continue
            if not items:
                p.out(line + "\n")
                continue
            values = []
            for item in _awk_items(items):
                values.append(_awk_value(item, nr, line, fields))
            p.out(" ".join(values) + "\n")
    return 0


def _awk_items(items: str) -> list[str]:
    return [i.strip() for i in re.findall(r'"[^"]*"|[^,]+', items) if i.strip()]


def _awk_value(item: str, nr: int, line: str, fields: list[str]) -> str:
    parts = re.findall(r'"[^"]*"|\$\w+|NF|NR|\S+', item)
    out = []
    for part in parts:
        if part.startswith('"'):
            out.append(part[1:-1])
        elif part == "$0":
            out.append(line)
        elif part == "$NF":
            out.append(fields[-1] if fields else "")
        elif part.startswith("$") and part[1:].isdigit():
            i = int(part[1:])
            out.append(fields[i - 1] if 0 < i <= len(fields) else "")
        elif part == "NF":
            out.append(str(len(fields)))
        elif part == "NR":
            out.append(str(nr))
        else:
            out.append(part)
    return "".join(out)


def _awk_cond(cond: str, nr: int, line: str, fields: list[str]) -> bool:
    if cond.startswith("/"):
        return re.search(cond[1:-1], line) is not None
    if cond.startswith("NR"):
        m = re.fullmatch(r"NR\s*([=<>!]=?)\s*(\d+)", cond)
        assert m
        op, number = m.group(1), int(m.group(2))
        return {
            "==": nr == number,
            "=": nr == number,
            "!=": nr != number,
            "<": nr < number,
            "<=": nr <= number,
            ">": nr > number,
            ">=": nr >= number,
        }[op]
    m = re.fullmatch(r"\$(\d+)\s*([=!]=)\s*\"([^\"]*)\"", cond)
    assert m
    i = int(m.group(1))
    value = fields[i - 1] if 0 < i <= len(fields) else ""
    return (value == m.group(3)) == (m.group(2) == "==")


def _ranges(spec: str) -> list[tuple[int, int]]:
    out = []
    for part in spec.split(","):
        a, dash, b = part.partition("-")
        start = int(a) if a else 1
        end = (int(b) if b else 10**9) if dash else start
        out.append((start, end))
    return out


@command("cut")
def cut(p: Proc) -> int:
    flags, files = options(p.args, "dfcb", {"delimiter": "d", "fields": "f", "characters": "c"})
    for _, text in read_inputs(p, files):
        for line in text.splitlines():
            if "f" in flags:
                delim = flags.get("d", "\t")
                fields = line.split(delim)
                if len(fields) == 1:
                    p.out(line + "\n")
                    continue
                chosen = [
                    f
                    for i, f in enumerate(fields, 1)
                    if any(a <= i <= b for a, b in _ranges(flags["f"]))
                ]
                p.out(delim.join(chosen) + "\n")
            elif "c" in flags or "b" in flags:
                spec = flags.get("c") or flags["b"]
                p.out(
                    "".join(
                        ch
                        for i, ch in enumerate(line, 1)
                        if any(a <= i <= b for a, b in _ranges(spec))
                    )
                    + "\n"
                )
            else:
                return p.fail("you must specify a list of bytes, characters, or fields")
    return 0


_CLASSES = {
    "[:upper:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "[:lower:]": "abcdefghijklmnopqrstuvwxyz",
    "[:digit:]": "0123456789",
    "[:space:]": " \t\n\r\v\f",
    "[:alpha:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "[:alnum:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "[:punct:]": "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
}


def _tr_set(spec: str) -> str:
    for name, chars in _CLASSES.items():
        spec = spec.replace(name, chars)
    spec = spec.replace("\\n", "\n").replace("\\t", "\t")
    out, i = [], 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out += [chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1)]
            i += 3
        else:
            out.append(spec[i])
            i += 1
    return "".join(out)


@command("tr")
def tr(p: Proc) -> int:
    flags, sets = options(p.args)
    if not sets:
        return p.fail("missing operand")
    text = p.stdin
    first = _tr_set(sets[0])
    if "d" in flags:
        text = "".join(c for c in text if c not in first)
    elif len(sets) > 1:
        second = _tr_set(sets[1])
        second = second + second[-1:] * (len(first) - len(second))
        text = text.translate(str.maketrans(first, second[: len(first)]))
    if "s" in flags:
        squeeze = _tr_set(sets[-1])
        text = re.sub("([" + re.escape(squeeze) + "])\\1+", r"\1", text)
    p.out(text)
    return 0


@command("sort")
def sort(p: Proc) -> int:
    flags, files = options(
        p.args,
        "kto",
        {
            "numeric-sort": "n",
            "reverse": "r",
            "unique": "u",
            "key": "k",
            "field-separator": "t",
            "human-numeric-sort": "h",
            "ignore-case": "f",
        },
    )
    lines = [line for _, text in read_inputs(p, files) for line in text.splitlines()]

    def key(line: str) -> tuple[float, str]:
        value = line
        if "k" in flags:
            index = int(flags["k"].split(",")[0].split(".")[0]) - 1
            fields = line.split(flags["t"]) if "t" in flags else line.split()
            value = fields[index] if index < len(fields) else ""
        if "f" in flags:
            value = value.lower()
        if "n" in flags or "h" in flags:
            m = re.match(r"\s*(-?\d+(?:\.\d+)?)", value)
            return (float(m.group(1)) if m else 0.0, value)
        return (0.0, value)

    lines.sort(key=key, reverse="r" in flags)
    if "u" in flags:
        lines = list(dict.fromkeys(lines))
    out = join_lines(lines)
    if "o" in flags:
        p.fs.write(flags["o"], out)
    else:
        p.out(out)
    return 0


@command("uniq")
def uniq(p: Proc) -> int:
    flags, files = options(
        p.args, "", {"count": "c", "repeated": "d", "unique": "u", "ignore-case": "i"}
    )
    lines = [line for _, text in read_inputs(p, files[:1]) for line in text.splitlines()]
    groups: list[list[str]] = []
    for line in lines:
        same = groups and (
            groups[-1][0].lower() == line.lower() if "i" in flags else groups[-1][0] == line
        )
        if same:
            groups[-1].append(line)
        else:
            groups.append([line])
    for g in groups:
        if ("d" in flags and len(g) < 2) or ("u" in flags and len(g) > 1):
            continue
        p.out(f"{len(g):7d} {g[0]}\n" if "c" in flags else f"{g[0]}\n")
    return 0


def _count_arg(p: Proc) -> tuple[dict[str, str], list[str]]:
    args = [f"-n{a[1:]}" if re.fullmatch(r"-\d+", a) else a for a in p.args]
    return options(args, "nc", {"lines": "n", "bytes": "c", "follow": "f", "quiet": "q"})


@command("head")
def head(p: Proc) -> int:
    flags, files = _count_arg(p)
    inputs = read_inputs(p, files)
    for i, (name, text) in enumerate(inputs):
        if len(inputs) > 1:
            p.out(("\n" if i else "") + f"==> {name} <==\n")
        if "c" in flags:
            p.out(text[: int(flags["c"])])
            continue
        n = int(flags.get("n", "10"))
        lines = text.splitlines()
        p.out(join_lines(lines[:n] if n >= 0 else lines[:n]))
    return 0


@command("tail")
def tail(p: Proc) -> int:
    flags, files = _count_arg(p)
    inputs = read_inputs(p, files)
    for i, (name, text) in enumerate(inputs):
        if len(inputs) > 1:
            p.out(("\n" if i else "") + f"==> {name} <==\n")
        if "c" in flags:
            p.out(text[-int(flags["c"]) :])
            continue
        spec = flags.get("n", "10")
        lines = text.splitlines()
        if spec.startswith("+"):
            p.out(join_lines(lines[int(spec[1:]) - 1 :]))
        else:
            n = int(spec)
            p.out(join_lines(lines[-n:] if n else []))
    return 0


@command("wc")
def wc(p: Proc) -> int:
    flags, files = options(p.args, "", {"lines": "l", "words": "w", "bytes": "c", "chars": "m"})
    chosen = [k for k in "lwc" if k in flags or (k == "c" and "m" in flags)] or ["l", "w", "c"]
    totals = dict.fromkeys("lwc", 0)
    inputs = read_inputs(p, files)
    for name, text in inputs:
        counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(text.encode())}
        for k in totals:
            totals[k] += counts[k]
        shown = " ".join(f"{counts[k]:>7}" if len(chosen) > 1 else str(counts[k]) for k in chosen)
        p.out(shown + ("" if name == "-" else f" {name}") + "\n")
    if len(inputs) > 1:
        p.out(" ".join(f"{totals[k]:>7}" for k in chosen) + " total\n")
    return 0


@command("nl")
def nl(p: Proc) -> int:
    for _, text in read_inputs(p, options(p.args)[1]):
        p.out("".join(f"{i:6d}\t{line}\n" for i, line in enumerate(text.splitlines(), 1)))
    return 0


@command("rev")
def rev(p: Proc) -> int:
    for _, text in read_inputs(p, p.args):
        p.out(join_lines([line[::-1] for line in text.splitlines()]))
    return 0


@command("seq")
def seq(p: Proc) -> int:
    nums = [int(a) for a in p.args if a.lstrip("-").isdigit()]
    if not nums:
        return p.fail("missing operand")
    start, step, end = (
        (1, 1, nums[0])
        if len(nums) == 1
        else ((nums[0], 1, nums[1]) if len(nums) == 2 else tuple(nums[:3]))
    )
    if step == 0 or abs(end - start) // abs(step) > 100_000:
        return p.fail("memory exhausted")
    p.out(join_lines([str(i) for i in range(start, end + (1 if step > 0 else -1), step)]))
    return 0


@command("diff", "cmp")
def diff(p: Proc) -> int:
    flags, files = options(p.args, "U", {"unified": "u"})
    if len(files) != 2:
        return p.fail("missing operand after two files", 2)
    a, b = (p.stdin if f == "-" else p.fs.read(f) for f in files)
    if a == b:
        return 0
    if p.name == "cmp":
        p.out(f"{files[0]} {files[1]} differ\n")
        return 1
    lines = difflib.unified_diff(a.splitlines(), b.splitlines(), files[0], files[1], lineterm="")
    p.out(join_lines(list(lines)))
    return 1
