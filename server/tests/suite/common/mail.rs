//! A real SMTP server on loopback (mailin-embedded) that keeps every message it receives,
//! so tests can read the emails the server sends.

use std::net::{IpAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin_embedded::{Handler, Response, Server, SslConfig, response};

/// One received email, decoded.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
}

impl Received {
    /// The first link in the text body that starts with `prefix`.
    pub(crate) fn link(&self, prefix: &str) -> Option<String> {
        self.text.split_whitespace().find(|word| word.starts_with(prefix)).map(|word| {
            word.trim_end_matches(|c: char| !c.is_ascii_alphanumeric() && c != '=' && c != '_' && c != '-').to_owned()
        })
    }

    /// The `token` parameter of the first link starting with `prefix`.
    pub(crate) fn token(&self, prefix: &str) -> Option<String> {
        self.link(prefix)?.split_once("token=").map(|(_, token)| token.to_owned())
    }

    /// The first run of six digits alone on a line of the text body.
    pub(crate) fn code(&self) -> Option<String> {
        self.text
            .lines()
            .map(str::trim)
            .find(|line| line.len() == 6 && line.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_owned)
    }
}

#[derive(Clone)]
struct Collect {
    to: Vec<String>,
    data: Vec<u8>,
    inbox: Arc<Mutex<Vec<Received>>>,
}

impl Handler for Collect {
    fn rcpt(&mut self, to: &str) -> Response {
        self.to.push(to.to_owned());
        response::OK
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, _to: &[String]) -> Response {
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let parsed = mail_parser::MessageParser::default().parse(&self.data);
        if let Some(message) = parsed {
            let received = Received {
                to: std::mem::take(&mut self.to),
                subject: message.subject().unwrap_or_default().to_owned(),
                text: message.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
                html: message.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
                message_id: message.message_id().unwrap_or_default().to_owned(),
            };
            self.inbox.lock().expect("inbox").push(received);
        }
        response::OK
    }

    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        response::OK
    }
}

/// The SMTP server and what it received.
#[derive(Clone)]
pub(crate) struct MailSink {
    pub port: u16,
    inbox: Arc<Mutex<Vec<Received>>>,
}

impl MailSink {
    /// Starts a server on a free loopback port.
    pub(crate) fn start() -> MailSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind SMTP port");
        MailSink::serve(listener)
    }

    /// Starts a server on a given port (to bring "the SMTP server" back after an outage).
    pub(crate) fn start_on(port: u16) -> MailSink {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind SMTP port again");
        MailSink::serve(listener)
    }

    /// A free port with nothing listening on it: "the SMTP server is down".
    pub(crate) fn unused_port() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    }

    fn serve(listener: TcpListener) -> MailSink {
        let port = listener.local_addr().expect("address").port();
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let handler = Collect { to: Vec::new(), data: Vec::new(), inbox: inbox.clone() };
        let mut server = Server::new(handler);
        server.with_name("sink.test").with_num_threads(2).with_tcp_listener(listener);
        server.with_ssl(SslConfig::None).expect("no TLS");
        // The server runs until the test process ends.
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        MailSink { port, inbox }
    }

    /// The URL the portal's configuration takes.
    pub(crate) fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Everything received so far.
    pub(crate) fn all(&self) -> Vec<Received> {
        self.inbox.lock().expect("inbox").clone()
    }

    /// Waits (up to `timeout`) for a message to `to` whose subject contains `subject`.
    pub(crate) async fn wait_for(&self, to: &str, subject: &str, timeout: Duration) -> Received {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(found) = self
                .all()
                .into_iter()
                .rev()
                .find(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to)) && m.subject.contains(subject))
            {
                return found;
            }
            assert!(Instant::now() < deadline, "no email to {to} about {subject:?}; received: {:#?}", self.all());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// How many messages went to `to`.
    pub(crate) fn count_to(&self, to: &str) -> usize {
        self.all().iter().filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(to))).count()
    }
}
