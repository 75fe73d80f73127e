"""A whole round on the bundled example, with the centres' answers simulated."""
