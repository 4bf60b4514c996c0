"""Console page: campaigns (being built)."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")


@bp.get("/")
def index():
    return render_template("console/placeholder.html", title="campaigns")
