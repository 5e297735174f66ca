"""Rules about Lambda and serverless compute (ids 95xx)."""
