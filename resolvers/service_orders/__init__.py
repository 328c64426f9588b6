"""Service order use cases: lifecycle, work, billing, inbound facts."""
