"""outbox quiet notify: a transaction writing events notifies the relay only while it sleeps

Every statement writing to the outbox sent a NOTIFY, so under load each commit woke the
relay's session in PostgreSQL and the gateway holding it (a notification read, parsed
and handed on per request) while the relay was busy draining anyway: a fifth of the
database's CPU per reservation at ten clients, and a tenth of the gateway's.

The relay now holds the session advisory lock `ASLEEP_LOCK` (7303014660398713,
persistence/repositories/outbox.py) only while it waits for a NOTIFY. The trigger
notifies when it cannot take that lock shared; when it can, it keeps it until its
transaction ends, and the relay, which only falls asleep by taking the lock, cannot do
so before that transaction's events are committed (it then numbers them before it
sleeps). Awake, the relay looks for new events every few milliseconds instead.

Revision ID: 0037_outbox_quiet_notify
Revises: 0036_payment_index_entries
Create Date: 2026-12-06 10:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0037_outbox_quiet_notify"
down_revision: str | None = "0036_payment_index_entries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NOT pg_try_advisory_xact_lock_shared(7303014660398713) THEN
                PERFORM pg_notify('outbox', '');
            END IF;
            RETURN NULL;
        END
        $$
        """
    )


def downgrade() -> None:
    op.execute(
        """
        CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('outbox', '');
            RETURN NULL;
        END
        $$
        """
    )
