"""Baseline for the webhook benchmark: a minimal line-bot-sdk v3 echo bot (Flask + WebhookHandler).

Like LINE's own flask-echo sample: verify the signature with WebhookHandler, reply to each text message with
the same text through MessagingApi, then answer 200. It has no database, no inbox, no dedupe, no state, and
it replies *before* the 200 (the sample's way). The one deviation from the sample: one ApiClient per process
(the sample opens a new one per event, i.e. a new connection pool and TCP connection per reply), so the
baseline is as fast as line-bot-sdk allows.

    LINE_CHANNEL_SECRET=... LINE_CHANNEL_ACCESS_TOKEN=... LINE_API_BASE=http://127.0.0.1:8001 \
        gunicorn --worker-class gthread --workers 2 --threads 4 'bench.echo_bot:create_app()'
"""
from __future__ import annotations

import os

from flask import Flask, abort, request
from linebot.v3 import WebhookHandler
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, ReplyMessageRequest, TextMessage
from linebot.v3.webhooks import MessageEvent, TextMessageContent


def create_app() -> Flask:
    secret = os.environ["LINE_CHANNEL_SECRET"]
    configuration = Configuration(host=os.environ.get("LINE_API_BASE", "https://api.line.me").rstrip("/"),
                                  access_token=os.environ["LINE_CHANNEL_ACCESS_TOKEN"])
    configuration.connection_pool_maxsize = 32  # same pool size as our gateway
    api = MessagingApi(ApiClient(configuration))
    handler = WebhookHandler(secret)
    app = Flask(__name__)

    @app.post("/callback")
    def callback():
        signature = request.headers.get("X-Line-Signature", "")
        body = request.get_data(as_text=True)
        try:
            handler.handle(body, signature)
        except InvalidSignatureError:
            abort(400)
        return "OK"

    @handler.add(MessageEvent, message=TextMessageContent)
    def handle_message(event):
        api.reply_message_with_http_info(
            ReplyMessageRequest(reply_token=event.reply_token, messages=[TextMessage(text=event.message.text)]))

    @app.get("/healthz")
    def healthz():
        return "ok"

    return app
