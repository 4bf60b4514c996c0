"""The console's pages, one module each (issue 15's list), and the navigation: which page each role sees.
A page module exposes `bp` (a Blueprint nested under /console) with an `index` view."""
from __future__ import annotations

from importlib import import_module

from models.enums import Role

ALL = (Role.ADMIN, Role.COMMITTEE, Role.COORDINATOR)
SEES_ALL = (Role.ADMIN, Role.COMMITTEE)
# module, nav label, roles that see it in the navigation (each page still checks in its services)
PAGES = (
    ("overview", "ภาพรวม", ALL),
    ("rounds", "รอบรายงาน", ALL),
    ("pledges", "ปัญหาที่อยากแก้ / ความดีที่อยากทำ", ALL),
    ("people", "บุคลากรและสำนัก", ALL),
    ("campaigns", "กิจกรรม", SEES_ALL),
    ("deeds", "ความดี", ALL),
    ("register", "ทะเบียนกิจกรรมตามแผน", ALL),
    ("survey", "แบบสำรวจ ITA", ALL),
    ("holidays", "วันหยุดราชการ", (Role.ADMIN,)),
    ("system", "ระบบ", (Role.ADMIN,)),
)


def blueprints():
    return [import_module(f"bot.web.console.pages.{name}").bp for name, _, _ in PAGES]


def nav_for(viewer) -> list[tuple[str, str]]:
    """(endpoint, label) of the pages this viewer sees in the navigation."""
    return [(f"console.{name}.index", label) for name, label, roles in PAGES if viewer.role in roles]
