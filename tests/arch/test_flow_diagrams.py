"""Each flow's Mermaid diagram (in its handler module's docstring) names exactly the steps the code registers."""
from __future__ import annotations

import re
from importlib import import_module

from bot.conversation.router import Router
from handlers import FLOWS

ARROW = re.compile(r"^\s*(\S+)\s*-->\s*([^:]+?)\s*(?::.*)?$")


def diagram_states(doc: str | None) -> set[str] | None:
    """States of the module's stateDiagram (the tokens around `-->`, without [*]); None without a diagram."""
    block = re.search(r"```mermaid\s*\n(.*?)```", doc or "", re.S)
    if not block:
        return None
    states = set()
    for line in block.group(1).splitlines():
        m = ARROW.match(line)
        if m:
            states |= {m.group(1), m.group(2)}
    return states - {"[*]"}


def registered_steps(module) -> dict[str, set[str]]:
    router = Router()
    module.register(router)
    return {flow: router.steps_of(flow) for flow in router.flows}


def test_every_flow_diagram_names_exactly_its_registered_steps():
    drawn: dict[str, set[str]] = {}
    steps: dict[str, set[str]] = {}
    for name in FLOWS:
        module = import_module(name)
        states = diagram_states(module.__doc__)
        own = registered_steps(module)
        if states:
            assert own, f"{name} draws states {sorted(states)} but registers no steps"
        for flow, registered in own.items():
            steps.setdefault(flow, set()).update(registered)
            drawn.setdefault(flow, set()).update(states or set())
    problems = {flow: {"drawn, not registered": sorted(drawn[flow] - steps[flow]),
                       "registered, not drawn": sorted(steps[flow] - drawn[flow])}
                for flow in steps if drawn[flow] != steps[flow]}
    assert problems == {}


def test_the_diagram_reader_reads_states_and_skips_labels():
    doc = "```mermaid\nstateDiagram-v2\n    [*] --> a: start\n    a --> b: x --> y\n    note right of a: z\n```"
    assert diagram_states(doc) == {"a", "b"}
