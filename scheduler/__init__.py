"""The worker process: scheduled jobs enqueue into the outbox; the sender drains it."""
