//! Where mail goes: an SMTP server named by `mail.smtp_url`, or, with none
//! configured, `.eml` files in a folder so a new installation shows what it
//! would have sent.
//!
//! `smtp://host:port` speaks plain SMTP (a relay on loopback),
//! `smtp+starttls://host:port` upgrades with STARTTLS, `smtps://host:port`
//! speaks TLS from the start; `user:password@` before the host logs in.
//! Error texts never carry the password.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lettre::Message;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;

/// Why the transport could not be set up from its configuration.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error(
        "mail.smtp_url {shown:?} is not valid: {reason}; expected smtp://HOST:PORT, smtp+starttls://HOST:PORT or smtps://USER:PASSWORD@HOST:PORT"
    )]
    BadUrl { shown: String, reason: String },
}

/// Why one mail was not delivered, in one line that is safe to keep and show.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{0}")]
pub struct SendError(pub String);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Security {
    Plain,
    StartTls,
    Tls,
}

/// An `smtp_url`, taken apart.
#[derive(Clone, Debug, PartialEq, Eq)]
struct SmtpUrl {
    security: Security,
    host: String,
    port: u16,
    user: Option<String>,
    password: Option<String>,
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The URL with its password replaced by `***`.
pub fn redact_smtp_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    match rest.rsplit_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

fn parse(url: &str) -> Result<SmtpUrl, TransportError> {
    let bad = |reason: &str| TransportError::BadUrl { shown: redact_smtp_url(url), reason: reason.to_owned() };
    let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("no scheme"))?;
    let (security, default_port) = match scheme {
        "smtp" => (Security::Plain, 25),
        "smtp+starttls" => (Security::StartTls, 587),
        "smtps" => (Security::Tls, 465),
        _ => return Err(bad("unknown scheme")),
    };
    let rest = rest.trim_end_matches('/');
    let (userinfo, hostport) = match rest.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, rest),
    };
    let (user, password) = match userinfo {
        None => (None, None),
        Some(u) => match u.split_once(':') {
            Some((user, password)) => (Some(percent_decode(user)), Some(percent_decode(password))),
            None => (Some(percent_decode(u)), None),
        },
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((host, port)) => (host, port.parse::<u16>().map_err(|_| bad("the port is not a number"))?),
        None => (hostport, default_port),
    };
    if host.is_empty() || host.contains('/') {
        return Err(bad("no host"));
    }
    if password.is_some() && security == Security::Plain && !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
        return Err(bad("a password would travel unencrypted; use smtp+starttls:// or smtps://"));
    }
    Ok(SmtpUrl { security, host: host.trim_matches(['[', ']']).to_owned(), port, user, password })
}

/// Checks `smtp_url` without connecting (empty is fine: the folder).
pub fn check_smtp_url(smtp_url: &str) -> Result<(), TransportError> {
    if smtp_url.trim().is_empty() { Ok(()) } else { parse(smtp_url).map(drop) }
}

/// The configured way out.
#[derive(Clone)]
pub enum Transport {
    Smtp(Arc<SmtpPool>),
    Folder(PathBuf),
}

/// SMTP connections kept open between mails, one per mail in flight.
///
/// lettre writes a mail's content and its closing "\r\n.\r\n" as two
/// writes; with Nagle's algorithm on, the second waits for the server's
/// delayed ACK (about 40 ms on Linux), so each mail took ~50 ms even on
/// loopback. lettre's own transport gives no way to set TCP_NODELAY, so
/// the connections are opened here, with it set, and handed to lettre's
/// SMTP client. Implicit TLS (`smtps://`) is left to lettre's connector,
/// which opens its own socket: a remote server's round trips dominate there.
pub struct SmtpPool {
    url: SmtpUrl,
    shown: String,
    timeout: Duration,
    hello: ClientId,
    tls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
}

/// How one try on one connection went wrong.
enum Attempt {
    TimedOut(SendError),
    Failed(SendError),
}

/// A connection idle longer than this is closed rather than reused: servers
/// drop idle clients (Postfix after 300 s, many after 60 s).
const IDLE_REUSE: Duration = Duration::from_secs(30);

impl SmtpPool {
    fn checkout(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while let Some((connection, since)) = idle.pop() {
            if since.elapsed() < IDLE_REUSE && !connection.has_broken() {
                return Some(connection);
            }
        }
        None
    }

    fn checkin(&self, connection: AsyncSmtpConnection) {
        if !connection.has_broken() {
            self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((connection, Instant::now()));
        }
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let address = (self.url.host.as_str(), self.url.port);
        let mut connection = if self.url.security == Security::Tls {
            AsyncSmtpConnection::connect_tokio1(address, Some(self.timeout), &self.hello, self.tls.clone(), None)
                .await
                .map_err(|e| self.error(&e))?
        } else {
            let stream = tokio::time::timeout(self.timeout, tokio::net::TcpStream::connect(address))
                .await
                .map_err(|_| self.timed_out())?
                .map_err(|e| SendError(format!("cannot connect to {}: {e}", self.shown)))?;
            stream.set_nodelay(true).map_err(|e| SendError(format!("cannot set TCP_NODELAY: {e}")))?;
            AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello)
                .await
                .map_err(|e| self.error(&e))?
        };
        if let (Security::StartTls, Some(tls)) = (&self.url.security, &self.tls) {
            connection.starttls(tls.clone(), &self.hello).await.map_err(|e| self.error(&e))?;
        }
        if let Some(credentials) = &self.credentials {
            connection.auth(&[Mechanism::Plain, Mechanism::Login], credentials).await.map_err(|e| self.error(&e))?;
        }
        Ok(connection)
    }

    async fn send(&self, message: &Message) -> Result<(), SendError> {
        let bytes = message.formatted();
        // A kept connection that the server has since closed fails on its
        // first command: the mail is then tried once on a new connection. (A
        // server that fails after taking the mail may get it twice, which
        // at-least-once delivery allows; one that does not answer is not
        // waited for twice.)
        if let Some(connection) = self.checkout() {
            match self.send_on(connection, message, &bytes).await {
                Ok(()) => return Ok(()),
                Err(Attempt::TimedOut(e)) => return Err(e),
                Err(Attempt::Failed(_)) => {}
            }
        }
        let connection = tokio::time::timeout(self.timeout, self.connect()).await.map_err(|_| self.timed_out())??;
        self.send_on(connection, message, &bytes).await.map_err(|(Attempt::TimedOut(e) | Attempt::Failed(e))| e)
    }

    async fn send_on(&self, mut connection: AsyncSmtpConnection, message: &Message, bytes: &[u8]) -> Result<(), Attempt> {
        match tokio::time::timeout(self.timeout, connection.send(message.envelope(), bytes)).await {
            Ok(Ok(_)) => {
                self.checkin(connection);
                Ok(())
            }
            Ok(Err(e)) => {
                connection.abort().await;
                Err(Attempt::Failed(self.error(&e)))
            }
            Err(_) => Err(Attempt::TimedOut(self.timed_out())),
        }
    }

    fn timed_out(&self) -> SendError {
        SendError(format!("the SMTP server at {} did not answer within {} s", self.shown, self.timeout.as_secs()))
    }

    fn error(&self, e: &lettre::transport::smtp::Error) -> SendError {
        let mut text = describe_smtp_error(e);
        if let Some(secret) = self.url.password.as_deref().filter(|s| !s.is_empty()) {
            text = text.replace(secret, "***");
        }
        SendError(text)
    }
}

impl Transport {
    /// SMTP when `smtp_url` is set, else `folder`.
    pub fn new(smtp_url: &str, folder: &Path, timeout: Duration) -> Result<Self, TransportError> {
        if smtp_url.trim().is_empty() {
            return Ok(Self::Folder(folder.to_path_buf()));
        }
        let url = parse(smtp_url)?;
        let tls = match url.security {
            Security::Plain => None,
            Security::StartTls | Security::Tls => Some(TlsParameters::new(url.host.clone()).map_err(|e| {
                TransportError::BadUrl { shown: redact_smtp_url(smtp_url), reason: e.to_string() }
            })?),
        };
        let credentials =
            url.user.as_ref().map(|user| Credentials::new(user.clone(), url.password.clone().unwrap_or_default()));
        Ok(Self::Smtp(Arc::new(SmtpPool {
            shown: redact_smtp_url(smtp_url),
            timeout,
            hello: ClientId::default(),
            tls,
            credentials,
            url,
            idle: Mutex::new(Vec::new()),
        })))
    }

    /// Where mail goes, for the start-up log and the test command.
    pub fn describe(&self) -> String {
        match self {
            Self::Smtp(pool) => format!("the SMTP server at {}", pool.shown),
            Self::Folder(folder) => {
                format!(".eml files in {} (mail.smtp_url is empty, so nothing leaves this machine)", folder.display())
            }
        }
    }

    pub async fn send(&self, message: &Message, file_stem: &str) -> Result<(), SendError> {
        match self {
            Self::Smtp(pool) => pool.send(message).await,
            Self::Folder(folder) => {
                let failed = |e: std::io::Error| SendError(format!("cannot write to {}: {e}", folder.display()));
                tokio::fs::create_dir_all(folder).await.map_err(failed)?;
                let path = folder.join(format!("{file_stem}.eml"));
                tokio::fs::write(&path, message.formatted()).await.map_err(failed)
            }
        }
    }
}

/// lettre's error with its causes, on one line.
fn describe_smtp_error(err: &lettre::transport::smtp::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_schemes_and_credentials_are_read() {
        let plain = parse("smtp://127.0.0.1:2525").expect("plain");
        assert_eq!((plain.security, plain.host.as_str(), plain.port), (Security::Plain, "127.0.0.1", 2525));
        let starttls = parse("smtp+starttls://mail.tinhuy.vn").expect("starttls");
        assert_eq!((starttls.security, starttls.port), (Security::StartTls, 587));
        let tls = parse("smtps://gopy%40tinhuy.vn:p%40ss@mail.tinhuy.vn:465").expect("tls");
        assert_eq!(tls.security, Security::Tls);
        assert_eq!(tls.user.as_deref(), Some("gopy@tinhuy.vn"));
        assert_eq!(tls.password.as_deref(), Some("p@ss"));
    }

    #[test]
    fn bad_urls_are_refused_without_showing_the_password() {
        for url in ["http://x", "smtp://", "smtps://u:hunter2@host:port", "smtp://u:hunter2@mail.example.org"] {
            let err = parse(url).expect_err(url).to_string();
            assert!(!err.contains("hunter2"), "{err}");
            assert!(err.contains("mail.smtp_url"), "{err}");
        }
        assert_eq!(redact_smtp_url("smtps://u:hunter2@h:465"), "smtps://u:***@h:465");
    }
}
