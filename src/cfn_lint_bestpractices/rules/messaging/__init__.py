"""Rules about queues, topics, buses and streams (ids 96xx)."""
