"""Instance hardening that every layer shares: outgoing-request guard (SSRF), CSV cell safety,
signed expiring links and the HTTP security policy (headers, CORS, body caps)."""
