"""Development only (sandbox LINE platform, chat simulator, demo): never on a production code path."""
