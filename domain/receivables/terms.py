"""When an invoice falls due: its posting date plus the customer's billing terms.

Customers carry a `billingTermsId` (`NET30`, `BT-NET30`, `BT-DUE-ON-RECEIPT`...). The
terms are read from the id: `NET<days>` anywhere in it is due that many days after
posting, `DUE-ON-RECEIPT` (or `COD`) on the posting date. A customer with no terms pays
NET30, the seed's example. Terms nobody can read are refused when posting, naming them,
rather than guessed at: a wrong due date makes a customer overdue by mistake.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from domain.errors import DomainError

DEFAULT_DAYS = 30
MAX_DAYS = 365
NET = re.compile(r"(?:^|[^A-Z0-9])NET-?(\d{1,3})(?:$|[^0-9])")
ON_RECEIPT = re.compile(r"(?:^|[^A-Z0-9])(?:DUE-?ON-?RECEIPT|COD)(?:$|[^A-Z0-9])")


class UnknownBillingTerms(DomainError):
    code = "UNKNOWN_BILLING_TERMS"


def days_to_pay(terms_id: str | None) -> int:
    if terms_id is None or not terms_id.strip():
        return DEFAULT_DAYS
    terms = terms_id.strip().upper().replace("_", "-")
    if ON_RECEIPT.search(terms):
        return 0
    net = NET.search(terms)
    if net and int(net.group(1)) <= MAX_DAYS:
        return int(net.group(1))
    raise UnknownBillingTerms(
        f"Billing terms '{terms_id}' name no payment period; give the customer terms such "
        "as NET30 or DUE-ON-RECEIPT.",
        field="billingTermsId",
    )


def due_date(posting_date: date, terms_id: str | None) -> date:
    return posting_date + timedelta(days=days_to_pay(terms_id))
