"""Outgoing webhooks: endpoints per workspace, a durable outbox, Standard Webhooks signatures, a delivery log.

Events are queued by `services.events.emit_event`; `delivery.webhook_delivery_job` (scheduler) sends them.
"""

from services.webhooks.delivery import deliver_due, webhook_delivery_job
from services.webhooks.endpoints import (
    EndpointView,
    WebhookError,
    create_endpoint,
    delete_endpoint,
    endpoint_secret,
    get_endpoint,
    list_endpoints,
    set_enabled,
    set_events,
)
from services.webhooks.log import DeliveryRow, list_deliveries, resend

__all__ = [
    "DeliveryRow",
    "EndpointView",
    "WebhookError",
    "create_endpoint",
    "deliver_due",
    "delete_endpoint",
    "endpoint_secret",
    "get_endpoint",
    "list_deliveries",
    "list_endpoints",
    "resend",
    "set_enabled",
    "set_events",
    "webhook_delivery_job",
]
