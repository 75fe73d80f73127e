"""The workspace folder: its settings, agreement, ledger, outbox and inbox, and the
commands run on it."""
