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
/// `"customer"`). `server/tests/suite/contract.rs` checks every enum of the OpenAPI document
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

/// Who among the staff may do what: each capability is the set of staff roles that holds
/// it. The one place these sets are written: the services check them, the server's access
/// table (`server/src/http/policy.rs`) refuses by them, and the app's menus show by them.
pub mod can {
    use super::StaffRole::{self, *};

    /// See connection applications (the queue, the dashboard, an application).
    pub const READ_APPLICATIONS: &[StaffRole] = &[ConnectionHandler, Supervisor, Admin, Auditor, KeyAccountManager];
    /// Work them: claim, act on a step, attach documents, record the follow-up visit.
    pub const WORK_APPLICATIONS: &[StaffRole] = &[ConnectionHandler, Supervisor];
    /// Put an application in the green channel and reassign it.
    pub const LEAD_APPLICATIONS: &[StaffRole] = &[Supervisor];
    /// Read bills, readings and usage: billing operators, and those who answer customers
    /// about them or watch over them.
    pub const READ_BILLS: &[StaffRole] = &[BillingOperator, Agent, Supervisor, KeyAccountManager, Admin, Auditor];
    /// Import readings, run billing and correct bills.
    pub const OPERATE_BILLING: &[StaffRole] = &[BillingOperator, Admin];
    /// Follow billing runs and readings imports (the billing console).
    pub const WATCH_BILLING: &[StaffRole] = &[BillingOperator, Admin, Auditor];
    /// Read the configuration: staff, tariffs, settings, the audit log, integration tokens.
    pub const READ_ADMINISTRATION: &[StaffRole] = &[Admin, Auditor];
    /// Change it: staff and their roles, tariffs, the calendar, the time limits, tokens.
    pub const ADMINISTER: &[StaffRole] = &[Admin];

    /// Whether someone holding `roles` has the capability `set`.
    pub fn any(roles: &[StaffRole], set: &[StaffRole]) -> bool {
        roles.iter().any(|role| set.contains(role))
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

impl OrgRole {
    /// Whether this role may act on the organisation's connection applications (start,
    /// change, document, submit, cancel, accept a scheme or a contract): the admin only;
    /// payers and viewers read them.
    pub fn may_apply(self) -> bool {
        self == OrgRole::Admin
    }
}

/// Whether a login may act on connection applications: a customer for themselves, an
/// enterprise user whose role allows it ([`OrgRole::may_apply`]) for their organisation.
/// Staff do not apply. The access policy and the pages both ask this.
pub fn may_apply(kind: UserKind, org_role: Option<OrgRole>) -> bool {
    match kind {
        UserKind::Customer => true,
        UserKind::Enterprise => org_role.is_some_and(OrgRole::may_apply),
        UserKind::Staff => false,
    }
}

/// Supply stations (供电所) a staff member is limited to are a list of station codes; an
/// empty list is every station. These three rules are the one answer to "may this person
/// reach that station" for every staff read and write: connection applications, billing,
/// readings, the audit log and staff administration all ask them.
pub mod stations {
    /// Whether someone limited to `mine` reaches `station`.
    pub fn covers(mine: &[String], station: &str) -> bool {
        mine.is_empty() || mine.iter().any(|m| m == station)
    }

    /// Whether someone limited to `mine` reaches every station of `theirs` (an empty
    /// `theirs` being every station, which only someone unlimited reaches).
    pub fn covers_all_of(mine: &[String], theirs: &[String]) -> bool {
        mine.is_empty() || (!theirs.is_empty() && theirs.iter().all(|t| covers(mine, t)))
    }

    /// Whether two people's stations share at least one (a limited supervisor and the
    /// handlers they may assign work of their stations to).
    pub fn meet(mine: &[String], theirs: &[String]) -> bool {
        mine.is_empty() || theirs.is_empty() || theirs.iter().any(|t| covers(mine, t))
    }

    /// Whether someone limited to `mine` reaches every station, as a change that acts on
    /// all of them needs (a billing run, a tariff, the calendar, the time limits).
    pub fn covers_every(mine: &[String]) -> bool {
        mine.is_empty()
    }

    /// Whether someone limited to `mine` reaches something of `station`, or, for something
    /// of no one station yet (`None`: a draft application, a token for every station),
    /// whether they reach every station.
    pub fn reaches(mine: &[String], station: Option<&str>) -> bool {
        match station {
            Some(station) => covers(mine, station),
            None => covers_every(mine),
        }
    }
}

/// Why a staff grant is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantRefusal {
    /// The grant, or the person it changes, reaches stations the granter does not hold.
    Stations,
    /// The granter would give themselves a role they do not hold.
    Roles,
}

/// A staff member who grants: their roles and stations.
#[derive(Debug, Clone, Copy)]
pub struct Granter<'a> {
    /// Their roles.
    pub roles: &'a [StaffRole],
    /// Their stations (empty: all).
    pub stations: &'a [String],
}

/// Whether `granter` may give roles and stations to a staff member (`None`: nothing asked
/// of that kind). Nobody grants a station they do not hold: a station-limited admin
/// invites and changes only staff within their stations, gives only stations among theirs
/// (never "every station"), and cannot widen their own. Roles are granted by admins (the
/// policy allows no one else), and nobody gives themselves a role they do not hold.
/// `target` is the person changed: `None` for a new invitation, else whether it is the
/// granter themselves and the stations they hold now.
pub fn may_grant(
    granter: Granter<'_>,
    target: Option<(bool, &[String])>,
    roles: Option<&[StaffRole]>,
    new_stations: Option<&[String]>,
) -> Result<(), GrantRefusal> {
    if let Some((_, current)) = target
        && !stations::covers_all_of(granter.stations, current)
    {
        return Err(GrantRefusal::Stations);
    }
    // A new person without a list of stations would reach all of them.
    let asked = match (target, new_stations) {
        (_, Some(asked)) => Some(asked),
        (None, None) => Some(&[][..]),
        (Some(_), None) => None,
    };
    if let Some(asked) = asked
        && !stations::covers_all_of(granter.stations, asked)
    {
        return Err(GrantRefusal::Stations);
    }
    if let (Some((true, _)), Some(roles)) = (target, roles)
        && roles.iter().any(|role| !granter.roles.contains(role))
    {
        return Err(GrantRefusal::Roles);
    }
    Ok(())
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

    fn codes(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn stations_cover_within_their_list() {
        let pd = codes(&["PD01"]);
        assert!(stations::covers(&[], "PD01"));
        assert!(stations::covers(&pd, "PD01"));
        assert!(!stations::covers(&pd, "MH02"));
        assert!(stations::covers_all_of(&[], &[]));
        assert!(stations::covers_all_of(&pd, &pd));
        assert!(!stations::covers_all_of(&pd, &[]), "every station is beyond one");
        assert!(!stations::covers_all_of(&pd, &codes(&["PD01", "MH02"])));
        assert!(stations::meet(&pd, &[]) && stations::meet(&pd, &codes(&["MH02", "PD01"])));
        assert!(!stations::meet(&pd, &codes(&["MH02"])));
        assert!(stations::covers_every(&[]));
        assert!(!stations::covers_every(&pd));
    }

    #[test]
    fn nobody_grants_a_station_or_gives_themselves_a_role_they_do_not_hold() {
        let pd = codes(&["PD01"]);
        let limited = Granter { roles: &[StaffRole::Admin], stations: &pd };
        let unlimited = Granter { roles: &[StaffRole::Admin], stations: &[] };
        let agent = [StaffRole::Agent];
        // Invitations.
        assert_eq!(may_grant(limited, None, Some(&agent), Some(&pd)), Ok(()));
        assert_eq!(may_grant(limited, None, Some(&agent), Some(&[])), Err(GrantRefusal::Stations));
        assert_eq!(may_grant(limited, None, Some(&agent), None), Err(GrantRefusal::Stations));
        assert_eq!(may_grant(limited, None, Some(&agent), Some(&codes(&["MH02"]))), Err(GrantRefusal::Stations));
        assert_eq!(may_grant(unlimited, None, Some(&agent), Some(&[])), Ok(()));
        // Changes of someone else.
        assert_eq!(may_grant(limited, Some((false, &pd)), Some(&agent), None), Ok(()));
        assert_eq!(may_grant(limited, Some((false, &[])), Some(&agent), None), Err(GrantRefusal::Stations));
        assert_eq!(may_grant(limited, Some((false, &pd)), None, Some(&[])), Err(GrantRefusal::Stations));
        // Themselves: never wider, never a new role.
        assert_eq!(may_grant(limited, Some((true, &pd)), None, Some(&[])), Err(GrantRefusal::Stations));
        assert_eq!(
            may_grant(unlimited, Some((true, &[])), Some(&[StaffRole::Admin, StaffRole::BillingOperator]), None),
            Err(GrantRefusal::Roles)
        );
        assert_eq!(may_grant(unlimited, Some((true, &[])), Some(&[StaffRole::Admin]), None), Ok(()));
    }

    #[test]
    fn only_customers_and_enterprise_admins_apply() {
        assert!(may_apply(UserKind::Customer, None));
        assert!(may_apply(UserKind::Enterprise, Some(OrgRole::Admin)));
        assert!(!may_apply(UserKind::Enterprise, Some(OrgRole::Payer)));
        assert!(!may_apply(UserKind::Enterprise, Some(OrgRole::Viewer)));
        assert!(!may_apply(UserKind::Enterprise, None));
        assert!(!may_apply(UserKind::Staff, None));
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
            let mut expected = notices;
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
