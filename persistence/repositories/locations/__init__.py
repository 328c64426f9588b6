"""Locations, their tax codes and their approval policies."""
