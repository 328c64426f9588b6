"""Estimates: priced quotes a customer approves or declines, and what approval sets off."""

from domain.estimates.approval import ApprovalRecord, SignatureRequired
from domain.estimates.audit import AuditAction, AuditEventType, AuditRecord
from domain.estimates.estimate import Estimate
from domain.estimates.events import (
    ESTIMATE_AGGREGATE,
    ESTIMATE_STATUS_CHANGED,
    status_changed_payload,
)
from domain.estimates.items import ADD_NON_CATALOG_PART, OVERRIDE_PRICE, EstimateItem
from domain.estimates.quote import QUOTE_APPROVED, quote_approved_payload
from domain.estimates.status import (
    EmptyEstimate,
    EstimateExpired,
    EstimateNotFound,
    EstimateStatus,
    InvalidTransition,
    ItemNotFound,
)
from domain.estimates.totals import Discount, DiscountExceedsSubtotal, EstimateTotals
from domain.finance.quote_costs import (
    CostTransaction,
    CostType,
    FinanceLocked,
    FinancePostingStatus,
    MonthLock,
    cost_transactions,
    finance_lock,
)

__all__ = [
    "ADD_NON_CATALOG_PART",
    "ESTIMATE_AGGREGATE",
    "ESTIMATE_STATUS_CHANGED",
    "OVERRIDE_PRICE",
    "QUOTE_APPROVED",
    "ApprovalRecord",
    "AuditAction",
    "AuditEventType",
    "AuditRecord",
    "CostTransaction",
    "CostType",
    "Discount",
    "DiscountExceedsSubtotal",
    "EmptyEstimate",
    "Estimate",
    "EstimateExpired",
    "EstimateItem",
    "EstimateNotFound",
    "EstimateStatus",
    "EstimateTotals",
    "FinanceLocked",
    "FinancePostingStatus",
    "InvalidTransition",
    "ItemNotFound",
    "MonthLock",
    "SignatureRequired",
    "cost_transactions",
    "finance_lock",
    "quote_approved_payload",
    "status_changed_payload",
]
