//! What a slow database does to requests: they time out with the error shape, and a
//! shutdown waits for them. PostgreSQL only, where a table lock held by another session
//! makes a query wait for as long as the test wants.

use std::time::Duration;

use crate::common::{Backend, TestServer};
use reqwest::StatusCode;
use shared::api::{ApiError, ErrorCode};
use sqlx::{Connection, Executor, PgConnection};

/// Holds an exclusive lock on the commitments table until dropped or released.
async fn lock_commitments(server: &TestServer) -> PgConnection {
    let mut conn = PgConnection::connect(&server.database_url()).await.expect("connect");
    conn.execute("BEGIN").await.expect("begin");
    conn.execute("LOCK TABLE service_commitments IN ACCESS EXCLUSIVE MODE").await.expect("lock");
    conn
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_past_the_time_limit_is_answered_408() {
    let Some(server) = TestServer::start_with(Backend::Postgres, |c| c.request_timeout_secs = 1).await else {
        return;
    };
    let mut lock = lock_commitments(&server).await;
    let response = server.get("/api/v1/commitments").await;
    assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
    let error: ApiError = response.json().await.expect("error shape");
    assert_eq!(error.code, ErrorCode::Timeout);
    lock.execute("ROLLBACK").await.expect("release");
    // The server recovers once the database does.
    assert_eq!(server.get("/api/v1/commitments").await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_waits_for_requests_in_flight() {
    let Some(server) = TestServer::start(Backend::Postgres).await else {
        return;
    };
    let mut lock = lock_commitments(&server).await;
    let in_flight = tokio::spawn({
        let client = server.client.clone();
        let url = server.url("/api/v1/commitments");
        async move { client.get(url).send().await.map(|r| r.status()) }
    });
    // Let the request reach the database and wait on the lock, then ask the server to stop.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stopping = tokio::spawn(server.stop());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!stopping.is_finished(), "the server must wait for the request in flight");
    lock.execute("ROLLBACK").await.expect("release");
    let status = in_flight.await.expect("task").expect("the request is answered, not cut off");
    assert_eq!(status, StatusCode::OK);
    stopping.await.expect("task").expect("clean stop");
}
