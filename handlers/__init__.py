"""User flows. Each module has `register(router)`; adding a flow is one line here."""
from __future__ import annotations

from importlib import import_module

FLOWS = (
    "handlers.onboarding",
    "handlers.registration",
    "handlers.profile",
    "handlers.privacy",
    "handlers.admin",
    "handlers.deeds",
    "handlers.record",
    "handlers.record_finish",
    "handlers.pledge",
    "handlers.pledge_write",
    "handlers.reports",
    "handlers.rounds_admin",
    "handlers.campaigns",
    "handlers.committee",
    "handlers.preferences",
    "handlers.deputy",
    "handlers.reference",
    "handlers.console",
    "handlers.plan_kpi",
    "handlers.best_practice",
    "handlers.nominations",
    "handlers.survey",
    "handlers.help",  # last: the menu lists what the others registered
)


def register_all(router) -> None:
    for name in FLOWS:
        import_module(name).register(router)
