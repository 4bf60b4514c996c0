"""An event's life after the 200: inbox, dispatcher, replies, effects (all hot-path machinery lives here)."""
