"""Sign-in security: throttling, client addresses, one-time tokens, TOTP second factor."""
