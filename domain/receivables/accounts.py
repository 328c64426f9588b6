"""The accounts receivables post to, per tenant, with the seeds' numbers as defaults.

Postings name an account by its role (`AccountRole.RECEIVABLES`), never by number, so a
tenant whose ledger numbers differ changes its chart, not the code. Seed 000 credits
Service Revenue 4100 and seed 002 debits Sales Returns 4100 too: one number cannot be
both, so Service Revenue keeps 4100 (billed orders have posted to it since the start)
and Sales Returns takes 4900 (docs/decisions.md, "Accounts receivable").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class AccountRole(StrEnum):
    CASH = "CASH"
    RECEIVABLES = "RECEIVABLES"
    SALES_TAX_PAYABLE = "SALES_TAX_PAYABLE"
    REVENUE = "REVENUE"
    SERVICE_REVENUE = "SERVICE_REVENUE"
    SALES_RETURNS = "SALES_RETURNS"
    BAD_DEBT = "BAD_DEBT"


@dataclass(frozen=True, slots=True)
class Account:
    number: str
    name: str


DEFAULT_ACCOUNTS: Mapping[AccountRole, Account] = MappingProxyType(
    {
        AccountRole.CASH: Account("1000", "Cash/Bank"),
        AccountRole.RECEIVABLES: Account("1200", "Accounts Receivable"),
        AccountRole.SALES_TAX_PAYABLE: Account("2100", "Sales Tax Payable"),
        AccountRole.REVENUE: Account("4000", "Revenue"),
        AccountRole.SERVICE_REVENUE: Account("4100", "Service Revenue"),
        AccountRole.SALES_RETURNS: Account("4900", "Sales Returns"),
        AccountRole.BAD_DEBT: Account("6500", "Bad Debt Expense"),
    }
)


@dataclass(frozen=True, slots=True)
class ChartOfAccounts:
    """A tenant's accounts by role: its own where it set one, else the default."""

    overrides: Mapping[AccountRole, Account] = field(default_factory=dict)

    def __getitem__(self, role: AccountRole) -> Account:
        return self.overrides.get(role) or DEFAULT_ACCOUNTS[role]


DEFAULT_CHART = ChartOfAccounts()
