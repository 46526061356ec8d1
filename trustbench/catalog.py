"""The catalog: every task and suite trustbench can run, built-in and from plugins."""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from inspect_ai import Task
from inspect_ai._util.registry import registry_info
from pydantic import ConfigDict, TypeAdapter, ValidationError

from trustbench.errors import TaskArgumentError, TrustbenchError, UnknownNameError
from trustbench.plugins import NEEDS, Plugin, discover_plugins
from trustbench.suites import Suite, find_suites


@dataclass(frozen=True)
class TaskParameter:
    name: str
    default: Any
    type: Any
    """The resolved annotation (`Any` when the parameter has none)."""

    @property
    def required(self) -> bool:
        return self.default is inspect.Parameter.empty

    @property
    def annotation(self) -> str:
        """The type as a user writes values for it: `grid|table`, `int`, `list[int] | str`."""
        return describe_type(self.type)

    def validate(self, value: Any, label: str | None = None) -> Any:
        """The value as the task declares it (`-T sizes=3` for `list[int] | str` gives "3"), or
        a `TaskArgumentError` naming the parameter (as `label`, e.g. `-T sizes`) and what it
        accepts."""
        try:
            return self._adapter.validate_python(value)
        except ValidationError as ex:
            raise TaskArgumentError(
                f"{label or self.name}={value!r}: expected {self._expected(ex)}"
            ) from None

    @cached_property
    def _adapter(self) -> TypeAdapter[Any]:
        """Lax, as a command line needs: `3` is also a `str` (the YAML of `-T` makes it an int)."""
        config = ConfigDict(coerce_numbers_to_str=True, arbitrary_types_allowed=True)
        return TypeAdapter(self.type, config=config)

    def _expected(self, error: ValidationError) -> str:
        literal = _literal_values(self.type)
        expected = f"one of {', '.join(map(str, literal))}" if literal else self.annotation
        constraint = next(
            (e["msg"] for e in error.errors() if e.get("ctx") and "expected" not in e["ctx"]),
            None,
        )
        return f"{expected} ({constraint})" if constraint else expected


def _literal_values(annotation: Any) -> list[Any]:
    """The allowed values when the type is a `Literal` (optionally `| None`), else []."""
    if get_origin(annotation) is Annotated:
        return _literal_values(get_args(annotation)[0])
    if get_origin(annotation) is Literal:
        return list(get_args(annotation))
    if get_origin(annotation) in (Union, UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _literal_values(members[0])
    return []


def describe_type(annotation: Any) -> str:
    """`Literal["a", "b"]` as `a|b`, `list[int] | None` as `list[int] | null`."""
    origin, args = get_origin(annotation), get_args(annotation)
    if annotation is Any:
        return "any"
    if annotation is type(None):
        return "null"
    if origin is Annotated:
        return describe_type(args[0])
    if origin is Literal:
        return "|".join(str(a) for a in args)
    if origin in (Union, UnionType):
        return " | ".join(describe_type(a) for a in args)
    if origin is not None:
        inner = ", ".join(describe_type(a) for a in args)
        return f"{getattr(origin, '__name__', str(origin))}[{inner}]" if inner else origin.__name__
    return getattr(annotation, "__name__", str(annotation))


@dataclass(frozen=True)
class TaskEntry:
    name: str
    """The registry name, `package/task`, which `inspect eval` also accepts."""
    plugin: str
    summary: str
    parameters: tuple[TaskParameter, ...]
    needs: dict[str, str]
    function: Callable[..., Task]
    renamed: dict[str, str] = field(default_factory=dict)
    """Old parameter names and the names that replaced them, declared with
    `@task(renamed={"old": "new"})`: an old name is an error that names the new one."""
    stand_ins: dict[str, str] = field(default_factory=dict)
    """The scripted policies `scripted/reference` and `scripted/baseline` play on this task."""

    @property
    def short_name(self) -> str:
        return self.name.split("/", 1)[-1]

    def parameter(self, name: str) -> TaskParameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def check_argument(self, key: str, value: Any, origin: str, label: str | None = None) -> Any:
        """The value as the task declares it, checked before anything runs. Errors start with
        `origin` (where the argument came from: a suite file entry, or "" for the command line)
        and show the argument as `label` (`-T key` for a command-line value)."""
        parameter = self.parameter(key)
        if parameter is None:
            raise TaskArgumentError(f"{origin}{self.name}: {self.unknown_parameter(key)}")
        try:
            return parameter.validate(value, label)
        except TaskArgumentError as ex:
            raise TaskArgumentError(f"{origin}{self.name}: {ex}") from None

    def check_complete(self, args: dict[str, Any], origin: str) -> None:
        missing = [p.name for p in self.parameters if p.required and p.name not in args]
        if missing:
            raise TaskArgumentError(
                f"{origin}{self.name} needs {', '.join(missing)}: pass -T {missing[0]}=..."
            )

    def unknown_parameter(self, key: str) -> str:
        """Why `key` is not a parameter, and what to pass instead."""
        if key in self.renamed:
            return f"parameter '{key}' is now called '{self.renamed[key]}': pass {self.renamed[key]}=..."
        names = [p.name for p in self.parameters]
        close = difflib.get_close_matches(key, names, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        return f"no parameter '{key}'.{hint} Its parameters: {', '.join(names) or '(none)'}"

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "plugin": self.plugin,
            "summary": self.summary,
            "needs": self.needs,
            "renamed": self.renamed,
            "stand_ins": self.stand_ins,
            "parameters": [
                {
                    "name": p.name,
                    "type": p.annotation,
                    "default": None if p.required else p.default,
                    "required": p.required,
                }
                for p in self.parameters
            ],
        }


def _entry(plugin: Plugin, function: Callable[..., Task]) -> TaskEntry:
    info = registry_info(function)
    attribs = info.metadata.get("attribs", {})
    needs = dict(attribs.get("needs", {}))
    unknown = set(needs) - set(NEEDS)
    if unknown:
        raise TrustbenchError(
            f"Task {info.name} declares unknown needs {sorted(unknown)}; allowed: {list(NEEDS)}."
        )
    try:
        hints = get_type_hints(inspect.unwrap(function), include_extras=True)
    except NameError as ex:
        raise TrustbenchError(
            f"Task {info.name} ({plugin.name}): the types of its parameters cannot be resolved "
            f"({ex}). Import the names its annotations use."
        ) from ex
    parameters = tuple(
        TaskParameter(name=p.name, default=p.default, type=hints.get(p.name, Any))
        for p in inspect.signature(function).parameters.values()
    )
    renamed = dict(attribs.get("renamed", {}))
    names = {p.name for p in parameters}
    clashes = {old: new for old, new in renamed.items() if old in names or new not in names}
    if clashes:
        raise TrustbenchError(
            f"Task {info.name} declares renamed={clashes}, but each old name must be gone from "
            "its parameters and each new name present."
        )
    doc = inspect.getdoc(function) or ""
    return TaskEntry(
        name=info.name,
        plugin=plugin.name,
        summary=doc.split("\n\n")[0].replace("\n", " "),
        parameters=parameters,
        needs=needs,
        function=function,
        renamed=renamed,
        stand_ins={
            kind: policies[function]
            for kind, policies in (("reference", plugin.reference), ("baseline", plugin.baseline))
            if function in policies
        },
    )


@dataclass(frozen=True)
class Catalog:
    plugins: tuple[Plugin, ...]
    tasks: tuple[TaskEntry, ...]
    suites: dict[str, Suite]

    def task(self, name: str) -> TaskEntry:
        """Find a task by `package/task` or by its short name when that is unambiguous."""
        exact = [t for t in self.tasks if t.name == name]
        short = [t for t in self.tasks if t.short_name == name]
        matches = exact or short
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise TrustbenchError(
                f"Task name '{name}' is ambiguous: {', '.join(t.name for t in matches)}. "
                "Use the full package/task name."
            )
        raise UnknownNameError("task", name, [t.name for t in self.tasks])

    def suite(self, name: str) -> Suite:
        if name in self.suites:
            return self.suites[name]
        raise UnknownNameError("suite", name, self.suites)


@cache
def load_catalog() -> Catalog:
    plugins = tuple(discover_plugins())
    tasks = tuple(_entry(p, f) for p in plugins for f in p.tasks)
    suites = find_suites([file for p in plugins for file in p.suites])
    return Catalog(plugins=plugins, tasks=tasks, suites=suites)
