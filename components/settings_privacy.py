"""Settings → "Privacy and retention" and the composer's "content not stored" note."""

from __future__ import annotations

import reflex as rx

from components.fields import field_label, stable_input
from components.settings_sections import _callouts, section
from state.settings_privacy import PostPrivacyNoteState, PrivacySettingsState

S = PrivacySettingsState
N = PostPrivacyNoteState
NOT_STORED = "Content not stored (privacy mode)"

_RETENTION = (
    ("published_content_days", "Delete the content of published posts after (days)", S.set_published_content_days),
    ("failed_drafts_days", "Delete failed posts and drafts untouched for (days)", S.set_failed_drafts_days),
    ("snapshot_days", "Roll up, then delete per-post analytics snapshots older than (days)", S.set_snapshot_days),
    ("audit_days", "Delete audit-log entries older than (days)", S.set_audit_days),
)


def _purge_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Purge content that is already published?"),
            rx.alert_dialog.description(
                S.existing_posts + " text and media. Privacy mode wipes new "
                "posts as they are published; these are only wiped if you choose so now (links and metrics stay)."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Keep existing posts", variant="soft", color_scheme="gray", on_click=S.keep_existing,
                              custom_attrs={"data-testid": "privacy-keep-existing"}),  # fmt: skip
                ),
                rx.alert_dialog.action(
                    rx.button("Purge existing content now", color_scheme="red", on_click=S.purge_existing,
                              custom_attrs={"data-testid": "privacy-purge-now"}),  # fmt: skip
                ),
                spacing="3",
                justify="end",
                margin_top="12px",
            ),
            custom_attrs={"data-testid": "privacy-purge-dialog"},
        ),
        open=S.confirm_open,
        on_open_change=S.set_confirm_open,
    )


def _privacy_controls() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.switch(
                checked=S.privacy_mode,
                on_change=S.set_privacy_mode,
                disabled=~S.can_privacy,
                id="privacy-mode",
                aria_label="Privacy mode",
                custom_attrs={"data-testid": "privacy-mode"},
            ),
            rx.el.label("Privacy mode", html_for="privacy-mode", class_name="rt-Text rt-r-size-2"),
            align="center",
            spacing="2",
        ),
        rx.text(
            "When on, a post's text, per-account versions, alt text and media are kept only until it is published "
            "on every account (or its failed accounts are discarded). Drafts and scheduled posts keep their content "
            "until then. Afterwards only the accounts, times, statuses, links to the live posts, metrics and a "
            "SHA-256 of the text remain.",
            size="2",
            color_scheme="gray",
        ),
        rx.cond(
            S.can_privacy & S.privacy_mode & (S.existing > 0),
            rx.hstack(
                rx.text(S.existing_posts + " content from before privacy mode.", size="2"),
                rx.button("Purge existing content now", size="1", color_scheme="red", variant="soft",
                          on_click=S.set_confirm_open(True), custom_attrs={"data-testid": "privacy-purge-open"}),  # fmt: skip
                align="center",
                spacing="2",
            ),
        ),
        _purge_dialog(),
        spacing="2",
        width="100%",
    )


def _retention_field(name: str, label: str, handler: rx.EventHandler) -> rx.Component:
    field_id = f"retention-{name.replace('_', '-')}"
    return rx.vstack(
        field_label(label, field_id),
        stable_input(
            field_id=field_id,
            value=getattr(S, name),
            version=S.form_version,
            on_change=handler,
            testid=field_id,
            placeholder="keep forever",
            aria_label=label,
            disabled=~S.can_retention,
            width="12em",
        ),
        spacing="1",
    )


def _retention_controls() -> rx.Component:
    return rx.vstack(
        rx.heading("Retention", size="3", as_="h3"),
        rx.text("Leave a field empty to keep forever. A daily job applies these in batches.", size="2",
                color_scheme="gray"),  # fmt: skip
        *[_retention_field(*spec) for spec in _RETENTION],
        rx.cond(
            S.can_retention,
            rx.button("Save retention", on_click=S.save_retention, custom_attrs={"data-testid": "retention-save"}),
            rx.text("Only Owners and Admins change privacy and retention.", size="2", color_scheme="gray"),
        ),
        rx.text(
            rx.cond(S.last_run != "", "Last run " + S.last_run + ": " + S.last_summary, "Not run yet."),
            size="2",
            custom_attrs={"data-testid": "retention-last-run"},
        ),
        spacing="2",
        width="100%",
    )


def privacy_settings_section() -> rx.Component:
    return section(
        "Privacy and retention",
        "What SocialHub stores about your posts, and for how long.",
        _callouts(S.error, S.notice, "privacy"),
        _privacy_controls(),
        _retention_controls(),
        testid="privacy-settings",
    )


def _live_link(link: rx.Var) -> rx.Component:
    return rx.link(
        "Live post on " + link["account"].to(str),
        href=link["url"].to(str),
        is_external=True,
        custom_attrs={"data-testid": "privacy-live-link"},
    )


def post_privacy_note() -> rx.Component:
    """Above the composer: loads itself for `?post=…` (one line in the compose page)."""
    return rx.box(
        rx.cond(
            N.purged,
            rx.callout(
                rx.vstack(
                    rx.text(NOT_STORED, weight="medium", custom_attrs={"data-testid": "content-not-stored"}),
                    rx.hstack(rx.foreach(N.links, _live_link), spacing="3", wrap="wrap"),
                    spacing="1",
                ),
                icon="shield",
                color_scheme="gray",
                width="100%",
            ),
            rx.cond(
                N.privacy_mode,
                rx.text(
                    "Privacy mode: this post's content is kept until it is published on every account "
                    "(or its failed accounts are discarded), then wiped.",
                    size="1",
                    color_scheme="gray",
                    custom_attrs={"data-testid": "privacy-kept-until-final"},
                ),
            ),
        ),
        rx.cond(
            N.can_discard & N.privacy_mode,
            rx.button("Discard failed accounts (stop retrying)", size="1", variant="soft", color_scheme="gray",
                      on_click=N.discard_failed, custom_attrs={"data-testid": "discard-failed"}),  # fmt: skip
        ),
        on_mount=N.load,
        width="100%",
    )
