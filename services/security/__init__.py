"""Security shared by every layer: sign-in (throttling, client addresses, one-time tokens, TOTP),
outgoing-request guard (SSRF), CSV cell safety, signed expiring links and the HTTP security policy."""
