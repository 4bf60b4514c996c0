"""The console's parent blueprint (/console) and its CSRF guard, apart from `__init__` so the page modules
can import them without an import cycle."""
from __future__ import annotations

from flask import Blueprint
from flask_wtf.csrf import CSRFProtect

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates",
               static_folder="static", static_url_path="/static")
csrf = CSRFProtect()
