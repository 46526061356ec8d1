"""The terminal: a bash-like parser and interpreter over the emulated desktop, and its commands."""

from .interpreter import Proc, Shell, ShellResult

__all__ = ["Proc", "Shell", "ShellResult"]
