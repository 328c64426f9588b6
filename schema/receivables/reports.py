"""AR reports: aging as of a date (per customer and total) and a customer's statement."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from domain.identity import Permission
from domain.receivables import aging as agings
from domain.receivables import statement as statements
from resolvers.receivables import reports
from schema.context import Info
from schema.customers.types import Customer
from schema.permissions import requires

READ = [requires(Permission.INVOICE_READ)]


async def _customer(info: Info, customer_id: str) -> Customer | None:
    found = await info.context.loaders.customer_by_id.load(customer_id)
    return None if found is None else Customer.from_domain(found)


@strawberry.type(description="What one customer (or all, in the total) owes by days past due.")
class AgingRow:
    customer_id: strawberry.ID = strawberry.field(description="TOTAL on the total row.")
    current: Decimal = strawberry.field(description="Not due yet.")
    days_1_to_30: Decimal
    days_31_to_60: Decimal
    days_61_to_90: Decimal
    over_90_days: Decimal
    unapplied: Decimal = strawberry.field(
        description="Unapplied cash and credits on account (negative)."
    )
    total: Decimal

    @strawberry.field(
        description="The customer (none on the total row).",
        permission_classes=[requires(Permission.CUSTOMER_READ)],
    )
    async def customer(self, info: Info) -> Customer | None:
        return await _customer(info, str(self.customer_id))

    @classmethod
    def from_domain(cls, row: agings.AgingRow) -> AgingRow:
        return cls(
            customer_id=strawberry.ID(row.customer_id),
            current=row.current,
            days_1_to_30=row.days_1_30,
            days_31_to_60=row.days_31_60,
            days_61_to_90=row.days_61_90,
            over_90_days=row.over_90,
            unapplied=row.unapplied,
            total=row.total,
        )


@strawberry.type(
    description="AR aging as of a date, read from the receivables account's journal lines: "
    "its total is that account's balance on the date."
)
class ArAging:
    as_of: date

    @strawberry.field(description="Each customer with a balance, by customer id.")
    async def customers(self, info: Info) -> list[AgingRow]:
        found = await reports.ar_aging(info.context.uow, self.as_of)
        return [AgingRow.from_domain(row) for row in found.customers]

    @strawberry.field(description="Over every customer (customerId TOTAL).")
    async def total(self, info: Info) -> AgingRow:
        return AgingRow.from_domain(await reports.ar_aging_total(info.context.uow, self.as_of))


@strawberry.type(description="One journal entry on the customer's receivable.")
class StatementLine:
    entry_id: strawberry.ID
    posted_on: date
    memo: str
    debit: Decimal = strawberry.field(description="Billed.")
    credit: Decimal = strawberry.field(description="Paid or credited.")
    balance: Decimal = strawberry.field(description="The running balance after the line.")


@strawberry.type(description="A customer's account between two dates, with a running balance.")
class CustomerStatement:
    customer_id: strawberry.ID
    from_date: date
    to_date: date
    opening_balance: Decimal
    lines: list[StatementLine]
    closing_balance: Decimal

    @strawberry.field(
        description="The customer.", permission_classes=[requires(Permission.CUSTOMER_READ)]
    )
    async def customer(self, info: Info) -> Customer | None:
        return await _customer(info, str(self.customer_id))

    @classmethod
    def from_domain(cls, s: statements.CustomerStatement) -> CustomerStatement:
        return cls(
            customer_id=strawberry.ID(s.customer_id),
            from_date=s.from_date,
            to_date=s.to_date,
            opening_balance=s.opening_balance,
            lines=[
                StatementLine(
                    entry_id=strawberry.ID(line.entry_id),
                    posted_on=line.posted_on,
                    memo=line.memo,
                    debit=line.debit,
                    credit=line.credit,
                    balance=line.balance,
                )
                for line in s.lines
            ],
            closing_balance=s.closing_balance,
        )


@strawberry.type
class ReceivablesReportQueries:
    @strawberry.field(
        description="AR aging as of asOf (default today, UTC): current, 1-30, 31-60, 61-90 "
        "and over 90 days past due, per customer and in total (each read only if asked).",
        permission_classes=READ,
    )
    async def ar_aging(self, info: Info, as_of: date | None = None) -> ArAging:
        return ArAging(as_of=as_of or info.context.clock.now().date())

    @strawberry.field(
        description="A customer's statement from `from` to `to` (inclusive): the opening "
        "balance, each entry with the running balance, the closing balance.",
        permission_classes=READ,
    )
    async def customer_statement(
        self,
        info: Info,
        customer_id: strawberry.ID,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
    ) -> CustomerStatement:
        found = await reports.customer_statement(info.context.uow, customer_id, from_, to)
        return CustomerStatement.from_domain(found)
