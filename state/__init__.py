"""Reflex state classes: thin, they call services and hold ids and plain dicts."""
