"""Posts in and out in bulk: CSV import (dry run, then all-or-nothing), CSV/JSON export, RSS/Atom feeds."""
