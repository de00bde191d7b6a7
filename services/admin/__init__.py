"""Operator commands: `python -m services.admin <command>` (backup, restore, …).

Each command is one module here exposing `register(subparsers)`; `__main__` finds them all, so a
new command is one new file.
"""
