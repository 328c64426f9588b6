"""Estimates with their lines and approvals, and the audit trail of their decisions."""
