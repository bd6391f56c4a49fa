//! Serving: bind, answer until told to stop, then finish the requests in flight.

use std::future::Future;
use std::net::SocketAddr;

use anyhow::Context as _;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::http;
use crate::state::AppState;

/// Opens the database, binds the configured address and serves until SIGINT or SIGTERM.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let listen = config.listen;
    config.check_transport().map_err(anyhow::Error::msg)?;
    let state = AppState::init(config).await?;
    let listener = TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    tracing::info!(address = %listener.local_addr()?, "Gridhall is serving");
    serve(listener, state, shutdown_signal()).await
}

/// Serves on an already bound listener until `shutdown` completes; requests already in
/// flight are finished before it returns. Tests bind port 0 and call this directly.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let mailer = std::sync::Arc::new(crate::mail::Mailer::from_config(&state.config)?);
    let jobs = crate::jobs::Jobs::start(&state, mailer);
    let app = http::router(state.clone());
    // Pages stream in several writes; without TCP_NODELAY, Nagle's algorithm holds a write
    // back until the client's delayed ACK (40 ms on Linux) on every streamed response.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::warn!(%error, "cannot set TCP_NODELAY");
        }
    });
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
        .context("the server stopped with an error")?;
    jobs.stop().await;
    state.db.close().await;
    tracing::info!("Gridhall has stopped");
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM (what a process manager sends to stop a service).
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
