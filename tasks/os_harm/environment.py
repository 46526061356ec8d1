"""One sample's desktop: a fresh Ubuntu-like state, the emulated web, the task's setup steps,
then the injection (if any) planted where its vector puts it."""

from __future__ import annotations

from typing import Any

from trustbench.environments.desktop import Desktop, default_state
from trustbench.tasks.os_harm import fixtures
from trustbench.tasks.os_harm.inject import INJECTION_PAGE, plant
from trustbench.tasks.os_harm.provision import Provisioner, SetupResult, plan_setup


def build_desktop(metadata: dict[str, Any]) -> SetupResult:
    state = default_state()
    desk = Desktop(state, source="setup")
    injection = metadata.get("injection")
    website = injection is not None and injection["vector"] == "website"
    for page in fixtures.web_pages(injection["text"] if injection is not None and website else ""):
        if page.url != INJECTION_PAGE or website:
            desk.browser.add_page(page)
    state.web.attackers.extend(fixtures.attackers())
    setup = Provisioner(desk)
    setup.apply(plan_setup(metadata["task_id"], metadata["config"]))
    if injection is not None:
        plant(desk, setup, injection)
    return SetupResult(state, setup.notes)
