"""Per-network previews: each card looks like the post will look in that network's feed.

Why: a generic box hid what people actually see — where Instagram cuts the caption ("…more"),
the square crop, X's and Bluesky's link card, Mastodon's content warning. The shape (fold, link,
warning) is computed in services/posts/preview_shapes.py; this module only draws it.
"""

from __future__ import annotations

import reflex as rx

from components.platform import platform_icon


def _attr(name: str, row: rx.Var) -> str:
    return name + "-" + row["platform"].to(str)


def _caption(row: rx.Var, *, lead_name: bool = False) -> rx.Component:
    """The visible text, the over-limit marker when it would be refused, and the network's fold label."""
    return rx.text(
        *([rx.text.span(row["account_name"], weight="bold"), " "] if lead_name else []),
        rx.cond(row["over"].to(bool), row["preview"], row["shown"]),
        rx.cond(
            row["folded"] != "",
            rx.text.span(
                " ", row["more_label"], color=rx.color("gray", 10),
                custom_attrs={"data-testid": _attr("preview-more", row)},
            ),
        ),
        size="2",
        white_space="pre-wrap",
        custom_attrs={"data-testid": "preview-text"},
    )  # fmt: skip


def _link_card(row: rx.Var) -> rx.Component:
    return rx.cond(
        row["link_url"] != "",
        rx.box(
            rx.text(row["link_domain"], size="1", color_scheme="gray"),
            rx.text(row["link_url"], size="2", weight="medium", class_name="sh-ellipsis"),
            border=f"1px solid {rx.color('gray', 6)}",
            border_radius="12px",
            padding="8px 12px",
            width="100%",
            custom_attrs={"data-testid": _attr("preview-link-card", row)},
        ),
    )


def _media(row: rx.Var) -> rx.Component:
    return rx.cond(
        row["first_media_id"] != "",
        rx.image(
            src="/media/" + row["first_media_id"].to(str) + "/thumb", alt="", max_height="160px", border_radius="8px"
        ),
    )


def _instagram(row: rx.Var) -> rx.Component:
    """A 1:1 square (Instagram crops the feed to it), then the caption folded at 125 characters."""
    return rx.vstack(
        rx.box(
            rx.cond(
                row["first_media_id"] != "",
                rx.image(
                    src="/media/" + row["first_media_id"].to(str) + "/thumb", alt="",
                    width="100%", height="100%", object_fit="cover",
                ),
                rx.center(rx.text("Image goes here", size="1", color_scheme="gray"), height="100%"),
            ),
            aspect_ratio="1 / 1",
            width="100%",
            overflow="hidden",
            background=rx.color("gray", 3),
            border_radius="4px",
            custom_attrs={"data-testid": "preview-square"},
        ),
        _caption(row, lead_name=True),
        spacing="2",
        width="100%",
    )  # fmt: skip


def _mastodon(row: rx.Var) -> rx.Component:
    """With a content warning ("CW: …" as the first line) the post opens collapsed, as on Mastodon."""
    return rx.cond(
        row["warning"] != "",
        rx.el.details(
            rx.el.summary(
                rx.text.span(row["warning"], weight="bold", custom_attrs={"data-testid": "preview-cw-mastodon"}),
                " · Show more",
                style={"cursor": "pointer"},
            ),
            rx.vstack(_caption(row), _media(row), spacing="2", margin_top="6px"),
            custom_attrs={"data-testid": "preview-cw-details"},
        ),
        rx.vstack(_caption(row), _media(row), spacing="2", width="100%"),
    )


def _generic(row: rx.Var) -> rx.Component:
    return rx.vstack(_caption(row), _media(row), _link_card(row), spacing="2", width="100%")


def network_preview(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                platform_icon(row["platform"], 16),
                rx.text(row["account_name"], size="2", weight="bold", class_name="sh-ellipsis"),
                rx.text(row["label"], size="1", color_scheme="gray"),
                align="center",
                min_width="0",
            ),
            rx.match(
                row["style"],
                ("instagram", _instagram(row)),
                ("mastodon", _mastodon(row)),
                _generic(row),
            ),
            rx.cond(
                row["needs_media_text"] != "",
                rx.badge(
                    row["needs_media_text"],
                    color_scheme="amber",
                    custom_attrs={"data-testid": _attr("needs-media", row)},
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        custom_attrs={"data-testid": _attr("preview", row), "data-style": row["style"]},
    )
