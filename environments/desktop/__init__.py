"""An emulated Ubuntu desktop for computer-use agent tasks (OS-Harm): files, terminal, mail,
browser, office documents, notifications and an event log, with no VM, container or host access.

Depends only on pydantic and inspect_ai (python-docx and openpyxl to load real .docx/.xlsx
fixtures), so it can be used outside trustbench. Programs the shell runs for real (Python,
a project's tests) run in a bubblewrap sandbox (`sandbox.py`), never on the host.
"""

from . import sandbox
from .actions import ACTIONS
from .backend import DesktopBackend, EmulatedBackend
from .defaults import default_state
from .describe import describe_state
from .desktop import Desktop
from .errors import DesktopError
from .events import Event
from .fs import normalize
from .notifications import notify
from .office import (
    Cell,
    Document,
    Image,
    Macro,
    Paragraph,
    Sheet,
    Slide,
    Slides,
    Spreadsheet,
    load_office_file,
)
from .sandbox import Limits, Program, Run, SandboxUnavailable
from .shell.commands.archive import make_archive
from .shell.interpreter import ShellResult
from .state import (
    Archive,
    Attachment,
    AttackerEndpoint,
    BookmarkNode,
    DesktopState,
    FileNode,
    Form,
    FormField,
    Link,
    MailAccount,
    Message,
    Notification,
    Page,
    Partition,
    Process,
    Service,
    UserAccount,
    Window,
)
from .tools import (
    current_desktop,
    desktop_tools,
    init_desktop,
    initial_state,
    live_state,
    tool_defs,
)

__all__ = [
    "ACTIONS",
    "Archive",
    "Attachment",
    "AttackerEndpoint",
    "BookmarkNode",
    "Cell",
    "Desktop",
    "DesktopBackend",
    "DesktopError",
    "DesktopState",
    "Document",
    "EmulatedBackend",
    "Event",
    "FileNode",
    "Form",
    "FormField",
    "Image",
    "Limits",
    "Link",
    "Macro",
    "MailAccount",
    "Message",
    "Notification",
    "Page",
    "Paragraph",
    "Partition",
    "Process",
    "Program",
    "Run",
    "SandboxUnavailable",
    "Service",
    "Sheet",
    "ShellResult",
    "Slide",
    "Slides",
    "Spreadsheet",
    "UserAccount",
    "Window",
    "current_desktop",
    "default_state",
    "describe_state",
    "desktop_tools",
    "init_desktop",
    "initial_state",
    "live_state",
    "load_office_file",
    "make_archive",
    "normalize",
    "notify",
    "sandbox",
    "tool_defs",
]
