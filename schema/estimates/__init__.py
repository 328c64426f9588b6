"""Estimates on the GraphQL surface: drafts, lines, decisions, revisions, finance effects."""
