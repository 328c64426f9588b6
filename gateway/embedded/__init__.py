"""Real PostgreSQL and Kafka-protocol servers for dev and tests, started from their wheels."""
