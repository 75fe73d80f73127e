"""The `xlfollow` command: its arguments, its frame (language, help, errors without
tracebacks, progress) and what it prints."""
