"""Which Chromium Playwright drives: Debian's where installed, else Playwright's own."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

# Without these, Chromium keeps trying to reach Google's services, which a closed network
# refuses many times a second; --no-sandbox because builds and CI run as root.
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run")


def chromium_executable() -> str | None:
    """JINGGANG_CHROMIUM, else Debian's headless shell, else a system chromium, else None
    (Playwright's downloaded build).

    The headless shell first: it is what Playwright itself launches for headless=True, and the
    whole browser's headless mode costs about three times the CPU for the same PDF (3 launches
    and renders: 4.1 against 1.4 core-seconds, Chromium 156), which `make test` paid ~170
    core-seconds for."""
    named = os.environ.get("JINGGANG_CHROMIUM")
    if named:
        if not Path(named).exists():
            raise FileNotFoundError(f"JINGGANG_CHROMIUM={named} does not exist")
        return named
    return (shutil.which("chromium-headless-shell") or shutil.which("chromium")
            or shutil.which("chromium-browser"))


def launch_options() -> dict[str, Any]:
    options: dict[str, Any] = {"headless": True, "args": list(CHROMIUM_ARGS)}
    executable = chromium_executable()
    if executable:
        options["executable_path"] = executable
    return options
