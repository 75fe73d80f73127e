"""The ledger: the SQLite record of everything issued, received and decided, the
three-way merge rules that decide how a returned answer changes it, and where a
round stands."""
