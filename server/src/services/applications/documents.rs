//! Documents of an application: uploaded once, typed by their content (PDF, JPEG, PNG; a
//! renamed executable is refused whatever its name), kept on disk outside the web root
//! under a random name, and read back only by whoever may see the application.

use crate::context::Ctx;
use std::path::{Path, PathBuf};

use serde_json::json;
use shared::api::ErrorCode;
use shared::api::applications::{DOCUMENT_KINDS, DOCUMENT_MAX_BYTES, DocumentKind, DocumentView, STAFF_DOCUMENT_KINDS};
use shared::connection::{ApplicationStatus, StepState};
use shared::roles::UserKind;
use shared::validation::{FieldError, Problem};
use sqlx::Row;

use super::load_visible;
use crate::services::sessions::SessionUser;
use crate::services::{Actor, Fail, Outcome, audit, secrets, utc};

/// The types accepted, judged by the file's first bytes.
const ACCEPTED: [&str; 3] = ["application/pdf", "image/jpeg", "image/png"];

/// The type of a file by its content, if it is one we accept.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    infer::get(bytes).map(|t| t.mime_type()).and_then(|mime| ACCEPTED.into_iter().find(|a| *a == mime))
}

/// A file name safe to keep and to send back: no folders, no control characters, at most
/// 100 characters.
fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>')).take(100).collect();
    if cleaned.trim().is_empty() { "document".to_owned() } else { cleaned.trim().to_owned() }
}

/// A file as it arrives.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    /// Which document it is (`id_or_licence`, …).
    pub kind: &'a str,
    /// The name it was sent with.
    pub file_name: &'a str,
    /// Its content.
    pub bytes: &'a [u8],
}

/// Stores an uploaded document. Customers upload to their own applications while they are
/// drafts or waiting for documents; staff may attach to any they work.
pub async fn upload(
    ctx: &Ctx,
    folder: &Path,
    actor: &Actor,
    user: &SessionUser,
    id: i64,
    file: &Upload<'_>,
) -> Outcome<DocumentView> {
    let Upload { kind, file_name, bytes } = *file;
    let allowed: &[DocumentKind] = if user.kind == UserKind::Staff { &STAFF_DOCUMENT_KINDS } else { &DOCUMENT_KINDS };
    let Some(kind) = kind.parse::<DocumentKind>().ok().filter(|k| allowed.contains(k)) else {
        return Err(Fail::Fields(vec![FieldError::new("kind", Problem::InvalidValue)]));
    };
    if bytes.len() > DOCUMENT_MAX_BYTES {
        return Err(Fail::Code(ErrorCode::PayloadTooLarge));
    }
    if bytes.is_empty() {
        return Err(Fail::Fields(vec![FieldError::new("file", Problem::Required)]));
    }
    let content_type = sniff(bytes).ok_or(Fail::Code(ErrorCode::UnsupportedFile))?;
    let mut conn = ctx.db.pool().acquire().await?;
    let app = load_visible(&mut conn, user, id).await?;
    drop(conn);
    let open_to_customer = app.process.status == ApplicationStatus::Draft
        || app.process.steps.iter().any(|s| s.state == StepState::WithCustomer);
    let may_upload = match user.kind {
        UserKind::Staff => user.holds(super::WORKERS) && app.process.status.is_open(),
        _ => open_to_customer,
    };
    if !may_upload {
        return Err(Fail::Code(ErrorCode::StepNotAllowed));
    }
    let key = uuid::Uuid::new_v4().simple().to_string();
    let path = storage_path(folder, &key);
    write_file(&path, bytes).await?;
    let name = clean_name(file_name);
    let mut tx = ctx.db.begin().await?;
    let doc_id: i64 = sqlx::query_scalar(
        "INSERT INTO application_documents (application_id, kind, file_name, content_type, size_bytes, sha256, storage_key,
                                            uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(id)
    .bind(kind.as_str())
    .bind(&name)
    .bind(content_type)
    .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
    .bind(secrets::hash_bytes(bytes))
    .bind(&key)
    .bind(user.user_id)
    .bind(ctx.now())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        ctx,
        &mut tx,
        actor,
        "application.document_uploaded",
        audit::Subject::Application(id),
        json!({"document": doc_id, "kind": kind.as_str()}),
    )
    .await?;
    if let Err(error) = tx.commit().await {
        // The row is not there: the file must not stay either.
        let _ = tokio::fs::remove_file(&path).await;
        return Err(error.into());
    }
    Ok(DocumentView {
        id: doc_id,
        kind,
        file_name: name,
        content_type: content_type.to_owned(),
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        uploaded_at: utc(ctx.now()),
    })
}

fn storage_path(folder: &Path, key: &str) -> PathBuf {
    // Two levels of fan-out keep folders small.
    folder.join(&key[..2]).join(key)
}

async fn write_file(path: &Path, bytes: &[u8]) -> Outcome<()> {
    let parent = path.parent().ok_or_else(|| Fail::Internal(anyhow::anyhow!("document path without a folder")))?;
    tokio::fs::create_dir_all(parent).await.map_err(|e| Fail::Internal(e.into()))?;
    // Written under a temporary name and renamed, so a crash never leaves half a file under
    // the real name.
    let partial = path.with_extension("partial");
    tokio::fs::write(&partial, bytes).await.map_err(|e| Fail::Internal(e.into()))?;
    tokio::fs::rename(&partial, path).await.map_err(|e| Fail::Internal(e.into()))?;
    Ok(())
}

/// A stored document's bytes, for whoever may see its application.
pub struct Download {
    /// The name to offer.
    pub file_name: String,
    /// Its type.
    pub content_type: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// Reads a document back.
pub async fn download(ctx: &Ctx, folder: &Path, user: &SessionUser, id: i64, doc_id: i64) -> Outcome<Download> {
    let mut conn = ctx.db.pool().acquire().await?;
    load_visible(&mut conn, user, id).await?;
    let row = sqlx::query(
        "SELECT file_name, content_type, storage_key FROM application_documents WHERE id = $1 AND application_id = $2",
    )
    .bind(doc_id)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(Fail::Code(ErrorCode::NotFound))?;
    let key: String = row.try_get("storage_key")?;
    let bytes = tokio::fs::read(storage_path(folder, &key)).await.map_err(|e| Fail::Internal(e.into()))?;
    Ok(Download { file_name: row.try_get("file_name")?, content_type: row.try_get("content_type")?, bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_files_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]), Some("image/png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some("image/jpeg"));
        // A Windows executable named whatever.pdf.
        assert_eq!(sniff(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"), None);
        assert_eq!(sniff(b"just text"), None);
    }

    #[test]
    fn cleans_names() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\a\\身份证.pdf"), "身份证.pdf");
        assert_eq!(clean_name("\u{0}"), "document");
    }
}
