"""Rules about storage, data and security (ids 98xx)."""
