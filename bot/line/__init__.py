"""The only code that talks to LINE: gateway, outbox, rich-menu deployment."""
