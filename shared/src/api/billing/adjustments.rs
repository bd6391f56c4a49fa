//! Corrections: bill actions, refunds and back-billing with four eyes, holds.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Money;
use crate::roles::{UnknownName, named_set};

/// An operator's decision on a held bill, or the cancellation of an issued one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BillAction {
    /// Issue a held bill as it is.
    Release,
    /// Cancel the bill with a credit note and compute it again from the readings now
    /// stored (a corrected reading, a corrected tariff).
    CreditAndRebill {
        /// Why, for the customer and the audit log.
        reason: String,
    },
}

/// A refund or back-billing for an account's next bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAdjustment {
    /// The account.
    pub account_no: String,
    /// Yuan: negative refunds, positive back-bills.
    pub amount: Money,
    /// Why.
    pub reason: String,
}

/// The largest refund or back-billing, in fen (¥1,000,000).
pub const ADJUSTMENT_MAX_FEN: i64 = 100_000_000;

impl NewAdjustment {
    /// Checks the request (the browser for instant feedback, the server as the authority);
    /// answers the amount in fen and the trimmed reason.
    pub fn validate(&self) -> Result<(i64, &str), Vec<crate::validation::FieldError>> {
        use crate::validation::{FieldError, Problem};
        let reason = self.reason.trim();
        let mut fields = Vec::new();
        let fen = self
            .amount
            .to_fen()
            .filter(|f| *f != 0 && f.abs() <= ADJUSTMENT_MAX_FEN && self.amount == self.amount.round_to_fen());
        if fen.is_none() {
            fields.push(FieldError::new("amount", Problem::InvalidAmount));
        }
        if reason.is_empty() {
            fields.push(FieldError::new("reason", Problem::Required));
        } else if reason.chars().count() > 500 {
            fields.push(FieldError::new("reason", Problem::TooLong));
        }
        match fen {
            Some(fen) if fields.is_empty() => Ok((fen, reason)),
            _ => Err(fields),
        }
    }
}

named_set! {
    /// Where a refund or back-billing stands. One above the approval threshold waits for a
    /// second billing operator (four eyes); only an approved one is carried by a bill.
    AdjustmentStatus {
        /// Waiting for another operator's approval.
        Pending = "pending",
        /// Approved (or below the threshold): the account's next bill carries it.
        Approved = "approved",
        /// Refused by the second operator: never carried.
        Rejected = "rejected",
    }
}

impl AdjustmentStatus {
    /// The status a new adjustment of `amount` starts in: above `threshold` either way
    /// (a refund or a back-bill) it waits for a second operator; up to it, it stands.
    pub fn on_request(amount: Money, threshold: Money) -> AdjustmentStatus {
        if amount.yuan().abs() > threshold.yuan() { AdjustmentStatus::Pending } else { AdjustmentStatus::Approved }
    }
}

/// A refund or back-billing as recorded: the answer to its request, and a line of the
/// pending list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdjustmentView {
    /// Its number.
    pub id: i64,
    /// The account.
    pub account_no: String,
    /// Yuan: negative refunds, positive back-bills.
    pub amount: Money,
    /// Why.
    pub reason: String,
    /// Pending, approved or rejected.
    pub status: AdjustmentStatus,
    /// Who asked for it.
    pub requested_by: String,
    /// When.
    pub requested_at: DateTime<Utc>,
    /// Who approved or rejected it, once decided by a second operator.
    pub decided_by: Option<String>,
}

named_set! {
    /// A second operator's decision on a pending adjustment.
    AdjustmentDecision {
        /// The next bill carries it.
        Approve = "approve",
        /// It is never carried.
        Reject = "reject",
    }
}

/// The body of a decision on a pending adjustment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecideAdjustment {
    /// Approve or reject.
    pub decision: AdjustmentDecision,
}

/// Holds or releases an account's bills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountHold {
    /// Hold (`true`, with a reason) or release (`false`).
    pub hold: bool,
    /// Why, when holding.
    #[serde(default)]
    pub reason: Option<String>,
}
