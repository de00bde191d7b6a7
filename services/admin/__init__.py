"""Operator commands: `python -m services.admin <command>` (see __main__.py)."""
