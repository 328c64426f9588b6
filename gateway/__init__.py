"""Composition root: settings, the Starlette app, auth, request context, embedded services, CLI."""
