"""PixelSQL's PostgreSQL front end: wire protocol codec, connection state machine, transport."""
