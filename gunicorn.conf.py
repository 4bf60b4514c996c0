"""gunicorn settings for the web process (the Procfile's `web:` line, `make demo`; gunicorn also reads this
file by itself when started from the repository root). Command-line flags override what is here."""


def post_fork(server, worker):
    # Each worker logs the app's INFO lines (LINE request ids, batch stats) to stderr, as the worker does.
    from bot.logs import setup
    setup()
