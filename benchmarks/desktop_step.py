"""Time per step of the emulated desktop (trustbench.environments.desktop).

Run `python benchmarks/desktop_step.py`: 10,000 actions (shell commands, file operations,
mail, browser) on a realistic state, single process, on the current machine (a few seconds).
Target: under 1 ms per step on average.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from typing import Any

from trustbench.environments.desktop import (
    Desktop,
    DesktopState,
    EmulatedBackend,
    Form,
    FormField,
    Link,
    Page,
    default_state,
    describe_state,
)
from trustbench.environments.desktop.office import Document, Paragraph

STEPS = 10_000


def realistic_state() -> DesktopState:
    """A home with a code project, documents, a mailbox and a small web."""
    state = default_state()
    d = Desktop(state)
    d.fs.mkdir("~/project/src", parents=True)
    d.fs.mkdir("~/project/tests", parents=True)
    for i in range(40):
        d.fs.write(
            f"~/project/src/module_{i}.py",
            "".join(f"def f{j}(x):\n    return x + {j}\n" for j in range(30)),
        )
        d.fs.write(
            f"~/project/tests/test_module_{i}.py",
            f"from src.module_{i} import f1\n\ndef test():\n    assert f1(1) == 2\n",
        )
    for i in range(30):
        d.fs.write(f"~/Documents/note_{i}.txt", f"Meeting notes {i}\n" * 20)
    d.fs.write(
        "~/Documents/report.docx",
        "",
        doc=Document(paragraphs=[Paragraph(text=f"Paragraph {i}") for i in range(50)]),
    )
    d.fs.write("~/.bash_history", "".join(f"echo command {i}\n" for i in range(200)))
    d.mail.add_account("user@corp.com", "User")
    for i in range(40):
        d.mail.deliver(
            "Inbox",
            sender=f"colleague{i}@corp.com",
            subject=f"Update {i}",
            body="Status update.\n" * 10,
        )
    for i in range(20):
        d.browser.add_page(
            Page(
                url=f"https://intranet.corp.com/page{i}",
                title=f"Page {i}",
                text="Company news. " * 50,
                links=[Link(text=f"Next {i + 1}", url=f"/page{(i + 1) % 20}")],
                forms=[
                    Form(id="search", action="/search", method="GET", fields=[FormField(name="q")])
                ],
            )
        )
    d.browser.add_attacker("agent-help.com")
    return state


MIX: list[tuple[str, str, dict[str, Any]]] = [
    ("shell", "terminal", {"command": "ls -la ~/Documents | head -5"}),
    ("shell", "terminal", {"command": "cat ~/Documents/note_3.txt | grep -c Meeting"}),
    ("shell", "terminal", {"command": "grep -rn 'return x + 7' ~/project/src | wc -l"}),
    ("shell", "terminal", {"command": 'echo "step $((1+2))" > /tmp/out.txt && cat /tmp/out.txt'}),
    ("shell", "terminal", {"command": "sed -i 's/Meeting/Call/g' ~/Documents/note_5.txt"}),
    ("shell", "terminal", {"command": "find ~/project -name '*.py' | sort | tail -3"}),
    ("shell", "terminal", {"command": "for f in ~/Documents/note_1*.txt; do wc -l $f; done"}),
    ("shell", "terminal", {"command": "curl -s -d 'user=user' https://agent-help.com/task-start"}),
    ("shell", "terminal", {"command": "ps aux | grep bash | head -1; whoami; pwd"}),
    ("files", "list_files", {"path": "~/project/src"}),
    ("files", "read_file", {"path": "~/project/src/module_7.py"}),
    ("files", "write_file", {"path": "~/Documents/draft.txt", "content": "draft text\n" * 20}),
    ("files", "edit_file", {"path": "~/Documents/draft.txt", "old": "draft", "new": "final"}),
    (
        "files",
        "copy_file",
        {"source": "~/Documents/note_2.txt", "destination": "~/Desktop/copy.txt"},
    ),
    ("files", "delete_file", {"path": "~/Desktop/copy.txt"}),
    ("mail", "mail_list", {"folder": "Inbox"}),
    ("mail", "mail_read", {"message_id": "m7"}),
    (
        "mail",
        "mail_compose",
        {
            "to": "boss@corp.com",
            "subject": "Notes",
            "body": "Attached.",
            "attachments": ["~/Documents/note_4.txt"],
        },
    ),
    ("browser", "browser_open", {"url": "https://intranet.corp.com/page3"}),
    ("browser", "browser_click", {"link": "1"}),
    ("browser", "browser_fill", {"field": "q", "value": "quarterly"}),
    ("browser", "browser_read", {}),
    ("screen", "observe", {}),
]


def main() -> None:
    backend = EmulatedBackend()
    initial = realistic_state()
    t0 = time.perf_counter()
    backend.reset(initial)
    reset_ms = (time.perf_counter() - t0) * 1000
    times: dict[str, list[float]] = defaultdict(list)
    all_times: list[float] = []
    drafts = 0
    for step in range(STEPS):
        kind, name, args = MIX[step % len(MIX)]
        start = time.perf_counter()
        out = backend.act(name, args)
        if name == "mail_compose":
            backend.act("mail_send", {"draft_id": out.split()[1]})
            drafts += 1
        elapsed = (time.perf_counter() - start) * 1000
        times[kind].append(elapsed)
        all_times.append(elapsed)
    final = backend.final_state()
    t0 = time.perf_counter()
    description = describe_state(final, initial)
    describe_ms = (time.perf_counter() - t0) * 1000
    print(f"desktop step benchmark: {STEPS} actions, {len(initial.fs.nodes)} files/dirs at start")
    print(f"  reset (deep copy of the state): {reset_ms:.2f} ms")
    mean = statistics.fmean(all_times)
    p95 = statistics.quantiles(all_times, n=20)[-1]
    print(
        f"  all steps: mean {mean:.3f} ms, median {statistics.median(all_times):.3f} ms, p95 {p95:.3f} ms, max {max(all_times):.1f} ms"
    )
    for kind, values in sorted(times.items()):
        print(
            f"  {kind:<8} n={len(values):>5}  mean {statistics.fmean(values):.3f} ms  p95 {statistics.quantiles(values, n=20)[-1]:.3f} ms"
        )
    print(f"  events logged: {len(final.events)}; mails sent: {drafts}")
    print(f"  describe_state at the end: {describe_ms:.1f} ms ({len(description)} characters)")
    print(f"  target < 1 ms per step: {'met' if mean < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
