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


class LocationGlAccountNotConfigured(DomainError):
    """Seed 001: a location's revenue cannot be booked without its GL account."""

    code = "LOCATION_GL_ACCOUNT_NOT_CONFIGURED"


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


LOCATION_ROLES = (AccountRole.REVENUE, AccountRole.SERVICE_REVENUE)
"""The roles a location may post to accounts of its own: the revenue it earns (seed 001's
location GL account for a work order's billable revenue). Receivables, tax payable and
the rest stay the tenant's: one customer owes one balance, whichever shop billed them."""


@dataclass(frozen=True, slots=True)
class LocationAccounts:
    """What a tenant configured per location for posting at `location_id`: that
    location's own accounts, and the roles some location of the tenant has its own
    account for (`split`)."""

    location_id: str
    own: Mapping[AccountRole, Account]
    split: frozenset[AccountRole]


@dataclass(frozen=True, slots=True)
class ChartOfAccounts:
    """A tenant's accounts by role: its own where it set one, else the default; at a
    location, the location's own account first (see `at`)."""

    overrides: Mapping[AccountRole, Account] = field(default_factory=dict)
    unconfigured: Mapping[AccountRole, str] = field(default_factory=dict)
    """Roles the chart's location must have its own account for, and does not."""

    def __getitem__(self, role: AccountRole) -> Account:
        location_id = self.unconfigured.get(role)
        if location_id is not None:
            raise LocationGlAccountNotConfigured(
                f"Location '{location_id}' has no {role} account of its own, while other "
                f"locations post {role} to theirs; set one (setLocationGlAccount) so its "
                "revenue is not booked to another's account.",
                field="locationId",
            )
        return self.overrides.get(role) or DEFAULT_ACCOUNTS[role]

    def at(self, accounts: LocationAccounts) -> ChartOfAccounts:
        """The chart a posting at `accounts.location_id` uses. Once a tenant books a role
        per location (any location has its own account for it), every location must:
        posting that role at one without it is LOCATION_GL_ACCOUNT_NOT_CONFIGURED rather
        than mixing its revenue into the tenant's account (seed 001 fails closed)."""
        return ChartOfAccounts(
            {**self.overrides, **accounts.own},
            {role: accounts.location_id for role in accounts.split if role not in accounts.own},
        )

    def check_location_account(self, role: AccountRole, account: Account) -> None:
        """A location's own account for `role`: a revenue role, on a number no other role
        of the tenant posts to (GL_ACCOUNT_TAKEN)."""
        if role not in LOCATION_ROLES:
            raise InvalidInput(
                f"A location posts only its revenue ({', '.join(LOCATION_ROLES)}) to "
                f"accounts of its own; {role} is the tenant's (setGlAccount).",
                field="role",
            )
        self._refuse_taken(role, account)

    def with_account(self, role: AccountRole, account: Account) -> ChartOfAccounts:
        """The chart with `role` posted to `account`; a number another role posts to is
        GL_ACCOUNT_TAKEN (one account cannot be two, the very clash of seeds 000 and 002)."""
        self._refuse_taken(role, account)
        return ChartOfAccounts({**self.overrides, role: account})

    def _refuse_taken(self, role: AccountRole, account: Account) -> None:
        for other in AccountRole:
            if other is not role and self[other].number == account.number:
                raise GlAccountTaken(
                    f"Account {account.number} is the {other} account; choose another number "
                    f"for {role}, or move {other} first.",
                    field="number",
                )


DEFAULT_CHART = ChartOfAccounts()


class AccountSource(StrEnum):
    LOCATION = "LOCATION"
    TENANT = "TENANT"
    DEFAULT = "DEFAULT"
    NOT_CONFIGURED = "NOT_CONFIGURED"


@dataclass(frozen=True, slots=True)
class LocationAccount:
    """The account a posting at a location uses for a role, and where it comes from;
    none when the location must have its own and has not."""

    role: AccountRole
    account: Account | None
    source: AccountSource


def accounts_at(chart: ChartOfAccounts, accounts: LocationAccounts) -> list[LocationAccount]:
    """Every role as a posting at `accounts.location_id` books it."""
    found = []
    for role in AccountRole:
        if role in accounts.own:
            found.append(LocationAccount(role, accounts.own[role], AccountSource.LOCATION))
        elif role in accounts.split:
            found.append(LocationAccount(role, None, AccountSource.NOT_CONFIGURED))
        else:
            source = AccountSource.TENANT if role in chart.overrides else AccountSource.DEFAULT
            found.append(LocationAccount(role, chart[role], source))
    return found
