//! Rate limits kept in the database, so that they hold however many servers answer.
//!
//! Each limit counts hits per key in fixed windows. Keys (an email address, an IP) are
//! stored hashed: the table says how often, not who.

use sqlx::Row;

use super::{Fail, Outcome, now, secrets};
use crate::db::Db;

/// A limit: at most `max` hits per `window_secs` for one key.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// Names the bucket family (and the figure in docs/security.md).
    pub name: &'static str,
    /// Hits allowed in a window.
    pub max: i64,
    /// The window, in seconds.
    pub window_secs: i64,
}

/// Login attempts for one email address: 10 per 15 minutes.
pub const LOGIN_PER_EMAIL: Limit = Limit { name: "login:email", max: 10, window_secs: 15 * 60 };
/// Login attempts from one address: 50 per 15 minutes (an office behind one NAT).
pub const LOGIN_PER_IP: Limit = Limit { name: "login:ip", max: 50, window_secs: 15 * 60 };
/// Registrations from one address: 10 per hour.
pub const REGISTER_PER_IP: Limit = Limit { name: "register:ip", max: 10, window_secs: 3600 };
/// Reset requests for one email address: 5 per hour.
pub const RESET_PER_EMAIL: Limit = Limit { name: "reset:email", max: 5, window_secs: 3600 };
/// Reset requests from one address: 20 per hour.
pub const RESET_PER_IP: Limit = Limit { name: "reset:ip", max: 20, window_secs: 3600 };
/// Account-link proofs (and code requests) by one login: 10 per hour.
pub const LINK_PER_USER: Limit = Limit { name: "link:user", max: 10, window_secs: 3600 };
/// Account-link proofs against one account, by anyone: 10 per hour.
pub const LINK_PER_ACCOUNT: Limit = Limit { name: "link:account", max: 10, window_secs: 3600 };
/// Account-link proofs from one address: 30 per hour.
pub const LINK_PER_IP: Limit = Limit { name: "link:ip", max: 30, window_secs: 3600 };

/// Every limit, for the documentation test.
pub const ALL: [Limit; 8] = [
    LOGIN_PER_EMAIL,
    LOGIN_PER_IP,
    REGISTER_PER_IP,
    RESET_PER_EMAIL,
    RESET_PER_IP,
    LINK_PER_USER,
    LINK_PER_ACCOUNT,
    LINK_PER_IP,
];

/// Counts one hit of `key` against `limit`; refuses with the seconds until the window
/// ends once the limit is passed.
pub async fn hit(db: &Db, limit: Limit, key: &str) -> Outcome<()> {
    let now = now();
    let window_start = now - now.rem_euclid(limit.window_secs);
    let bucket = format!("{}:{}", limit.name, &secrets::hash(key)[..32]);
    // One statement: concurrent hits on any server add up exactly.
    let row = sqlx::query(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (bucket) DO UPDATE SET
             hits = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.hits + 1 ELSE 1 END,
             window_start = excluded.window_start
         RETURNING hits",
    )
    .bind(&bucket)
    .bind(window_start)
    .fetch_one(db.pool())
    .await?;
    let hits: i64 = row.try_get("hits")?;
    if hits > limit.max {
        let retry_after = u64::try_from(window_start + limit.window_secs - now).unwrap_or(1).max(1);
        Err(Fail::RateLimited(retry_after))
    } else {
        Ok(())
    }
}

/// Hits several limits; all are counted, the first refusal wins.
pub async fn hit_all(db: &Db, hits: &[(Limit, &str)]) -> Outcome<()> {
    let mut refusal = None;
    for &(limit, key) in hits {
        match hit(db, limit, key).await {
            Ok(()) => {}
            Err(Fail::RateLimited(seconds)) => {
                refusal = Some(refusal.map_or(seconds, |s: u64| s.max(seconds)));
            }
            Err(other) => return Err(other),
        }
    }
    refusal.map_or(Ok(()), |seconds| Err(Fail::RateLimited(seconds)))
}

/// Forgets windows that have ended (kept small by the housekeeping job).
pub async fn prune(db: &Db) -> Result<u64, sqlx::Error> {
    let longest = ALL.iter().map(|l| l.window_secs).max().unwrap_or(3600);
    let result =
        sqlx::query("DELETE FROM rate_limits WHERE window_start < $1").bind(now() - longest).execute(db.pool()).await?;
    Ok(result.rows_affected())
}
