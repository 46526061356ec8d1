"""The one error type of the emulator: something the agent asked for cannot be done."""


class DesktopError(Exception):
    """A user-level failure (no such file, permission denied, bad argument).

    The message is written for the agent: the tools turn it into an Inspect `ToolError`.
    """
