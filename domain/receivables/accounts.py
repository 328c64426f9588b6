"""The accounts receivables post to, per tenant, with the seeds' numbers as defaults.

Postings name an account by its role (`AccountRole.RECEIVABLES`), never by number, so a
tenant whose ledger numbers differ changes its chart, not the code. Seed 000 credits
Service Revenue 4100 and seed 002 debits Sales Returns 4100 too: one number cannot be
both, so Service Revenue keeps 4100 (billed orders have posted to it since the start)
and Sales Returns takes 4900 (docs/decisions.md, "Accounts receivable").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from domain.checks import check_text
from domain.errors import DomainError, InvalidInput, collect

ACCOUNT_NUMBER = re.compile(r"^[0-9][0-9-]{0,31}$")


class GlAccountTaken(DomainError):
    code = "GL_ACCOUNT_TAKEN"


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

    def __post_init__(self) -> None:
        bad_number = not ACCOUNT_NUMBER.match(self.number.strip())
        collect(
            InvalidInput(
                f"An account number is digits (and dashes), such as 1200; got '{self.number}'.",
                field="number",
            )
            if bad_number
            else None,
            check_text(self.name, "name", "Name the account, e.g. Accounts Receivable."),
        )
        object.__setattr__(self, "number", self.number.strip())
        object.__setattr__(self, "name", self.name.strip())


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

    def with_account(self, role: AccountRole, account: Account) -> ChartOfAccounts:
        """The chart with `role` posted to `account`; a number another role posts to is
        GL_ACCOUNT_TAKEN (one account cannot be two, the very clash of seeds 000 and 002)."""
        for other in AccountRole:
            if other is not role and self[other].number == account.number:
                raise GlAccountTaken(
                    f"Account {account.number} is the {other} account; choose another number "
                    f"for {role}, or move {other} first.",
                    field="number",
                )
        return ChartOfAccounts({**self.overrides, role: account})


DEFAULT_CHART = ChartOfAccounts()
