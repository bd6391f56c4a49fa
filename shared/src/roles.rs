//! Who someone is to the portal (domain brief §1): the kind of login, the roles staff hold,
//! the role of an enterprise user in their company, the scope of an API token, and the
//! notices a person may choose to get by email.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A name that is not one of an enum's spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownName;

/// Declares a closed set of names with their wire spelling, `ALL`, `as_str` and `FromStr`.
///
/// The spelling is taken as a `tt`, not a `literal`: a `literal` fragment reaches derive
/// macros wrapped in an invisible group, and utoipa's reading of `#[serde(rename = …)]`
/// then finds no string and silently documents the Rust name (`"Customer"` for
/// `"customer"`). `server/tests/contract.rs` checks every enum of the OpenAPI document
/// against serde's spelling.
macro_rules! named_set {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire and database spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text { $($text => Ok($name::$variant),)+ _ => Err(UnknownName) }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use named_set;

named_set! {
    /// The kind of a login.
    UserKind {
        /// A residential (or small business) customer with linked accounts.
        Customer = "customer",
        /// A user of an enterprise, acting for their organisation.
        Enterprise = "enterprise",
        /// Utility staff.
        Staff = "staff",
    }
}

named_set! {
    /// A staff role (domain brief §1). A person may hold several.
    StaffRole {
        /// Service agent (客服坐席): works the complaint queue.
        Agent = "agent",
        /// Supervisor (班长): watches queues, gets escalations.
        Supervisor = "supervisor",
        /// Connection handler (业扩受理): owns connection applications.
        ConnectionHandler = "connection_handler",
        /// Billing operator (抄核收).
        BillingOperator = "billing_operator",
        /// Key account manager (大客户经理).
        KeyAccountManager = "key_account_manager",
        /// Administrator: staff, roles, configuration.
        Admin = "admin",
        /// Auditor: reads everything, changes nothing.
        Auditor = "auditor",
    }
}

named_set! {
    /// The role of an enterprise user in their organisation.
    OrgRole {
        /// Manages colleagues and API tokens; may pay.
        Admin = "admin",
        /// May pay and top up; reads everything.
        Payer = "payer",
        /// Reads only.
        Viewer = "viewer",
    }
}

impl OrgRole {
    /// Whether this role may pay bills and top up.
    pub fn may_pay(self) -> bool {
        matches!(self, OrgRole::Admin | OrgRole::Payer)
    }
}

named_set! {
    /// What an API token may do.
    TokenScope {
        /// Read the organisation's data.
        Read = "read",
        /// Read, and act where a payer may (pay, top up).
        ReadWrite = "read_write",
    }
}

named_set! {
    /// Notices a person may choose to receive by email. Notices the law requires (a
    /// disconnection warning) are sent whatever the choice.
    Notice {
        /// Steps of connection applications.
        Applications = "applications",
        /// A bill is issued.
        Bills = "bills",
        /// A payment is received.
        Payments = "payments",
        /// A prepaid balance runs low.
        LowBalance = "low_balance",
        /// Planned and unplanned outages.
        Outages = "outages",
        /// Replies to complaints.
        Complaints = "complaints",
    }
}

impl Notice {
    /// Parses a comma-separated list as stored; unknown names are skipped (a notice that
    /// was retired).
    pub fn parse_list(text: &str) -> Vec<Notice> {
        let mut notices: Vec<Notice> = text.split(',').filter_map(|name| name.trim().parse().ok()).collect();
        notices.sort();
        notices.dedup();
        notices
    }

    /// Writes a list as stored.
    pub fn write_list(notices: &[Notice]) -> String {
        let mut sorted = notices.to_vec();
        sorted.sort();
        sorted.dedup();
        sorted.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in StaffRole::ALL {
            assert_eq!(role.as_str().parse::<StaffRole>(), Ok(*role));
            assert_eq!(serde_json::to_string(role).expect("json"), format!("\"{}\"", role.as_str()));
        }
        for role in OrgRole::ALL {
            assert_eq!(role.as_str().parse::<OrgRole>(), Ok(*role));
        }
        assert_eq!("root".parse::<StaffRole>(), Err(UnknownName));
    }

    #[test]
    fn only_admins_and_payers_pay() {
        assert!(OrgRole::Admin.may_pay());
        assert!(OrgRole::Payer.may_pay());
        assert!(!OrgRole::Viewer.may_pay());
    }

    proptest::proptest! {
        #[test]
        fn notice_lists_round_trip(picks in proptest::collection::vec(0_usize..6, 0..10)) {
            let notices: Vec<Notice> = picks.iter().map(|&i| Notice::ALL[i]).collect();
            let parsed = Notice::parse_list(&Notice::write_list(&notices));
            let mut expected = notices.clone();
            expected.sort();
            expected.dedup();
            proptest::prop_assert_eq!(parsed, expected);
        }
    }

    #[test]
    fn retired_notices_are_skipped() {
        assert_eq!(Notice::parse_list("bills,,fax, outages"), vec![Notice::Bills, Notice::Outages]);
        assert_eq!(Notice::parse_list(""), vec![]);
    }
}
