"""What is followed up: agreement.yaml and xlfollow.toml read, checked and written, and a
follow-up report's text imported into an agreement, with its budget figures."""
