"""Your data stays yours (issue #21): export and import archives, and deleting one's account.

- `archive`: the ZIP format (schema version, manifest with checksums, README), written streaming.
- `records`: what goes into an archive, read from the database in batches.
- `exports`: background export jobs with progress, signed expiring download links, mail.
- `importer`: validate an archive completely, then import it into a new workspace in one transaction.
- `account_delete`: delete a person's account (password + 2FA), keeping a pseudonymous tombstone.
"""
