"""`python -m scheduler`: the worker process (the Procfile's `worker:`)."""
from scheduler.worker import main

if __name__ == "__main__":
    main()
