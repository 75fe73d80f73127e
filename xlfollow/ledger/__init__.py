"""The ledger: the record of everything issued, received and decided (an SQLite file,
or PostgreSQL for a team), the three-way merge rules that decide how a returned answer
changes it, and where a round stands."""
