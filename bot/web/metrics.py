"""/metrics in Prometheus' text format (prometheus-client), for the office's monitoring.

Off unless METRICS_TOKEN is set (404, as if absent), and then only with "Authorization: Bearer <token>":
the port is the public webhook's, so loopback-only would not hold behind nginx (every request comes from
it). Counts come from the database at scrape time (every web process answers the same), plus this process's
webhook requests by status and their handling time. Quota is the last reading the console or jobs cached:
a scrape never calls LINE.
"""
from __future__ import annotations

import hmac
import time
from datetime import datetime

from flask import Blueprint, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from models.core import InboxEvent
from models.db import session_scope
from models.enums import InboxStatus

bp = Blueprint("metrics", __name__)
EXTENSION = "bot_metrics"


class _DatabaseCollector:
    def __init__(self, state):
        self.state = state

    def collect(self):
        from bot.services import ops_status
        now: datetime = self.state.clock()
        with session_scope(self.state.engine, readonly=True) as s:
            outbox = GaugeMetricFamily("bot_outbox_rows", "Outbox rows by status", labels=["status"])
            for c in ops_status.outbox_counts(s):
                outbox.add_metric([c.status], c.rows)
            yield outbox
            inbox = GaugeMetricFamily("bot_inbox_rows", "Webhook events by status", labels=["status"])
            for status, n in s.execute(select(InboxEvent.status, func.count()).group_by(InboxEvent.status)):
                inbox.add_metric([status], n)
            yield inbox
            oldest = s.scalar(select(func.min(InboxEvent.received_at)).where(InboxEvent.status == InboxStatus.PENDING))
            yield GaugeMetricFamily("bot_inbox_lag_seconds", "Age of the oldest webhook event not yet handled",
                                    value=max((now - _aware(oldest, now)).total_seconds(), 0) if oldest else 0)
            beat = ops_status.heartbeat(s, now)
            yield GaugeMetricFamily("bot_worker_heartbeat_age_seconds", "Seconds since a worker last beat "
                                    "(-1: never)", value=(now - beat.at).total_seconds() if beat.at else -1)
            quota = ops_status.cached_quota(s, now)
            if quota is not None and quota.ok:
                yield GaugeMetricFamily("bot_line_quota_used", "LINE messages used this month", value=quota.used)
                if quota.limit is not None:
                    yield GaugeMetricFamily("bot_line_quota_limit", "LINE monthly message limit", value=quota.limit)


def _aware(value: datetime, like: datetime) -> datetime:
    return value.replace(tzinfo=like.tzinfo) if value.tzinfo is None and like.tzinfo is not None else value


def init_metrics(app) -> None:
    """Registered in the app factory; a registry per app (tests build many apps in one process)."""
    registry = CollectorRegistry()
    app.extensions[EXTENSION] = {
        "registry": registry,
        "webhooks": Counter("bot_webhook_requests", "Webhook requests by HTTP status", ["status"],
                            registry=registry),
        "seconds": Histogram("bot_webhook_seconds", "Time to answer a webhook request (stored, not yet handled)",
                             registry=registry),
    }
    registry.register(_DatabaseCollector(app.extensions["bot"]))
    app.register_blueprint(bp)


@bp.before_app_request
def _start():
    if request.path == "/callback":
        g.metrics_started = time.perf_counter()


@bp.after_app_request
def _count(response):
    started = g.pop("metrics_started", None)
    if started is not None:
        m = current_app.extensions[EXTENSION]
        m["webhooks"].labels(str(response.status_code)).inc()
        m["seconds"].observe(time.perf_counter() - started)
    return response


@bp.get("/metrics")
def metrics():
    token = current_app.config["BOT"].METRICS_TOKEN
    if not token:
        abort(404)
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        return Response("unauthorized\n", 401, {"WWW-Authenticate": "Bearer"})
    return Response(generate_latest(current_app.extensions[EXTENSION]["registry"]), mimetype=CONTENT_TYPE_LATEST)
