"""The design layer every page uses: one look for buttons, dialogs, empty states and messages.

Why one place: fixes to a shared pattern (confirming a delete, saying what's wrong next to a field,
showing a long name) are made once here and stay made on every page.
"""

from components.design.buttons import action_menu, danger_button, primary_button, secondary_button
from components.design.confirm import confirm_action, confirm_dialog
from components.design.feedback import empty_state, field_message, section_header
from components.design.names import truncated_name

__all__ = [
    "action_menu",
    "confirm_action",
    "confirm_dialog",
    "danger_button",
    "empty_state",
    "field_message",
    "primary_button",
    "secondary_button",
    "section_header",
    "truncated_name",
]
