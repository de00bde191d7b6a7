"""Your data stays yours (issue #21): privacy mode, retention policies and really wiping bytes.

- settings.py   the per-workspace switches (privacy mode, retention days) and their last run
- purge.py      wipe one post's text, overrides, alt text and media once every target is final
- wipe.py       make the wiped bytes go away on disk (SQLite checkpoint, PostgreSQL VACUUM)
- retention.py  the four retention policies, in batches
- job.py        the daily job the embedded scheduler runs (retention + the purge safety net)
"""
