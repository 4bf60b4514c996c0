"""`python -m scheduler`: the worker process (the Procfile's `worker:`)."""
from bot.logs import setup as setup_logging
from scheduler.worker import main

if __name__ == "__main__":
    setup_logging()
    main()
