"""quote uuids: approved quotes are known by the UUID of their estimate revision

Seed 003 identifies a quote by a UUID; until now the gateway published an approval
under the revision's id (`EST-001`). Quote-approved events in the outbox, the cost
transactions booked from them (id and idempotency keys) and their finance postings move
to the revision's quote id (domain/estimates/quotes.py), so unlocking a month still
finds the events of the quotes it held back, and nothing is booked twice. Ids that are
UUIDs already (quotes TrakService approved) are left as they are.

Revision ID: 0012_quote_uuids
Revises: 0011_stock_reservations
Create Date: 2026-12-05 17:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from domain.estimates.quotes import quote_id_of

revision: str = "0012_quote_uuids"
down_revision: str | None = "0011_stock_reservations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_A_UUID = "!~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'"
OLD_QUOTE_IDS = f"""
SELECT tenant_id, aggregate_id FROM outbox
 WHERE event_type = 'QuoteApproved' AND aggregate_id {NOT_A_UUID}
UNION SELECT tenant_id, quote_id FROM cost_transactions WHERE quote_id {NOT_A_UUID}
UNION SELECT tenant_id, quote_id FROM finance_postings WHERE quote_id {NOT_A_UUID}
"""
MOVES = (
    """UPDATE outbox o SET aggregate_id = m.new_id FROM quote_id_moves m
        WHERE o.event_type = 'QuoteApproved' AND o.tenant_id = m.tenant_id
          AND o.aggregate_id = m.old_id""",
    """UPDATE cost_transactions c
          SET quote_id = m.new_id,
              idempotency_key = replace(c.idempotency_key, ':' || m.old_id || ':',
                                        ':' || m.new_id || ':')
         FROM quote_id_moves m
        WHERE c.tenant_id = m.tenant_id AND c.quote_id = m.old_id""",
    """UPDATE finance_postings f SET quote_id = m.new_id FROM quote_id_moves m
        WHERE f.tenant_id = m.tenant_id AND f.quote_id = m.old_id""",
)


def upgrade() -> None:
    bind = op.get_bind()
    old = bind.execute(sa.text(OLD_QUOTE_IDS)).all()
    if not old:
        return
    op.execute(
        "CREATE TEMPORARY TABLE quote_id_moves "
        "(tenant_id text, old_id text, new_id text) ON COMMIT DROP"
    )
    bind.execute(
        sa.text("INSERT INTO quote_id_moves VALUES (:tenant_id, :old_id, :new_id)"),
        [
            {"tenant_id": tenant, "old_id": quote, "new_id": quote_id_of(tenant, quote)}
            for tenant, quote in old
        ],
    )
    for move in MOVES:
        op.execute(move)
    op.execute("DROP TABLE quote_id_moves")


def downgrade() -> None:
    """The revision ids cannot be recovered from their UUIDs: nothing to undo by rows."""
