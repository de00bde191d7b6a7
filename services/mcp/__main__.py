"""`python -m services.mcp`: the MCP server over stdio, acting as the person whose token is in SOCIALHUB_MCP_TOKEN."""

from __future__ import annotations

import logging
import sys

from services.mcp.server import TOKEN_ENV, build_server
from services.mcp.tokens import resolve_token


def main() -> int:
    import os

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)  # stdout belongs to the protocol
    if resolve_token(os.environ.get(TOKEN_ENV)) is None:
        print(f"Set {TOKEN_ENV} to a token from AI → MCP access (it is unknown or revoked).", file=sys.stderr)
        return 2
    build_server().run("stdio")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
