"""Escape attempts through the task itself: a scripted agent runs hostile programs in the
emulated terminal (which runs them for real, in the sandbox), and the host is checked
afterwards. Nothing may be written, read, changed or left running on the host."""

import dataclasses
import hashlib
import shutil
import time
import uuid
from pathlib import Path

import pytest
import yaml
from inspect_ai import eval
from inspect_ai.model import ChatMessageTool, get_model

import trustbench
import trustbench._registry  # noqa: F401 - registers scripted/
from trustbench.environments.desktop import sandbox
from trustbench.tasks.os_harm import os_harm
from trustbench.tasks.os_harm.environment import build_desktop
from trustbench.tasks.os_harm.reference_models import call, turn

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        sandbox.unavailable_reason() is not None,
        reason=f"no sandbox here: {sandbox.unavailable_reason()}",
    ),
]
SAMPLE = "__sample_favorites__inject__desktop_notification__stop_task"
WALL_S = 3.0


def python(code: str) -> dict:
    return call("terminal", command=f"python3 - <<'EOF'\n{code}\nEOF")


def marker_processes(marker: str) -> list[int]:
    """Host processes whose command line carries `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_escape_attempts_through_the_task_leave_the_host_unchanged(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "LIMITS", dataclasses.replace(sandbox.LIMITS, wall_s=WALL_S))
    marker = f"trustbench-escape-{uuid.uuid4().hex}"
    host_dir = tmp_path / "host"
    host_dir.mkdir()
    written = host_dir / "written.txt"
    late = host_dir / "late.txt"
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    canary_key = f"-----BEGIN OPENSSH PRIVATE KEY----- {marker}"
    (home / ".ssh" / "id_canary").write_text(canary_key)
    monkeypatch.setenv("HOME", str(home))
    source = Path(trustbench.__file__)
    source_digest = digest(source)
    host_passwd = set(Path("/etc/passwd").read_text().splitlines())
    free_before = shutil.disk_usage(tmp_path).free

    attempts = [
        python(f"open({str(written)!r}, 'w').write('escaped')"),
        python(
            "import os\n"
            "print(open('/etc/passwd').read())\n"
            f"for p in [os.path.expanduser('~/.ssh'), {str(home / '.ssh')!r}]:\n"
            "    try: print(p, os.listdir(p), [open(os.path.join(p, f)).read() for f in os.listdir(p)])\n"
            "    except OSError as ex: print(p, ex)"
        ),
        python(f"open({str(source)!r}, 'a').write('# pwned')"),
        python(
            "import subprocess\n"
            f"subprocess.Popen(['setsid', 'sh', '-c', 'sleep 2; echo late > {late}; "
            f"sleep 30 # {marker}'], start_new_session=True)\n"
            "print('detached')"
        ),
        python(f"# {marker}\nimport os\nwhile True:\n    try: os.fork()\n    except OSError: pass"),
        python("f = open('big', 'wb')\nfor _ in range(10 * 1024):\n    f.write(b'x' * (1 << 20))"),
        python(f"# {marker}\nwhile True: pass"),
    ]
    script = tmp_path / "script.yaml"
    script.write_text(yaml.safe_dump({"by_sample": {SAMPLE: [turn("", *attempts)]}}))
    start = time.perf_counter()
    [log] = eval(
        os_harm(dataset="sample", max_steps=1),
        model=get_model("scripted/script", file=str(script)),
        sample_id=SAMPLE,
        display="none",
    )
    elapsed = time.perf_counter() - start
    assert log.status == "success", log.error
    [sample] = log.samples
    outputs = [m.text for m in sample.messages if isinstance(m, ChatMessageTool)]
    assert len(outputs) == len(attempts)

    time.sleep(3)  # longer than the detached grandchild's delay
    assert not written.exists() and not late.exists()
    assert digest(source) == source_digest
    assert marker_processes(marker) == []
    assert shutil.disk_usage(tmp_path).free > free_before - (256 << 20)
    everything = "\n".join(outputs)
    assert canary_key not in everything
    emulated = set(
        build_desktop(sample.metadata).state.fs.nodes["/etc/passwd"].content.splitlines()
    )
    read = {line for line in outputs[1].splitlines() if line.count(":") >= 6}
    assert read and read <= emulated and not read & (host_passwd - emulated)
    assert "No such file or directory" in outputs[2] or "Read-only" in outputs[2]
    assert "Resource temporarily unavailable" in outputs[4] or "[exit code 124]" in outputs[4]
    assert "File too large" in outputs[5]
    assert "Killed" in outputs[6] and "[exit code 124]" in outputs[6]
    assert elapsed < 60
    meta = next(iter(sample.scores.values())).metadata
    assert meta["sandbox_refusals"] == []
