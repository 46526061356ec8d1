"""Loaded automatically by Python in test subprocesses: installs the network guard there too."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import netguard  # noqa: E402

netguard.install()
