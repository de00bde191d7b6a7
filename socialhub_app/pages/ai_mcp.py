"""AI → MCP access: tokens for AI agents (Claude Desktop, Cursor, n8n) and how to connect them."""

from __future__ import annotations

import reflex as rx

from components.ai_nav import ai_subnav, error_callout
from components.design import confirm_action
from socialhub_app.layout import protected_page
from state.ai_mcp import AIMcpState

CLAUDE_CONFIG = """{
  "mcpServers": {
    "socialhub": {
      "command": "/path/to/socialhub/.venv/bin/python",
      "args": ["-m", "services.mcp"],
      "cwd": "/path/to/socialhub",
      "env": {"SOCIALHUB_MCP_TOKEN": "shmcp_…"}
    }
  }
}"""


def token_row(t: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(t["name"]),
        rx.table.cell(rx.code(t["hint"])),
        rx.table.cell(t["created_at"]),
        rx.table.cell(t["last_used_at"]),
        rx.table.cell(
            rx.cond(
                t["revoked"].to(bool),
                rx.badge("revoked", color_scheme="gray"),
                confirm_action(
                    rx.button(
                        "Revoke",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        aria_label="Revoke token " + t["name"].to(str),
                        custom_attrs={"data-testid": "mcp-token-revoke"},
                    ),
                    title="Revoke MCP token “" + t["name"].to(str) + "”?",
                    description="The AI client using it loses access at once. This can't be undone.",
                    confirm_label="Revoke token",
                    on_confirm=AIMcpState.revoke(t["id"].to(str)),
                    testid="mcp-token-revoke-dialog",
                ),
            )
        ),
        custom_attrs={"data-testid": "mcp-token-row"},
    )


@protected_page("/ai/mcp", "MCP access", on_load=[AIMcpState.load])
def ai_mcp_page() -> rx.Component:
    return rx.vstack(
        ai_subnav("/ai/mcp"),
        rx.heading("MCP access for AI agents", size="4", as_="h2"),
        rx.text(
            "Agents such as Claude Desktop, Cursor or n8n's AI agent can list accounts, draft, check, schedule and "
            "queue posts, read the calendar and analytics — as you, with your role's permissions, through the "
            "same rules as the composer. Nothing is published immediately.",
            size="2",
            color_scheme="gray",
        ),
        rx.hstack(
            rx.el.label("Token name", html_for="mcp-token-name", style={"fontSize": "14px"}),
            rx.input(
                id="mcp-token-name",
                value=AIMcpState.name,
                on_change=AIMcpState.set_name,
                placeholder="Claude Desktop on my laptop",
                width="280px",
                max_width="100%",
                custom_attrs={"data-testid": "mcp-token-name", "aria-describedby": "mcp-token-name-message"},
            ),
            rx.button("Create token", on_click=AIMcpState.create, custom_attrs={"data-testid": "mcp-token-create"}),
            align="center",
            spacing="2",
            wrap="wrap",  # on a phone the button goes under the field instead of off the screen
        ),
        error_callout(AIMcpState.error, "mcp-token-error", field_id="mcp-token-name"),
        rx.cond(
            AIMcpState.new_token != "",
            rx.callout(
                rx.vstack(
                    rx.text("Copy this token now — it is shown only once and stored only as a hash:", size="2"),
                    rx.code(AIMcpState.new_token, custom_attrs={"data-testid": "mcp-new-token"}),
                    rx.button(
                        "I copied it",
                        size="1",
                        variant="soft",
                        on_click=AIMcpState.dismiss_token,
                        custom_attrs={"data-testid": "mcp-token-dismiss"},
                    ),  # fmt: skip
                    spacing="2",
                ),
                icon="key-round",
                color_scheme="green",
                width="100%",
            ),
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(h) for h in ("Name", "Token", "Created", "Last used", "")])
            ),
            rx.table.body(rx.foreach(AIMcpState.tokens, token_row)),
            width="100%",
            size="1",
        ),
        rx.heading("Connect an agent", size="3", as_="h2"),
        rx.text("Streamable HTTP endpoint (send the token as “Authorization: Bearer …”):", size="2"),
        rx.code(AIMcpState.endpoint, custom_attrs={"data-testid": "mcp-endpoint"}),
        rx.text("Claude Desktop (claude_desktop_config.json), over stdio on the SocialHub server:", size="2"),
        # Plain preformatted text: the highlighter's token colours fail WCAG contrast on this background.
        rx.el.pre(
            CLAUDE_CONFIG,
            style={"white_space": "pre-wrap", "font_family": "var(--code-font-family)", "font_size": "13px",
                   "background": "var(--gray-3)", "color": "var(--gray-12)", "padding": "12px", "border_radius": "6px",
                   "width": "100%", "overflow_x": "auto"},
            custom_attrs={"data-testid": "mcp-config-example"},
        ),
        spacing="3",
        width="100%",
    )
