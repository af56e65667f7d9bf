//! A real SMTP server for mail tests: `aiosmtpd` (from PyPI, which
//! `scripts/test` installs) run as its own process on a free loopback port,
//! storing what it receives in a Maildir that the tests read back.

use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;

use crate::TempDir;

/// An aiosmtpd process and its Maildir; killed when dropped.
pub struct SmtpServer {
    child: Option<Child>,
    pub port: u16,
    dir: TempDir,
}

/// A port nobody listens on (at the moment of asking).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

impl SmtpServer {
    pub fn start() -> Self {
        let mut server = Self { child: None, port: free_port(), dir: TempDir::new() };
        server.spawn();
        server
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("Maildir")
    }

    fn spawn(&mut self) {
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{}", self.port), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(self.maildir())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 -m aiosmtpd starts (scripts/test installs aiosmtpd: python3 -m pip install aiosmtpd)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(stream) = TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let mut banner = String::new();
                if BufReader::new(stream).read_line(&mut banner).is_ok() && banner.starts_with("220") {
                    return;
                }
            }
            if let Some(Ok(Some(status))) = self.child.as_mut().map(Child::try_wait) {
                panic!("aiosmtpd exited at start with {status} (is it installed? python3 -m pip install aiosmtpd)");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("aiosmtpd did not answer on 127.0.0.1:{} within 20 s", self.port);
    }

    /// The `mail.smtp_url` that reaches it.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Kills the server; connections are refused until [`Self::restart`].
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port with the same Maildir.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    /// Every mail received so far, oldest first.
    pub fn messages(&self) -> Vec<Mail> {
        let mut files: Vec<PathBuf> = ["new", "cur"]
            .iter()
            .filter_map(|sub| std::fs::read_dir(self.maildir().join(sub)).ok())
            .flatten()
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .collect();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files.iter().map(|p| Mail::read(p)).collect()
    }

    /// Waits until at least `count` mails arrived, then returns them all.
    pub fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Mail> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if messages.len() >= count || Instant::now() > deadline {
                return messages;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One received mail: its headers (RFC 2047 words decoded), the text of
/// its plain and HTML parts (quoted-printable or base64 decoded), and its
/// attachments (a part sent as an attachment, or a calendar).
#[derive(Clone, Debug)]
pub struct Mail {
    pub headers: Vec<(String, String)>,
    pub text: String,
    pub html: String,
    pub attachments: Vec<MailAttachment>,
}

/// A file a mail carried, decoded.
#[derive(Clone, Debug)]
pub struct MailAttachment {
    /// The whole Content-Type, parameters included.
    pub content_type: String,
    pub file_name: Option<String>,
    pub body: String,
}

impl Mail {
    pub fn read(path: &Path) -> Self {
        let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Self::parse(&String::from_utf8_lossy(&raw))
    }

    pub fn parse(raw: &str) -> Self {
        let raw = raw.replace("\r\n", "\n");
        let (headers, body) = split_headers(&raw);
        let mut mail = Self { headers, text: String::new(), html: String::new(), attachments: Vec::new() };
        mail.take_part(&mail.headers.clone(), body);
        mail
    }

    fn take_part(&mut self, headers: &[(String, String)], body: &str) {
        let content_type = header_in(headers, "content-type").unwrap_or("text/plain").to_owned();
        if content_type.to_ascii_lowercase().starts_with("multipart/") {
            let boundary = parameter(&content_type, "boundary").expect("a multipart boundary");
            let marker = format!("--{boundary}");
            for part in body.split(&marker).skip(1) {
                if part.starts_with("--") {
                    break;
                }
                let (part_headers, part_body) = split_headers(part.trim_start_matches('\n'));
                self.take_part(&part_headers, part_body);
            }
            return;
        }
        let decoded = match header_in(headers, "content-transfer-encoding").map(str::to_ascii_lowercase).as_deref() {
            Some("base64") => {
                let compact: String = body.split_whitespace().collect();
                String::from_utf8_lossy(&base64::engine::general_purpose::STANDARD.decode(compact).expect("base64 body"))
                    .into_owned()
            }
            Some("quoted-printable") => quoted_printable(body),
            _ => body.to_owned(),
        };
        let disposition = header_in(headers, "content-disposition").unwrap_or_default().to_owned();
        if disposition.to_ascii_lowercase().starts_with("attachment") || content_type.to_ascii_lowercase().starts_with("text/calendar") {
            let file_name = parameter(&disposition, "filename");
            self.attachments.push(MailAttachment { content_type, file_name, body: decoded });
        } else if content_type.to_ascii_lowercase().starts_with("text/html") {
            self.html.push_str(&decoded);
        } else {
            self.text.push_str(&decoded);
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        header_in(&self.headers, name)
    }

    pub fn subject(&self) -> String {
        self.header("subject").unwrap_or_default().to_owned()
    }

    pub fn message_id(&self) -> String {
        self.header("message-id").unwrap_or_default().to_owned()
    }

    /// The address the server was told to deliver to (the SMTP RCPT TO).
    pub fn recipient(&self) -> String {
        self.header("x-rcptto").or_else(|| self.header("to")).unwrap_or_default().to_owned()
    }
}

fn header_in<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

fn parameter(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|p| {
        let (key, v) = p.trim().split_once('=')?;
        key.eq_ignore_ascii_case(name).then(|| v.trim_matches('"').to_owned())
    })
}

fn split_headers(raw: &str) -> (Vec<(String, String)>, &str) {
    let (head, body) = raw.split_once("\n\n").unwrap_or((raw, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = headers.last_mut() {
                value.push('\n');
                value.push_str(line);
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let headers = headers.into_iter().map(|(n, v)| (n, decode_words(&v))).collect();
    (headers, body)
}

/// Decodes RFC 2047 encoded words, dropping the folding between them.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, after) = rest.split_at(start);
        let word = after[2..].splitn(3, '?').collect::<Vec<_>>();
        let decoded = match word.as_slice() {
            [_charset, encoding, tail] => tail.find("?=").map(|end| {
                let data = &tail[..end];
                let text = match encoding.to_ascii_lowercase().as_str() {
                    "b" => String::from_utf8_lossy(&base64::engine::general_purpose::STANDARD.decode(data).unwrap_or_default())
                        .into_owned(),
                    _ => quoted_printable(&data.replace('_', " ")),
                };
                let consumed = 2 + word[0].len() + 1 + encoding.len() + 1 + end + 2;
                (text, consumed)
            }),
            _ => None,
        };
        let Some((text, consumed)) = decoded else {
            out.push_str(before);
            out.push_str("=?");
            rest = &after[2..];
            last_was_word = false;
            continue;
        };
        if !(last_was_word && before.trim().is_empty()) {
            out.push_str(&before.replace('\n', ""));
        }
        out.push_str(&text);
        rest = &after[consumed..];
        last_was_word = true;
    }
    out.push_str(&rest.replace('\n', ""));
    out
}

fn quoted_printable(body: &str) -> String {
    let mut bytes = Vec::with_capacity(body.len());
    let raw = body.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'=' if raw.get(i + 1) == Some(&b'\n') => i += 2,
            b'=' if i + 2 < raw.len() => {
                match u8::from_str_radix(std::str::from_utf8(&raw[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(byte) => {
                        bytes.push(byte);
                        i += 3;
                    }
                    Err(_) => {
                        bytes.push(b'=');
                        i += 1;
                    }
                }
            }
            byte => {
                bytes.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_subjects_and_bodies_are_decoded() {
        let raw = "Subject: =?utf-8?b?w50g?=\r\n =?utf-8?q?ki=E1=BA=BFn?=\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nXem =C3=BD ki=E1=BA=BFn: http://x/y#comment-1=\r\n2\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nPHA+w708L3A+\r\n--b1--\r\n";
        let mail = Mail::parse(raw);
        assert_eq!(mail.subject(), "Ý kiến");
        assert!(mail.text.contains("Xem ý kiến: http://x/y#comment-12"), "{}", mail.text);
        assert_eq!(mail.html, "<p>ý</p>");
    }
}
