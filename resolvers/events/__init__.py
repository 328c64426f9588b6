"""Watching the event stream: replay from a cursor, then live."""
