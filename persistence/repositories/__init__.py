"""Async repositories, each bound to one connection and one tenant."""
