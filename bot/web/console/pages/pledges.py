"""Console page: pledges (being built)."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("pledges", __name__, url_prefix="/pledges")


@bp.get("/")
def index():
    return render_template("console/placeholder.html", title="pledges")
