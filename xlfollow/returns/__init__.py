"""Returned files: looked at before anything reads them (zip and XML scans), read
back into answers in reader processes, merged into the ledger, and conflicts
decided."""
