"""Email alerts: per-person opt-in switches and the batched alert mail (one per person per 5 minutes)."""

from services.alerts.digest import alerts_job, send_due_alerts
from services.alerts.prefs import ALERT_LABELS, get_alerts, set_alert

__all__ = ["ALERT_LABELS", "alerts_job", "get_alerts", "send_due_alerts", "set_alert"]
