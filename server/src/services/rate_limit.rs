//! Rate limits kept in the database, so that they hold however many servers answer.
//!
//! Each limit counts hits per key in fixed windows. Keys (an email address, an IP) are
//! stored hashed: the table says how often, not who.

use std::net::{IpAddr, Ipv6Addr};
use std::time::Duration;

use sqlx::Row;

use super::{Fail, Outcome, secrets};
use crate::context::Ctx;

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

/// Failed logins for one email address from one client: 10 per 15 minutes, then that
/// client is refused for that address (the owner elsewhere is not).
pub const LOGIN_FAILURES_PER_CLIENT: Limit = Limit { name: "login:fail:client", max: 10, window_secs: 15 * 60 };
/// Failed logins for one email address from anywhere: past 10 per 15 minutes every answer
/// for it is slowed down ([`slowdown`]), never refused, so nobody can lock a login out.
pub const LOGIN_FAILURES_PER_EMAIL: Limit = Limit { name: "login:fail:email", max: 10, window_secs: 15 * 60 };
/// Login attempts from one client: 50 per 15 minutes (an office behind one NAT).
pub const LOGIN_PER_IP: Limit = Limit { name: "login:ip", max: 50, window_secs: 15 * 60 };
/// Password changes tried by one login (the current password is checked): 10 per 15 minutes.
pub const PASSWORD_CHANGE_PER_USER: Limit = Limit { name: "password_change:user", max: 10, window_secs: 15 * 60 };
/// Registrations from one address: 10 per hour.
pub const REGISTER_PER_IP: Limit = Limit { name: "register:ip", max: 10, window_secs: 3600 };
/// Registrations naming one email address (each mails it): 3 per hour.
pub const REGISTER_PER_EMAIL: Limit = Limit { name: "register:email", max: 3, window_secs: 3600 };
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
/// Link codes mailed to one address on file, whoever asks: 5 per hour.
pub const LINK_CODE_PER_RECIPIENT: Limit = Limit { name: "link_code:recipient", max: 5, window_secs: 3600 };

/// Invitations to one address, from any organisation: 5 per hour (nobody can make the
/// utility mail one address over and over).
pub const INVITE_PER_RECIPIENT: Limit = Limit { name: "invite:recipient", max: 5, window_secs: 3600 };

/// Every limit (the longest window bounds what housekeeping keeps).
pub const ALL: [Limit; 13] = [
    LOGIN_FAILURES_PER_CLIENT,
    LOGIN_FAILURES_PER_EMAIL,
    LOGIN_PER_IP,
    PASSWORD_CHANGE_PER_USER,
    REGISTER_PER_IP,
    REGISTER_PER_EMAIL,
    RESET_PER_EMAIL,
    RESET_PER_IP,
    LINK_PER_USER,
    LINK_PER_ACCOUNT,
    LINK_PER_IP,
    LINK_CODE_PER_RECIPIENT,
    INVITE_PER_RECIPIENT,
];

/// The key a client address is counted under: an IPv4 address as it is, an IPv6 address
/// by its /64 (one subscriber's network; its 2^64 addresses are one client), anything
/// else (`in-process`) as it is.
pub fn client_key(ip: &str) -> String {
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let prefix = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{prefix}/64")
            }
        },
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.to_owned(),
    }
}

/// Before a login's password or second-factor code is checked: counts the client's
/// attempt, refuses a client that has used up its failures for this address, and holds the
/// answer back once the address has too many failures from anywhere (never refused, so a
/// stranger cannot lock the owner out).
pub async fn before_login_check(ctx: &Ctx, email: &str, ip: &str) -> Outcome<()> {
    let client = client_key(ip);
    hit(ctx, LOGIN_PER_IP, &client).await?;
    refuse_if_used_up(ctx, LOGIN_FAILURES_PER_CLIENT, &login_pair(email, &client)).await?;
    let failures = hits(ctx, LOGIN_FAILURES_PER_EMAIL, email).await?;
    if let Some(delay) = slowdown(LOGIN_FAILURES_PER_EMAIL, failures) {
        tokio::time::sleep(delay).await;
    }
    Ok(())
}

/// A wrong password or second-factor code: counted against (address, client) and against
/// the address.
pub async fn login_failed(ctx: &Ctx, email: &str, ip: &str) -> Outcome<()> {
    count(ctx, LOGIN_FAILURES_PER_CLIENT, &login_pair(email, &client_key(ip))).await?;
    count(ctx, LOGIN_FAILURES_PER_EMAIL, email).await
}

fn login_pair(email: &str, client: &str) -> String {
    format!("{email}\n{client}")
}

/// How long to hold an answer back once `hits` have passed `limit`: a second more for each
/// hit past it, at most ten.
pub fn slowdown(limit: Limit, hits: i64) -> Option<Duration> {
    let excess = hits - limit.max + 1;
    (excess > 0).then(|| Duration::from_secs(u64::try_from(excess.min(10)).unwrap_or(10)))
}

fn bucket(limit: Limit, key: &str) -> String {
    format!("{}:{}", limit.name, &secrets::hash(key)[..32])
}

fn window_start(limit: Limit, now: i64) -> i64 {
    now - now.rem_euclid(limit.window_secs)
}

/// The hits of `key` in `limit`'s current window, without counting one.
pub async fn hits(ctx: &Ctx, limit: Limit, key: &str) -> Outcome<i64> {
    let start = window_start(limit, ctx.now());
    let hits: Option<i64> = sqlx::query_scalar("SELECT hits FROM rate_limits WHERE bucket = $1 AND window_start = $2")
        .bind(bucket(limit, key))
        .bind(start)
        .fetch_optional(ctx.db.pool())
        .await?;
    Ok(hits.unwrap_or(0))
}

/// Refuses, without counting, once `key` has used up `limit` in this window.
pub async fn refuse_if_used_up(ctx: &Ctx, limit: Limit, key: &str) -> Outcome<()> {
    if hits(ctx, limit, key).await? >= limit.max {
        let now = ctx.now();
        let retry_after = u64::try_from(window_start(limit, now) + limit.window_secs - now).unwrap_or(1).max(1);
        return Err(Fail::RateLimited(retry_after));
    }
    Ok(())
}

/// Counts one hit of `key` against `limit` (a failure, say) whatever the count.
pub async fn count(ctx: &Ctx, limit: Limit, key: &str) -> Outcome<()> {
    match hit(ctx, limit, key).await {
        Ok(()) | Err(Fail::RateLimited(_)) => Ok(()),
        Err(other) => Err(other),
    }
}

/// Counts one hit of `key` against `limit`; refuses with the seconds until the window
/// ends once the limit is passed.
pub async fn hit(ctx: &Ctx, limit: Limit, key: &str) -> Outcome<()> {
    let now = ctx.now();
    let window_start = window_start(limit, now);
    let bucket = bucket(limit, key);
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
    .fetch_one(ctx.db.pool())
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
pub async fn hit_all(ctx: &Ctx, hits: &[(Limit, &str)]) -> Outcome<()> {
    let mut refusal = None;
    for &(limit, key) in hits {
        match hit(ctx, limit, key).await {
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
pub async fn prune(ctx: &Ctx) -> Result<u64, sqlx::Error> {
    let longest = ALL.iter().map(|l| l.window_secs).max().unwrap_or(3600);
    let result = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
        .bind(ctx.now() - longest)
        .execute(ctx.db.pool())
        .await?;
    Ok(result.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        assert_eq!(client_key("2001:db8:1:2:aaaa::1"), client_key("2001:db8:1:2:bbbb:cccc:dddd:9"));
        assert_eq!(client_key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_ne!(client_key("2001:db8:1:2::1"), client_key("2001:db8:1:3::1"));
        assert_eq!(client_key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(client_key("192.0.2.7"), "192.0.2.7");
        assert_ne!(client_key("192.0.2.7"), client_key("192.0.2.8"));
        assert_eq!(client_key("in-process"), "in-process");
    }

    #[test]
    fn past_the_limit_answers_slow_down_step_by_step() {
        let limit = LOGIN_FAILURES_PER_EMAIL;
        assert_eq!(slowdown(limit, 9), None);
        assert_eq!(slowdown(limit, 10), Some(Duration::from_secs(1)));
        assert_eq!(slowdown(limit, 12), Some(Duration::from_secs(3)));
        assert_eq!(slowdown(limit, 1000), Some(Duration::from_secs(10)));
    }
}
