"""Upstream prompt texts, loaded verbatim at run time from a pinned revision, never committed.

Fidelity to a paper sometimes needs its exact wording (system prompts, judge templates). That
text is upstream's, so it is handled like upstream data: a `PinnedText` names where it lives
(a plain text file, or a string inside a Python source file) and the sha256 of the text itself,
and `load_text` returns it from a local mirror (where the text sits extracted, as a file), else
the verified cache, else a download of the source at the pinned revision. Whatever the route,
the text is used only if its sha256 is the pinned one, so every route yields the same bytes.

Strings inside Python sources are read with `ast`, never executed: a module constant (`NAME`),
a function's returned string (`func`), or a variable assigned in a function (`func:var`, and
`func:var@2` for its third binding, `+=` included). A subscript path reaches into a dict or
list literal (`PROMPTS["english"][3]`, `func:messages[0]["content"]`). f-strings become
`str.format` templates (literal braces doubled, each replacement field kept as written), which
is how mirrors store them (`*.fmt.txt`). A source written for a newer Python (an f-string that
reuses its own quotes inside a field, Python 3.12) is read all the same. A `.strip()` (or
`lstrip`, `rstrip`) on such a string is applied as Python would, and a pin with `strip` set holds
the text as upstream uses it, stripped where it is used rather than where it is defined.

A text inside a `.tar.gz` archive of JSON Lines is pinned as `member:line:field` (the field of
the JSON object on that 1-based line of that member).

The log records which text ran through `LoadedText.record()`: name, sha256 and origin.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import string
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from trustbench.tasks.upstream_data import (
    DOWNLOAD_TIMEOUT_S,
    ChecksumError,
    DataUnavailableError,
    UpstreamDataError,
    cache_dir,
    sha256,
)

STRIPS = {"strip": str.strip, "lstrip": str.lstrip, "rstrip": str.rstrip}
"""String methods without arguments that extraction applies, as Python would."""

PROMPTS = ("upstream", "trustbench")
"""The values of every task's `prompts` parameter: the paper's wording, or ours."""


class PromptExtractionError(UpstreamDataError):
    """The pinned source has no string where the pin says."""


@dataclass(frozen=True)
class PinnedText:
    """One upstream text, pinned by the sha256 of its UTF-8 bytes."""

    name: str
    """Stable key for logs, e.g. `halluhard/judging/legal_cases/sys-extractor`."""
    url: str
    """The upstream source file at the pinned revision."""
    sha256: str
    mirror_path: str
    """The extracted text, relative to the mirror root handed to `load_text`."""
    symbol: str | None = None
    """Where the text sits: in a Python source (`NAME`, `func`, `func:var@n`, with an optional
    subscript path), in a `.tar.gz` of JSON Lines (`member:line:field`); None for a text file."""
    strip: bool = False
    """Upstream strips the text where it uses it (`SYSTEM.strip()`): every route strips it too."""


@dataclass(frozen=True)
class LoadedText:
    name: str
    text: str
    sha256: str
    origin: str
    """`mirror:<path>`, `cache:<path>` or `download:<url>`."""

    def record(self) -> dict[str, str]:
        """What a log keeps about this text (never the text itself)."""
        return {"name": self.name, "sha256": self.sha256, "origin": self.origin}


def load_text(
    pin: PinnedText,
    mirror: Path | None,
    transport: httpx.BaseTransport | None = None,
    *,
    hint: str,
) -> LoadedText:
    """The pinned text from `mirror` (which must match), else the cache, else a download.

    Raises `ChecksumError` when a mirrored or downloaded text is not the pinned one,
    `DataUnavailableError` when there is no route to it, and `PromptExtractionError` when the
    source has no string at `pin.symbol`. `hint` ends every message (how to provide the text).
    """
    if mirror is not None and (mirror / pin.mirror_path).is_file():
        path = mirror / pin.mirror_path
        text = _decode(path.read_bytes(), str(path), hint)
        text = text.strip() if pin.strip else text
        _verify(text, pin, str(path), hint)
        return LoadedText(pin.name, text, pin.sha256, f"mirror:{path}")
    cached = cache_dir() / "texts" / f"{pin.sha256}.txt"
    if cached.is_file():
        text = cached.read_text(encoding="utf-8", errors="replace")
        if sha256(text.encode("utf-8")) == pin.sha256:
            return LoadedText(pin.name, text, pin.sha256, f"cache:{cached}")
        cached.unlink()
    try:
        with httpx.Client(
            transport=transport, follow_redirects=True, timeout=DOWNLOAD_TIMEOUT_S
        ) as client:
            response = client.get(pin.url)
            response.raise_for_status()
    except httpx.HTTPError as ex:
        looked = f"{mirror / pin.mirror_path} nor " if mirror is not None else ""
        raise DataUnavailableError(
            f"{pin.name} is neither in {looked}{cached}, and downloading {pin.url} failed "
            f"({(str(ex).splitlines() or [type(ex).__name__])[0]}). {hint}".rstrip()
        ) from ex
    text = _extract(pin, response.content, hint)
    text = text.strip() if pin.strip else text
    _verify(text, pin, pin.url, hint)
    _write_atomically(cached, text)
    return LoadedText(pin.name, text, pin.sha256, f"download:{pin.url}")


def fill_template(template: str, values: dict[str, str]) -> str:
    """A `str.format` template from an f-string, filled field by field as written in the source
    (`{prompt['problem']['course_name']}`, `{i + 1}`): `values` is keyed by that field text."""
    pieces: list[str] = []
    for literal, field, _, _ in string.Formatter().parse(template):
        pieces.append(literal)
        if field is not None:
            if field not in values:
                raise PromptExtractionError(f"no value for the field {{{field}}} of the template")
            pieces.append(values[field])
    return "".join(pieces)


def _extract(pin: PinnedText, data: bytes, hint: str) -> str:
    """The pinned text out of a downloaded source file."""
    if pin.symbol is not None and pin.url.endswith((".tar.gz", ".tgz")):
        return archive_field(data, pin.symbol, origin=pin.url)
    source = _decode(data, pin.url, hint)
    return source if pin.symbol is None else python_string(source, pin.symbol, origin=pin.url)


def archive_field(data: bytes, symbol: str, *, origin: str = "<archive>") -> str:
    """`member:line:field` of a `.tar.gz` of JSON Lines: a string field of one record."""
    member, line, field = symbol.rsplit(":", 2)
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            stream = archive.extractfile(member)
            lines = stream.read().decode("utf-8").splitlines() if stream else []
    except (tarfile.TarError, KeyError, UnicodeDecodeError) as ex:
        raise PromptExtractionError(f"{origin}: cannot read {member} ({ex}).") from ex
    number = int(line)
    if not 1 <= number <= len(lines):
        raise PromptExtractionError(f"{origin}: {member} has no line {number}.")
    value = json.loads(lines[number - 1]).get(field)
    if not isinstance(value, str):
        raise PromptExtractionError(f"{origin}: {member}:{number} has no string field '{field}'.")
    return value


_SYMBOL = re.compile(
    r"^(?P<name>\w+)(?::(?P<var>\w+)(?:@(?P<binding>\d+))?)?(?P<path>(?:\[[^\]]+\])*)$"
)


def python_string(source: str, symbol: str, *, origin: str = "<source>") -> str:
    """The string `symbol` names in Python `source`, read without running it.

    `NAME`: a module-level (or class-level) assignment. `func`: the string `func` returns.
    `func:var`: the first binding of `var` inside `func` (methods included), in source order;
    `func:var@n` the n-th (from 0), `+=` counting. A trailing `[key]...` path reaches into a
    dict, list or tuple literal. An f-string field naming a module-level string constant is
    filled in, as Python would; other fields stay as `str.format` fields.
    """
    parsed = _SYMBOL.match(symbol)
    if parsed is None:
        raise PromptExtractionError(f"{origin}: '{symbol}' is not a symbol this loader reads.")
    tree = _parse(source, origin)
    constants = _module_constants(tree)
    node = _find(tree, parsed["name"], parsed["var"], int(parsed["binding"] or 0))
    if node is None:
        raise PromptExtractionError(f"{origin} has no string at '{symbol}'.")
    for key in re.findall(r"\[([^\]]+)\]", parsed["path"]):
        node = _item(node, ast.literal_eval(key), origin, symbol)
    return _string_of(node, constants, origin, symbol)


def _find(tree: ast.Module, name: str, variable: str | None, binding: int) -> ast.expr | None:
    if variable is None:
        for node in _assignments(tree.body):
            if _assigns(node, name) and node.value is not None:
                return node.value
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if function.name != name:
            continue
        if variable is None:
            for inner in ast.walk(function):
                if isinstance(inner, ast.Return) and inner.value is not None:
                    return inner.value
            continue
        bindings = sorted(
            (
                inner
                for inner in ast.walk(function)
                if isinstance(inner, ast.Assign | ast.AnnAssign | ast.AugAssign)
                and inner.value is not None
                and _binds(inner, variable)
            ),
            key=lambda inner: (inner.lineno, inner.col_offset),
        )
        if binding < len(bindings):
            return bindings[binding].value
    return None


def _binds(node: ast.Assign | ast.AnnAssign | ast.AugAssign, name: str) -> bool:
    if isinstance(node, ast.AugAssign):
        return isinstance(node.target, ast.Name) and node.target.id == name
    return _assigns(node, name)


def _item(node: ast.expr, key: object, origin: str, symbol: str) -> ast.expr:
    """`node[key]` for a dict, list or tuple literal."""
    if isinstance(node, ast.Dict):
        for k, v in zip(node.keys, node.values, strict=True):
            if isinstance(k, ast.Constant) and k.value == key:
                return v
    elif isinstance(node, ast.List | ast.Tuple) and isinstance(key, int):
        if -len(node.elts) <= key < len(node.elts):
            return node.elts[key]
    raise PromptExtractionError(f"{origin}: '{symbol}' has no item {key!r}.")


def _parse(source: str, origin: str) -> ast.Module:
    """The module's syntax tree; a source for a newer Python has its f-strings rewritten first."""
    try:
        return ast.parse(source)
    except SyntaxError:
        pass
    try:
        return ast.parse(_older_fstrings(source))
    except SyntaxError as ex:
        raise PromptExtractionError(f"{origin} is not Python this loader can read: {ex}") from ex


def _older_fstrings(source: str) -> str:
    """Python 3.12 lets an f-string field reuse the string's own quote (`f"{d["k"]}"`); earlier
    parsers do not. Such inner quotes become the other quote, which changes no text `ast`
    yields (fields are unparsed, and unparsing normalises quotes)."""
    out: list[str] = []
    i = 0
    while (match := _FSTRING_START.search(source, i)) is not None:
        out.append(source[i : match.end()])
        quote = match.group(1)
        other = "'" if quote[0] == '"' else '"'
        i, depth = match.end(), 0
        while i < len(source) and not (depth == 0 and source.startswith(quote, i)):
            if depth == 0 and source.startswith(("{{", "}}", "\\"), i):
                out.append(source[i : i + 2])  # a literal brace, or an escape
                i += 2
                continue
            char = source[i]
            if char == "{":
                depth += 1
            elif char == "}" and depth:
                depth -= 1
            elif char == quote[0] and depth:
                char = other
            out.append(char)
            i += 1
        out.append(source[i : i + len(quote)])
        i += len(quote)
    out.append(source[i:])
    return "".join(out)


_FSTRING_START = re.compile(r"(?i)(?<!\w)[rb]?f[rb]?(\"\"\"|\'\'\'|\"|\')")


def _assignments(body: list[ast.stmt]) -> list[ast.Assign | ast.AnnAssign]:
    found: list[ast.Assign | ast.AnnAssign] = []
    for node in body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            found.append(node)
        elif isinstance(node, ast.ClassDef):
            found.extend(_assignments(node.body))
    return found


def _assigns(node: ast.Assign | ast.AnnAssign, name: str) -> bool:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return any(isinstance(t, ast.Name) and t.id == name for t in targets)


def _module_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound to plain string constants (the last binding wins)."""
    constants: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Constant):
            if isinstance(node.value.value, str):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                constants.update(
                    {t.id: node.value.value for t in targets if isinstance(t, ast.Name)}
                )
    return constants


def _string_of(node: ast.expr, constants: dict[str, str], origin: str, symbol: str) -> str:
    """A string expression as text: constants, f-strings, `+` of them.

    An f-string whose fields are all module constants is its runtime text; any other becomes a
    `str.format` template (literal braces doubled).
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        if all(_is_constant_field(value, constants) for value in node.values):
            return "".join(_runtime_part(value, constants) for value in node.values)
        return "".join(_template_part(value, constants) for value in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _string_of(node.left, constants, origin, symbol) + _string_of(
            node.right, constants, origin, symbol
        )
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in STRIPS
        and not node.args
        and not node.keywords
    ):
        return STRIPS[node.func.attr](_string_of(node.func.value, constants, origin, symbol))
    raise PromptExtractionError(
        f"{origin}: '{symbol}' is not a plain string expression ({type(node).__name__})."
    )


def _is_constant_field(value: ast.expr, constants: dict[str, str]) -> bool:
    if isinstance(value, ast.Constant):
        return True
    return (
        isinstance(value, ast.FormattedValue)
        and isinstance(value.value, ast.Name)
        and value.value.id in constants
        and value.format_spec is None
    )


def _runtime_part(value: ast.expr, constants: dict[str, str]) -> str:
    """One piece of an f-string whose every field is a module constant: its runtime text."""
    if isinstance(value, ast.Constant):
        return str(value.value)
    assert isinstance(value, ast.FormattedValue) and isinstance(value.value, ast.Name)
    filled = constants[value.value.id]
    return repr(filled) if value.conversion == ord("r") else filled


def _template_part(value: ast.expr, constants: dict[str, str]) -> str:
    """One piece of an f-string in `str.format` form."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value.replace("{", "{{").replace("}", "}}")
    assert isinstance(value, ast.FormattedValue)
    inner = value.value
    if isinstance(inner, ast.Name) and inner.id in constants and value.format_spec is None:
        filled = constants[inner.id]
        if value.conversion == ord("r"):
            filled = repr(filled)
        return filled.replace("{", "{{").replace("}", "}}")
    field = ast.unparse(inner)
    if value.conversion != -1:
        field += "!" + chr(value.conversion)
    if isinstance(value.format_spec, ast.JoinedStr):
        spec = "".join(_template_part(v, constants) for v in value.format_spec.values)
        field += ":" + spec.replace("{{", "{").replace("}}", "}")
    return "{" + field + "}"


def _decode(data: bytes, where: str, hint: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as ex:
        raise ChecksumError(
            f"{where} is not UTF-8 text (byte {ex.start}); it is not the pinned upstream "
            f"file. {hint}".rstrip()
        ) from ex


def _verify(text: str, pin: PinnedText, where: str, hint: str) -> None:
    digest = sha256(text.encode("utf-8"))
    if digest != pin.sha256:
        raise ChecksumError(
            f"{where} is not {pin.name} as pinned: sha256 {digest}, expected {pin.sha256}. "
            f"Replace it with the upstream text. {hint}".rstrip()
        )


def _write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
