"""Flask routes only: the LINE webhook, media files, (later) the secretariat console."""
