"""SocialHub's MCP server: tools for AI agents over streamable HTTP (mounted at /mcp) or stdio.

Run `python -m services.mcp` for stdio (token in SOCIALHUB_MCP_TOKEN). Tokens are per person,
created on the AI → MCP access page; every tool call goes through services.permissions.require.
"""

from services.mcp.tokens import Actor, TokenError, create_token, list_tokens, resolve_token, revoke_token

__all__ = ["Actor", "TokenError", "create_token", "list_tokens", "resolve_token", "revoke_token"]
