"""Rules about networks and load balancing (ids 97xx)."""
