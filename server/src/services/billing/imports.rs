//! Readings files, imported in the background a chunk of lines per transaction (issue 11,
//! point 18). The upload is read once to check its header and count its lines, stored
//! with a queued import, and answered at once; a worker on any server claims the import
//! with a lease, reads the file again and checks and stores it a chunk at a time. Each
//! chunk's readings, refused lines and the import's progress commit together, guarded by
//! the lease: a crash loses at most the chunk in flight, which the next holder redoes from
//! the cursor, and two servers never store one chunk twice. Between chunks the database
//! is free, so on SQLite logins and other writes go on during a 64 MB import.

use std::time::{Duration, Instant};

use serde_json::json;
use shared::api::ErrorCode;
use shared::api::billing::{ImportDetail, ImportSummary, ReadingSource, RejectReason, Rejection};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::readings::{self, Lines, Source};
use super::readings_file::{self, ParsedFile};
use crate::config::Backend;
use crate::context::Ctx;
use crate::services::{Actor, Fail, Outcome, audit, utc};

/// How a worker imports; tests shorten the lease and stop a worker midway as a crash would.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a claim lasts without progress (seconds).
    pub lease_seconds: i64,
    /// Lines of the file per transaction.
    pub chunk_lines: u64,
    /// Stop after this many chunks, leaving the lease behind (a crash).
    pub stop_after_chunks: Option<u32>,
}

impl Settings {
    /// As the server is configured (`--import-chunk-lines`).
    pub fn of(config: &crate::config::Config) -> Settings {
        Settings { lease_seconds: 120, chunk_lines: config.import_chunk_lines, stop_after_chunks: None }
    }
}

const SUMMARY_COLUMNS: &str = "i.id, i.source, i.file_name, i.actor, i.lines, i.accepted, i.rejected, i.created_at,
     i.status, i.processed, i.finished_at";

fn summary_from_row(row: &AnyRow) -> Result<ImportSummary, sqlx::Error> {
    let count = |column: &str| row.try_get::<i64, _>(column).map(|n| n.max(0) as u64);
    Ok(ImportSummary {
        id: row.try_get("id")?,
        source: row.try_get("source")?,
        file_name: row.try_get("file_name")?,
        actor: row.try_get("actor")?,
        lines: count("lines")?,
        accepted: count("accepted")?,
        rejected: count("rejected")?,
        created_at: utc(row.try_get("created_at")?),
        status: crate::db::decode::column(row, "reading_imports", "id", "status")?,
        processed: count("processed")?,
        finished_at: row.try_get::<Option<i64>, _>("finished_at")?.map(utc),
    })
}

/// Queues a readings file: checks that it reads (a header naming the columns, at least one
/// line), stores it with a queued import and answers the import. Nothing is checked
/// against the meters yet; the worker does that.
pub async fn queue_file(ctx: &Ctx, source: Source, bytes: Vec<u8>) -> Outcome<ImportSummary> {
    let (bytes, parsed) = parse_off_thread(bytes).await?;
    let parsed = parsed?;
    let lines = (parsed.readings.len() + parsed.intervals.len() + parsed.bad_lines.len()) as u64;
    tracing::info!(encoding = parsed.encoding, lines, "readings file queued");
    let now = ctx.clock.seconds();
    let mut tx = ctx.db.begin().await?;
    let id = readings::record_import(&mut tx, &source, lines, None, now).await?;
    let row =
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {SUMMARY_COLUMNS} FROM reading_imports i WHERE i.id = $1")))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    let summary = summary_from_row(&row)?;
    sqlx::query("INSERT INTO reading_import_files (import_id, content) VALUES ($1, $2)")
        .bind(summary.id)
        .bind(bytes)
        .execute(&mut *tx)
        .await?;
    let detail = json!({"source": "csv", "file_name": source.file_name, "lines": lines});
    audit::record(ctx, &mut tx, &source.actor, "readings.import_queued", audit::Subject::Import(summary.id), detail)
        .await?;
    tx.commit().await?;
    Ok(summary)
}

/// Parses a file on a blocking thread (a 64 MB file takes a while): answers the bytes
/// back with the result, or why it cannot be imported.
async fn parse_off_thread(bytes: Vec<u8>) -> Outcome<(Vec<u8>, Outcome<ParsedFile>)> {
    tokio::task::spawn_blocking(move || {
        let parsed = readings_file::parse(&bytes).map_err(|error| {
            let problem = match error {
                readings_file::FileError::Empty => shared::validation::Problem::EmptyFile,
                readings_file::FileError::Header(_) => shared::validation::Problem::ReadingsHeader,
            };
            Fail::Fields(vec![shared::validation::FieldError::new("file", problem)])
        });
        (bytes, parsed)
    })
    .await
    .map_err(|e| Fail::Internal(e.into()))
}

/// A claimed import.
struct Claimed {
    id: i64,
    cursor: u64,
    source: Source,
}

/// Claims an import whose lease is free and imports it to the end (or until told to
/// stop). Answers whether there was one.
pub async fn work_one(ctx: &Ctx, owner: &str, settings: &Settings) -> Outcome<bool> {
    let now = ctx.clock.seconds();
    let row = sqlx::query(
        "UPDATE reading_imports SET status = 'running', lease_owner = $1, lease_until = $2
          WHERE id = (SELECT id FROM reading_imports
                       WHERE status IN ('queued', 'running') AND (lease_until IS NULL OR lease_until < $3)
                       ORDER BY id LIMIT 1)
            AND status IN ('queued', 'running') AND (lease_until IS NULL OR lease_until < $3)
         RETURNING id, cursor, file_name, actor, actor_id, actor_ip, language, regions",
    )
    .bind(owner)
    .bind(now + settings.lease_seconds)
    .bind(now)
    .fetch_optional(ctx.db.pool())
    .await?;
    let Some(row) = row else { return Ok(false) };
    let regions: Option<String> = row.try_get("regions")?;
    let mut import = Claimed {
        id: row.try_get("id")?,
        cursor: row.try_get::<i64, _>("cursor")?.max(0) as u64,
        source: Source {
            kind: ReadingSource::Csv,
            file_name: row.try_get("file_name")?,
            actor: Actor {
                user_id: row.try_get("actor_id")?,
                label: row.try_get("actor")?,
                ip: row.try_get::<Option<String>, _>("actor_ip")?.unwrap_or_default(),
            },
            regions: regions
                .map(|list| list.split(',').filter(|code| !code.is_empty()).map(str::to_owned).collect())
                .unwrap_or_default(),
            locale: crate::db::decode::column(&row, "reading_imports", "id", "language")?,
        },
    };
    tracing::info!(import = import.id, cursor = import.cursor, "readings import claimed");
    let content: Option<Vec<u8>> = sqlx::query_scalar("SELECT content FROM reading_import_files WHERE import_id = $1")
        .bind(import.id)
        .fetch_optional(ctx.db.pool())
        .await?;
    let parsed = match content {
        Some(bytes) => parse_off_thread(bytes).await?.1.ok(),
        None => None,
    };
    let Some(parsed) = parsed else {
        fail(ctx, &import, owner).await?;
        return Ok(true);
    };
    let last_line = [
        parsed.readings.last().map(|(line, _)| *line),
        parsed.intervals.last().map(|(line, _)| *line),
        parsed.bad_lines.last().map(|(line, _, _)| *line),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(0);
    let mut chunks = 0u32;
    loop {
        if settings.stop_after_chunks.is_some_and(|stop| chunks >= stop) {
            return Ok(true);
        }
        let (more, held) = import_chunk(ctx, &mut import, &parsed, last_line, owner, settings).await?;
        if !more {
            return Ok(true);
        }
        chunks += 1;
        make_way(ctx, held).await;
    }
}

/// Lets whatever waited for the database (a login, a payment) go first. SQLite has one
/// writer, and a waiting writer polls with growing sleeps (its busy handler), so back-to-back
/// chunks would starve it: the worker rests as long as its chunk held the write lock, which
/// keeps the lock free at least half of the time. PostgreSQL locks rows, not the database.
async fn make_way(ctx: &Ctx, held: Duration) {
    match ctx.db.backend() {
        Backend::Sqlite => tokio::time::sleep(held.clamp(Duration::from_millis(2), Duration::from_millis(250))).await,
        Backend::Postgres => tokio::task::yield_now().await,
    }
}

/// The lines of a file numbered within `(after, upto]`, each list in line order.
fn lines_between(parsed: &ParsedFile, after: u64, upto: u64) -> Lines {
    fn slice<T: Clone>(list: &[(u64, T)], after: u64, upto: u64) -> Vec<(u64, T)> {
        let from = list.partition_point(|(line, _)| *line <= after);
        let to = list.partition_point(|(line, _)| *line <= upto);
        list[from..to].to_vec()
    }
    let from = parsed.bad_lines.partition_point(|(line, _, _)| *line <= after);
    let to = parsed.bad_lines.partition_point(|(line, _, _)| *line <= upto);
    let rejected: Vec<(u64, Option<String>, RejectReason)> = parsed.bad_lines[from..to].to_vec();
    Lines {
        readings: slice(&parsed.readings, after, upto),
        intervals: slice(&parsed.intervals, after, upto),
        rejected,
        confirm_jumps: false,
    }
}

/// Checks and stores the next chunk of lines; answers whether more remain, and how long
/// its transaction held the database. The last chunk finishes the import: its status, the
/// audit entry and the file's removal commit with it.
async fn import_chunk(
    ctx: &Ctx,
    import: &mut Claimed,
    parsed: &ParsedFile,
    last_line: u64,
    owner: &str,
    settings: &Settings,
) -> Outcome<(bool, Duration)> {
    let upto = import.cursor.saturating_add(settings.chunk_lines.max(1));
    let lines = lines_between(parsed, import.cursor, upto);
    let count = (lines.readings.len() + lines.intervals.len() + lines.rejected.len()) as i64;
    let checked = readings::check(ctx, &import.source, &lines).await?;
    let now = ctx.clock.seconds();
    let finished = upto >= last_line;
    let began = Instant::now();
    let mut tx = ctx.db.begin().await?;
    readings::store(ctx, &mut tx, import.id, &import.source, &checked, now).await?;
    let moved = sqlx::query(
        "UPDATE reading_imports
            SET cursor = $1, processed = processed + $2, accepted = accepted + $3, rejected = rejected + $4,
                lease_until = $5
          WHERE id = $6 AND lease_owner = $7 AND status = 'running' AND cursor = $8",
    )
    .bind(i64::try_from(upto).unwrap_or(i64::MAX))
    .bind(count)
    .bind(checked.accepted() as i64)
    .bind(checked.rejected() as i64)
    .bind(now + settings.lease_seconds)
    .bind(import.id)
    .bind(owner)
    .bind(import.cursor as i64)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved != 1 {
        // Another server took the import over (this one stalled past its lease): leave it.
        tracing::warn!(import = import.id, "readings import lease lost; chunk rolled back");
        return Ok((false, began.elapsed()));
    }
    if finished {
        let row = sqlx::query(
            "UPDATE reading_imports SET status = 'done', finished_at = $1, lease_owner = NULL, lease_until = NULL
              WHERE id = $2 RETURNING lines, accepted, rejected",
        )
        .bind(now)
        .bind(import.id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM reading_import_files WHERE import_id = $1").bind(import.id).execute(&mut *tx).await?;
        let detail = json!({
            "source": "csv",
            "file_name": import.source.file_name,
            "lines": row.try_get::<i64, _>("lines")?,
            "accepted": row.try_get::<i64, _>("accepted")?,
            "rejected": row.try_get::<i64, _>("rejected")?,
        });
        audit::record(ctx, &mut tx, &import.source.actor, "readings.import", audit::Subject::Import(import.id), detail)
            .await?;
    }
    tx.commit().await?;
    let held = began.elapsed();
    if finished {
        tracing::info!(import = import.id, "readings import done");
    }
    import.cursor = upto;
    Ok((!finished, held))
}

/// Marks an import whose file cannot be read again as failed (what was stored stays).
async fn fail(ctx: &Ctx, import: &Claimed, owner: &str) -> Outcome<()> {
    let mut tx = ctx.db.begin().await?;
    sqlx::query(
        "UPDATE reading_imports SET status = 'failed', finished_at = $1, lease_owner = NULL, lease_until = NULL
          WHERE id = $2 AND lease_owner = $3",
    )
    .bind(ctx.clock.seconds())
    .bind(import.id)
    .bind(owner)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM reading_import_files WHERE import_id = $1").bind(import.id).execute(&mut *tx).await?;
    audit::record(
        ctx,
        &mut tx,
        &import.source.actor,
        "readings.import_failed",
        audit::Subject::Import(import.id),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    tracing::error!(import = import.id, "readings import failed: its file cannot be read");
    Ok(())
}

/// The condition that keeps staff limited to stations (`regions`, empty for every station)
/// to the imports made within them (an import for every station is beyond them), with
/// its parameters from `$first` on.
fn within_stations(regions: &[String], first: usize) -> String {
    if shared::roles::stations::covers_every(regions) {
        return "1 = 1".to_owned();
    }
    let places: Vec<String> = (first..first + regions.len()).map(|n| format!("${n}")).collect();
    format!(
        "i.regions IS NOT NULL AND NOT EXISTS (SELECT 1 FROM regions r
           WHERE i.regions LIKE '%,' || r.code || ',%' AND r.code NOT IN ({}))",
        places.join(", ")
    )
}

/// Recent imports the caller may see, newest first.
pub async fn recent(ctx: &Ctx, regions: &[String]) -> Outcome<Vec<ImportSummary>> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM reading_imports i WHERE {} ORDER BY i.id DESC LIMIT 50",
        within_stations(regions, 1)
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for region in regions {
        query = query.bind(region);
    }
    let rows = query.fetch_all(ctx.db.pool()).await?;
    Ok(rows.iter().map(summary_from_row).collect::<Result<_, _>>()?)
}

/// One import the caller may see, with its first refused lines; `NotFound` otherwise.
pub async fn detail(ctx: &Ctx, regions: &[String], import_id: i64) -> Outcome<ImportDetail> {
    let sql =
        format!("SELECT {SUMMARY_COLUMNS} FROM reading_imports i WHERE i.id = $1 AND {}", within_stations(regions, 2));
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(import_id);
    for region in regions {
        query = query.bind(region);
    }
    let row = query.fetch_optional(ctx.db.pool()).await?.ok_or(Fail::Code(ErrorCode::NotFound))?;
    let import = summary_from_row(&row)?;
    let rows = sqlx::query(
        "SELECT line_no, meter_no, reason, detail FROM reading_rejections WHERE import_id = $1
          ORDER BY line_no LIMIT $2",
    )
    .bind(import_id)
    .bind(ImportDetail::REJECTIONS_SHOWN as i64)
    .fetch_all(ctx.db.pool())
    .await?;
    let rejections = rows
        .iter()
        .map(|row| {
            Ok(Rejection {
                line: row.try_get::<i64, _>("line_no")?.max(0) as u64,
                meter_no: row.try_get("meter_no")?,
                reason: crate::db::decode::column(row, "reading_rejections", "line_no", "reason")?,
                detail: row.try_get("detail")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(ImportDetail { import, rejections })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_take_each_line_once_in_order() {
        let file = "meter_no,read_on,active\nM1,2026-01-01,1\nM1,2026-01-02\nM2,2026-01-03,3\nM3,2026-01-04,4\n";
        let parsed = readings_file::parse(file.as_bytes()).expect("parses");
        let mut seen = Vec::new();
        let mut cursor = 0;
        while cursor < 5 {
            let lines = lines_between(&parsed, cursor, cursor + 2);
            seen.extend(lines.readings.iter().map(|(line, _)| *line));
            seen.extend(lines.rejected.iter().map(|(line, _, _)| *line));
            cursor += 2;
        }
        seen.sort_unstable();
        assert_eq!(seen, vec![2, 3, 4, 5], "every line once (the header is line 1)");
    }
}
