"""A div with the HTML5 drag-and-drop events Reflex's own elements don't declare.

The dragged post's id travels through the server (on_drag_start records it in state) rather than
through `dataTransfer`, so drops need no JavaScript of our own; Reflex's event queue is processed
in order, so the drag start always reaches the server before the drop.
"""

from __future__ import annotations

import reflex as rx
from reflex_base.event import no_args_event_spec


class DragDiv(rx.el.Div):
    on_drag_start: rx.EventHandler[no_args_event_spec]
    on_drag_end: rx.EventHandler[no_args_event_spec]
    on_drag_over: rx.EventHandler[no_args_event_spec]
    on_drag_enter: rx.EventHandler[no_args_event_spec]
    on_drag_leave: rx.EventHandler[no_args_event_spec]
    on_drop: rx.EventHandler[no_args_event_spec]


def draggable(*children: rx.Component, on_drag_start, **props) -> rx.Component:  # noqa: ANN001
    return DragDiv.create(*children, draggable=True, on_drag_start=on_drag_start, **props)


def drop_zone(*children: rx.Component, on_drop, **props) -> rx.Component:  # noqa: ANN001
    """dragover must be cancelled or the browser never fires drop on the element."""
    return DragDiv.create(
        *children,
        on_drag_over=rx.prevent_default,
        on_drop=on_drop.prevent_default if hasattr(on_drop, "prevent_default") else on_drop,
        **props,
    )
