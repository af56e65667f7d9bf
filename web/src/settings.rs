//! The typed settings tree, read from layered configuration and checked once
//! at start-up. It is passed down explicitly, never kept in a global, so each
//! test builds its own.

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use figment::providers::{Env, Format, Toml};
use figment::{Figment, Source};
use gopy_domain::Language;
use gopy_notifier::redact_smtp_url;
use gopy_store::{DatabaseSettings, Engine, redact_url};
use serde::{Deserialize, Serialize};

const DEFAULT_TOML: &str = include_str!("../../config/default.toml");
const ENVIRONMENTS: &[(&str, &str)] = &[
    ("development", include_str!("../../config/development.toml")),
    ("test", include_str!("../../config/test.toml")),
    ("production", include_str!("../../config/production.toml")),
];
const ENV_PREFIX: &str = "GOPY__";

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSection,
    pub log: LogSettings,
    pub i18n: I18nSettings,
    pub mail: MailSection,
    pub limits: LimitsSettings,
    pub reminders: RemindersSection,
}

/// `[reminders]`: when the worker reminds people, in working days.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RemindersSection {
    pub round_offsets_working_days: Vec<u32>,
    pub escalate_after_working_days: u32,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsSettings {
    /// Writes (POST, PUT, PATCH, DELETE) one signed-in person may make a
    /// minute, in bursts of as many; 0 turns the limit off.
    pub writes_per_minute: u32,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub addr: String,
    /// The address people reach Gopy at (e.g. https://gopy.tinhuy.vn), for
    /// links in mail; empty means http:// and the listening address.
    pub public_url: String,
    pub request_timeout_secs: u64,
    pub body_limit_bytes: usize,
    pub upload_limit_bytes: usize,
    pub shutdown_grace_secs: u64,
    /// Where `/metrics` is served, apart from the public address; empty: not served.
    pub metrics_addr: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSection {
    pub url: String,
    pub max_connections: u32,
    pub connect_timeout_secs: u64,
    pub busy_timeout_secs: u64,
    /// The most units of work one group commit holds; 1 commits each alone.
    pub group_commit_max: u32,
    /// How long a group commit may wait for more units after its first, in
    /// microseconds, while others queue for the writer.
    pub group_commit_wait_us: u64,
    pub migrate_on_start: bool,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub level: String,
    pub format: LogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct I18nSettings {
    pub default_language: String,
    pub default_time_zone: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MailSection {
    pub smtp_url: String,
    pub from: String,
    pub folder: String,
    pub worker_in_serve: bool,
    pub digest_window_secs: u64,
    pub retry_base_secs: u64,
    pub max_attempts: u32,
    pub poll_interval_ms: u64,
    pub batch_size: u64,
    pub lease_secs: u64,
    pub smtp_timeout_secs: u64,
}

/// Why the configuration was refused: always one line that names the key,
/// the value and what was expected, and where the value came from.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("GOPY_ENV = {value:?}: expected development, test or production")]
    UnknownEnvironment { value: String },
    #[error("config file {path}: cannot be read: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("config file {path}: not valid TOML: {reason}")]
    Malformed { path: String, reason: String },
    #[error("config: unknown key {key} (in {origin}); known keys here: {known}")]
    UnknownKey { key: String, origin: String, known: String },
    #[error("config: {key} = {value} (in {origin}): expected {expected}")]
    Invalid { key: String, value: String, origin: String, expected: String },
    #[error("config: {0}")]
    Other(String),
}

impl Settings {
    /// Reads the layers: built-in defaults, the `GOPY_ENV` overlay, `file`,
    /// then `GOPY__SECTION__KEY` environment variables.
    pub fn load(file: Option<&Path>) -> Result<Self, SettingsError> {
        let environment = std::env::var("GOPY_ENV").unwrap_or_else(|_| "development".to_owned());
        let overlay = ENVIRONMENTS
            .iter()
            .find(|(name, _)| *name == environment)
            .map(|(_, toml)| *toml)
            .ok_or(SettingsError::UnknownEnvironment { value: environment })?;
        let mut figment = Figment::new().merge(Toml::string(DEFAULT_TOML)).merge(Toml::string(overlay));
        if let Some(path) = file {
            check_toml_file(path)?;
            figment = figment.merge(Toml::file_exact(path));
        }
        figment = figment.merge(Env::prefixed(ENV_PREFIX).split("__"));
        let settings: Self = figment.extract().map_err(describe)?;
        settings.validate()?;
        Ok(settings)
    }

    /// The checks serde cannot make: parsed values and ranges.
    fn validate(&self) -> Result<(), SettingsError> {
        let invalid = |key: &str, value: &dyn fmt::Debug, expected: &str| SettingsError::Invalid {
            key: key.to_owned(),
            value: format!("{value:?}"),
            origin: "the merged configuration".to_owned(),
            expected: expected.to_owned(),
        };
        if let Some(n) = self.reminders.round_offsets_working_days.iter().find(|n| !(1..=30).contains(*n)) {
            return Err(invalid(
                "reminders.round_offsets_working_days",
                n,
                "working days before a round's deadline, each from 1 to 30, such as [3, 1]",
            ));
        }
        if !(1..=60).contains(&self.reminders.escalate_after_working_days) {
            return Err(invalid(
                "reminders.escalate_after_working_days",
                &self.reminders.escalate_after_working_days,
                "a number of working days from 1 to 60",
            ));
        }
        self.server_addr().map_err(|_| {
            invalid("server.addr", &self.server.addr, "an address and port such as 127.0.0.1:3000")
        })?;
        self.metrics_addr().map_err(|_| {
            invalid("server.metrics_addr", &self.server.metrics_addr, "empty, or an address and port such as 127.0.0.1:9464")
        })?;
        let public_url = &self.server.public_url;
        if !public_url.is_empty()
            && !(public_url.starts_with("http://") || public_url.starts_with("https://"))
        {
            return Err(invalid("server.public_url", public_url, "empty, or an address starting with http:// or https://"));
        }
        if self.server.request_timeout_secs == 0 {
            return Err(invalid("server.request_timeout_secs", &0, "a number of seconds above 0"));
        }
        if self.server.body_limit_bytes < 1024 {
            return Err(invalid(
                "server.body_limit_bytes",
                &self.server.body_limit_bytes,
                "at least 1024 bytes",
            ));
        }
        if self.server.upload_limit_bytes == 0 || self.server.upload_limit_bytes >= self.server.body_limit_bytes {
            return Err(invalid(
                "server.upload_limit_bytes",
                &self.server.upload_limit_bytes,
                "above 0 and below server.body_limit_bytes, which must also hold the rest of the form",
            ));
        }
        if Engine::of_url(&self.database.url).is_none() {
            return Err(invalid(
                "database.url",
                &redact_url(&self.database.url),
                "sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/NAME",
            ));
        }
        if self.database.max_connections == 0 {
            return Err(invalid("database.max_connections", &0, "at least 1"));
        }
        if !(1..=10_000).contains(&self.database.group_commit_max) {
            return Err(invalid("database.group_commit_max", &self.database.group_commit_max, "from 1 to 10000 units of work"));
        }
        // Every request in a batch waits this long at most: keep it far below
        // the request timeout, and below a second.
        if self.database.group_commit_wait_us > 1_000_000 {
            return Err(invalid(
                "database.group_commit_wait_us",
                &self.database.group_commit_wait_us,
                "at most 1000000 microseconds (one second)",
            ));
        }
        tracing_subscriber::EnvFilter::try_new(&self.log.level).map_err(|_| {
            invalid("log.level", &self.log.level, "a tracing filter such as info or warn,gopy_web=debug")
        })?;
        self.default_language()
            .map_err(|_| invalid("i18n.default_language", &self.i18n.default_language, "vi or en"))?;
        let mail = &self.mail;
        if let Err(e) = gopy_notifier::check_smtp_url(&mail.smtp_url) {
            let expected = e.to_string();
            let expected = expected.split_once("; expected ").map_or(expected.as_str(), |(_, x)| x);
            return Err(invalid("mail.smtp_url", &redact_smtp_url(&mail.smtp_url), expected));
        }
        if !gopy_notifier::is_sender(&mail.from) {
            return Err(invalid("mail.from", &mail.from, "a sender such as \"Gopy <gopy@tinhuy.vn>\""));
        }
        if mail.smtp_url.trim().is_empty() && mail.folder.trim().is_empty() {
            return Err(invalid("mail.folder", &mail.folder, "a folder for .eml files while mail.smtp_url is empty"));
        }
        if mail.max_attempts == 0 {
            return Err(invalid("mail.max_attempts", &0, "at least 1"));
        }
        if mail.retry_base_secs == 0 {
            return Err(invalid("mail.retry_base_secs", &0, "a number of seconds above 0"));
        }
        if mail.poll_interval_ms == 0 {
            return Err(invalid("mail.poll_interval_ms", &0, "a number of milliseconds above 0"));
        }
        if mail.batch_size == 0 {
            return Err(invalid("mail.batch_size", &0, "at least 1"));
        }
        if mail.lease_secs < 10 {
            return Err(invalid("mail.lease_secs", &mail.lease_secs, "at least 10 seconds, longer than sending one mail takes"));
        }
        if mail.smtp_timeout_secs == 0 || mail.smtp_timeout_secs >= mail.lease_secs {
            return Err(invalid("mail.smtp_timeout_secs", &mail.smtp_timeout_secs, "above 0 and below mail.lease_secs"));
        }
        if self.i18n.default_time_zone.trim().is_empty() {
            return Err(invalid("i18n.default_time_zone", &"", "a time zone such as Asia/Ho_Chi_Minh"));
        }
        Ok(())
    }

    pub fn server_addr(&self) -> Result<SocketAddr, std::net::AddrParseError> {
        self.server.addr.parse()
    }

    /// Where `/metrics` is served, if anywhere.
    pub fn metrics_addr(&self) -> Result<Option<SocketAddr>, std::net::AddrParseError> {
        let addr = self.server.metrics_addr.trim();
        if addr.is_empty() { Ok(None) } else { addr.parse().map(Some) }
    }

    /// Where people reach a Gopy listening on `addr`.
    pub fn public_url_for(&self, addr: SocketAddr) -> String {
        if self.server.public_url.is_empty() {
            format!("http://{addr}")
        } else {
            self.server.public_url.trim_end_matches('/').to_owned()
        }
    }

    pub fn default_language(&self) -> Result<Language, gopy_domain::UnknownValue> {
        self.i18n.default_language.parse()
    }

    pub fn database(&self) -> DatabaseSettings {
        DatabaseSettings {
            url: self.database.url.clone(),
            max_connections: self.database.max_connections,
            connect_timeout: Duration::from_secs(self.database.connect_timeout_secs),
            busy_timeout: Duration::from_secs(self.database.busy_timeout_secs),
            group_commit_max: self.database.group_commit_max,
            group_commit_wait: Duration::from_micros(self.database.group_commit_wait_us),
        }
    }

    /// When reminders go out, for the use cases that plan them.
    pub fn reminders(&self) -> gopy_domain::reminder::ReminderSettings {
        gopy_domain::reminder::ReminderSettings {
            round_offsets: self.reminders.round_offsets_working_days.clone(),
            escalate_after_working_days: self.reminders.escalate_after_working_days,
        }
    }

    /// What the notifier needs, links starting at `public_url`.
    pub fn mail(&self, public_url: &str) -> gopy_notifier::MailSettings {
        let mail = &self.mail;
        gopy_notifier::MailSettings {
            smtp_url: mail.smtp_url.clone(),
            from: mail.from.clone(),
            folder: mail.folder.clone().into(),
            public_url: public_url.to_owned(),
            digest_window: Duration::from_secs(mail.digest_window_secs),
            retry_base: Duration::from_secs(mail.retry_base_secs),
            max_attempts: mail.max_attempts,
            poll_interval: Duration::from_millis(mail.poll_interval_ms),
            batch_size: mail.batch_size,
            lease: Duration::from_secs(mail.lease_secs),
            smtp_timeout: Duration::from_secs(mail.smtp_timeout_secs),
        }
    }

    /// The effective configuration as TOML, with passwords hidden.
    pub fn to_redacted_toml(&self) -> String {
        let mut shown = self.clone();
        shown.database.url = redact_url(&shown.database.url);
        shown.mail.smtp_url = redact_smtp_url(&shown.mail.smtp_url);
        toml::to_string_pretty(&shown).unwrap_or_else(|e| format!("# cannot print the configuration: {e}\n"))
    }
}

/// Parses the file once ourselves, so a syntax error is reported on one line
/// with its position rather than as figment's multi-line message.
fn check_toml_file(path: &Path) -> Result<(), SettingsError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| SettingsError::Unreadable { path: shown.clone(), reason: e.to_string() })?;
    toml::from_str::<toml::Table>(&text).map(drop).map_err(|e| {
        let position = e.span().map(|span| {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}: ")
        });
        SettingsError::Malformed { path: shown, reason: format!("{}{}", position.unwrap_or_default(), e.message()) }
    })
}

/// Turns figment's error into one line naming key, value, origin, expectation.
fn describe(err: figment::Error) -> SettingsError {
    use figment::error::Kind;

    let origin = match &err.metadata {
        Some(md) if md.name.contains("environment") => {
            format!("environment variable {ENV_PREFIX}{}", err.path.join("__").to_uppercase())
        }
        Some(md) => match &md.source {
            Some(Source::File(path)) => format!("config file {}", path.display()),
            _ => "the built-in defaults".to_owned(),
        },
        None => "the configuration".to_owned(),
    };
    let key = err.path.join(".");
    match err.kind {
        Kind::UnknownField(field, known) => SettingsError::UnknownKey {
            key: if key.is_empty() { field } else { format!("{key}.{field}") },
            origin,
            known: known.join(", "),
        },
        Kind::InvalidType(actual, expected) | Kind::InvalidValue(actual, expected) => {
            SettingsError::Invalid { key, value: actual.to_string(), origin, expected: plain(&expected) }
        }
        Kind::UnknownVariant(value, known) => SettingsError::Invalid {
            key,
            value: format!("{value:?}"),
            origin,
            expected: format!("one of {}", known.join(", ")),
        },
        Kind::MissingField(field) => SettingsError::Other(format!(
            "missing key {}{field}",
            if key.is_empty() { String::new() } else { format!("{key}.") }
        )),
        other => SettingsError::Other(format!("{key}: {other} (in {origin})")),
    }
}

/// serde's names for number types, said in words.
fn plain(expected: &str) -> String {
    match expected {
        "u16" | "u32" | "u64" | "usize" => format!("a whole number ({expected})"),
        "a boolean" | "bool" => "true or false".to_owned(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_environment_overlay_parses_and_only_uses_known_keys() {
        for (name, toml) in ENVIRONMENTS {
            let figment = Figment::new().merge(Toml::string(DEFAULT_TOML)).merge(Toml::string(toml));
            let settings: Settings =
                figment.extract().unwrap_or_else(|e| panic!("config/{name}.toml: {e}"));
            settings.validate().unwrap_or_else(|e| panic!("config/{name}.toml: {e}"));
        }
    }

    #[test]
    fn the_defaults_serve_sqlite_on_loopback_port_3000() {
        let settings: Settings = Figment::new().merge(Toml::string(DEFAULT_TOML)).extract().expect("defaults");
        assert_eq!(settings.database.url, "sqlite://data/gopy.db");
        assert_eq!(settings.server.addr, "127.0.0.1:3000");
        assert_eq!(settings.default_language().ok(), Some(Language::Vi));
    }

    #[test]
    fn a_reminder_offset_of_no_working_day_or_an_escalation_of_none_is_refused_naming_the_key() {
        let mut settings: Settings = Figment::new().merge(Toml::string(DEFAULT_TOML)).extract().expect("defaults");
        assert_eq!(settings.reminders().round_offsets, vec![3, 1]);
        assert_eq!(settings.reminders().escalate_after_working_days, 5);
        settings.reminders.round_offsets_working_days = vec![3, 0];
        let refused = settings.validate().expect_err("an offset of 0").to_string();
        assert!(refused.contains("reminders.round_offsets_working_days = 0"), "{refused}");
        settings.reminders.round_offsets_working_days = vec![3, 1];
        settings.reminders.escalate_after_working_days = 0;
        let refused = settings.validate().expect_err("no escalation delay").to_string();
        assert!(refused.contains("reminders.escalate_after_working_days = 0"), "{refused}");
    }

    #[test]
    fn printed_configuration_hides_the_database_password() {
        let mut settings: Settings =
            Figment::new().merge(Toml::string(DEFAULT_TOML)).extract().expect("defaults");
        settings.database.url = "postgres://gopy:hunter2@db/gopy".to_owned();
        let printed = settings.to_redacted_toml();
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("postgres://gopy:***@db/gopy"), "{printed}");
        settings.mail.smtp_url = "smtps://gopy:hunter3@mail.tinhuy.vn:465".to_owned();
        let printed = settings.to_redacted_toml();
        assert!(!printed.contains("hunter3"), "{printed}");
        assert!(printed.contains("smtps://gopy:***@mail.tinhuy.vn:465"), "{printed}");
    }
}
