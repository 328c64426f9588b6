"""Estimates: priced quotes a customer approves or declines, and what approval sets off."""

from domain.estimates.approval import ApprovalRecord, SignatureRequired
from domain.estimates.audit import AuditAction, AuditEventType, AuditRecord
from domain.estimates.estimate import Estimate
from domain.estimates.events import EstimateStatusChanged, QuoteApproved
from domain.estimates.items import ADD_NON_CATALOG_PART, OVERRIDE_PRICE, EstimateItem
from domain.estimates.status import (
    EmptyEstimate,
    EstimateExpired,
    EstimateNotFound,
    EstimateStatus,
    InvalidTransition,
    ItemNotFound,
)
from domain.estimates.totals import Discount, DiscountExceedsSubtotal, EstimateTotals

__all__ = [
    "ADD_NON_CATALOG_PART",
    "OVERRIDE_PRICE",
    "ApprovalRecord",
    "AuditAction",
    "AuditEventType",
    "AuditRecord",
    "Discount",
    "DiscountExceedsSubtotal",
    "EmptyEstimate",
    "Estimate",
    "EstimateExpired",
    "EstimateItem",
    "EstimateNotFound",
    "EstimateStatus",
    "EstimateStatusChanged",
    "EstimateTotals",
    "InvalidTransition",
    "ItemNotFound",
    "QuoteApproved",
    "SignatureRequired",
]
