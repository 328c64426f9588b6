"""Kafka: topics, wire formats, relay and consumers."""
