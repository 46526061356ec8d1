"""The system-call filter every sandboxed program runs under, built by libseccomp.

bubblewrap loads it (`--seccomp FD`) just before it starts the launcher, so the launcher and
everything the program starts inherit it. It denies what would let one process of the sandbox
reach into another (the launcher's memory, descriptors and result) and the kernel interfaces a
program in an emulated desktop never needs. Denied calls fail with EPERM, as a locked-down
system would answer; libseccomp handles the architecture checks (other ABIs, x32) itself.
"""

from __future__ import annotations

import errno
import functools
import tempfile

DENIED = (
    # reaching into another process: memory, registers, descriptors
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "pidfd_getfd",
    "kcmp",
    # kernel interfaces with a history of privilege escalations
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "add_key",
    "request_key",
    "keyctl",
    # the machine itself
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "quotactl",
    "open_by_handle_at",
    "name_to_handle_at",
    # new namespaces and mounts (the sandbox already has its own, without privileges)
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "fsopen",
    "fsmount",
    "move_mount",
    "open_tree",
)
"""System calls that fail with EPERM inside the sandbox."""


class SeccompUnavailable(Exception):
    """libseccomp is missing here; the message says how to install it."""


@functools.cache
def filter_program() -> bytes:
    """The filter as the BPF program bubblewrap reads (built once per process)."""
    try:
        import pyseccomp
    except (ImportError, RuntimeError) as ex:  # RuntimeError: the C library is missing
        raise SeccompUnavailable(
            f"libseccomp is not usable ({ex}); install it (Debian/Ubuntu: apt-get install libseccomp2)"
        ) from None
    rules = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
    for name in DENIED:
        try:
            rules.add_rule(pyseccomp.ERRNO(errno.EPERM), name)
        except OSError:
            continue  # a call this architecture or libseccomp version does not know
    with tempfile.TemporaryFile() as out:
        rules.export_bpf(out)
        out.seek(0)
        return out.read()
