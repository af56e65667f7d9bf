//! Gopy's notifier: delivers what the use cases put in the outbox.
//!
//! A round claims due rows through [`gopy_app::NotifierStore`] with a lease,
//! so several workers can share one outbox, gathers each person's rows into
//! one mail when a digest window or their hourly or daily choice says so,
//! renders it in their language ([`render`]), sends it ([`transport`]) and
//! marks the rows sent under the Message-ID it generated. A failed send is
//! tried again later, each wait about twice the one before (with jitter, so
//! a server that comes back is not hit by every worker at once), and after
//! `max_attempts` the rows are `failed`, with the reason kept for admins.
//!
//! Delivery is at least once: a worker that dies between sending and
//! marking leaves rows whose lease runs out and which go again, under the
//! same Message-ID, so a mail client can tell.

pub mod calendar;
pub mod render;
pub mod transport;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use gopy_app::{Claim, ClaimedMail, Clock, Store, StoreError};
use gopy_domain::reminder::zone_offset;
use gopy_domain::{Delivery, Language, Notice, OutboxMessageId, User, UserId};
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use serde_json::json;
use time::OffsetDateTime;
use futures_util::StreamExt;
use tokio::sync::watch;

pub use calendar::Attachment;
pub use render::{MailItem, RenderError, Rendered, Templates};
pub use transport::{SendError, Transport, TransportError, check_smtp_url, redact_smtp_url};

/// How many mails one worker sends at once, each on its own connection.
const CONCURRENT_MAILS: usize = 8;
/// Sent mails are marked in one unit of work per this many.
const MARK_SENT_BATCH: usize = 100;

/// Whether `from` is a sender lettre accepts, e.g. `Gopy <gopy@tinhuy.vn>`.
pub fn is_sender(from: &str) -> bool {
    from.parse::<Mailbox>().is_ok()
}

/// The `[mail]` settings, as the worker needs them.
#[derive(Clone, Debug)]
pub struct MailSettings {
    /// Empty: write `.eml` files into `folder` instead.
    pub smtp_url: String,
    pub from: String,
    pub folder: PathBuf,
    /// Where people reach Gopy; links in mail start with it.
    pub public_url: String,
    /// A person's mail waits this long after the first notice, to go out
    /// as one; zero sends each notice at once.
    pub digest_window: Duration,
    /// The wait after a first failure; it doubles with each one.
    pub retry_base: Duration,
    pub max_attempts: u32,
    /// How long an idle worker sleeps before looking again.
    pub poll_interval: Duration,
    /// Rows claimed per round.
    pub batch_size: u64,
    /// How long a claim holds before another worker may take the rows.
    pub lease: Duration,
    pub smtp_timeout: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum NotifierError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Transport(#[from] TransportError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error("mail.from {0:?} is not a mail address such as \"Gopy <gopy@tinhuy.vn>\"")]
    BadFrom(String),
    #[error("{0:?} is not a mail address")]
    BadAddress(String),
    #[error("the mail could not be built: {0}")]
    Build(String),
    #[error(transparent)]
    Send(#[from] SendError),
}

/// What one round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub claimed: usize,
    pub mails_sent: usize,
    pub rows_sent: usize,
    /// Rows whose mail failed and will be tried again.
    pub retried: usize,
    /// Rows given up on.
    pub failed: usize,
    /// Rows moved to their hourly or daily slot.
    pub postponed: usize,
    /// Rows their recipient turned off.
    pub skipped: usize,
}

impl Round {
    fn add(&mut self, other: Round) {
        self.claimed += other.claimed;
        self.mails_sent += other.mails_sent;
        self.rows_sent += other.rows_sent;
        self.retried += other.retried;
        self.failed += other.failed;
        self.postponed += other.postponed;
        self.skipped += other.skipped;
    }
}

/// One mail to write: to whom, and which rows it carries.
struct Outgoing {
    recipient: User,
    rows: Vec<ClaimedMail>,
}

pub struct Notifier {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    templates: Templates,
    transport: Transport,
    settings: MailSettings,
    from: Mailbox,
    /// The right-hand side of Message-IDs: the domain of `mail.from`.
    domain: String,
    worker: String,
}

/// `n***@tinhuy.vn`: enough to tell people apart in a log, not to harvest.
pub fn mask_address(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
        None => "***".to_owned(),
    }
}

impl Notifier {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, settings: MailSettings) -> Result<Self, NotifierError> {
        let from: Mailbox = settings.from.parse().map_err(|_| NotifierError::BadFrom(settings.from.clone()))?;
        let domain = from.email.domain().to_owned();
        let transport = Transport::new(&settings.smtp_url, &settings.folder, settings.smtp_timeout)?;
        let worker = format!("{}-{}", std::process::id(), &uuid::Uuid::new_v4().simple().to_string()[..12]);
        Ok(Self { store, clock, templates: Templates::load()?, transport, settings, from, domain, worker })
    }

    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// Now, to the microsecond, as the use cases keep time.
    fn now(&self) -> OffsetDateTime {
        let now = self.clock.now();
        now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000).unwrap_or(now)
    }

    /// Rounds until one claims nothing: everything due now is dealt with.
    pub async fn drain(&self) -> Result<Round, NotifierError> {
        let mut total = Round::default();
        loop {
            let round = self.run_once().await?;
            if round.claimed == 0 {
                return Ok(total);
            }
            total.add(round);
        }
    }

    /// Works until `stop` says so, finishing the round in hand first.
    pub async fn run(&self, mut stop: watch::Receiver<()>) {
        tracing::info!(transport = %self.transport.describe(), worker = %self.worker, "the notifier is running");
        // Rounds failed in a row (the database is down, say): the pause
        // before the next one doubles with each, so an outage is not met
        // with a warning every poll interval.
        let mut failed_rounds = 0u32;
        loop {
            let busy = match self.run_once().await {
                Ok(round) => {
                    if failed_rounds > 0 {
                        tracing::info!(failed_rounds, "the notifier works again");
                        failed_rounds = 0;
                    }
                    round.claimed > 0
                }
                Err(e) => {
                    failed_rounds = failed_rounds.saturating_add(1);
                    let pause = pause_after_failures(self.settings.poll_interval, failed_rounds);
                    tracing::warn!(error = %e, failed_rounds, retry_in = ?pause, "a notifier round failed");
                    false
                }
            };
            if busy && !stop.has_changed().unwrap_or(true) {
                continue;
            }
            tokio::select! {
                () = tokio::time::sleep(pause_after_failures(self.settings.poll_interval, failed_rounds)) => {}
                _ = stop.changed() => break,
            }
        }
        tracing::info!(worker = %self.worker, "the notifier stopped");
    }

    /// One round: claim, plan, send, mark.
    pub async fn run_once(&self) -> Result<Round, NotifierError> {
        let now = self.now();
        let window = time::Duration::try_from(self.settings.digest_window).unwrap_or(time::Duration::ZERO);
        let lease = time::Duration::try_from(self.settings.lease).unwrap_or(time::Duration::minutes(5));
        let claim = Claim {
            worker: self.worker.clone(),
            now,
            ripe_before: now - window,
            lease_until: now + lease,
            limit: self.settings.batch_size,
        };
        let claimed = {
            let mut uow = self.store.begin().await?;
            let rows = uow.claim_due(&claim).await?;
            uow.commit().await?;
            rows
        };
        let mut round = Round { claimed: claimed.len(), ..Round::default() };
        if claimed.is_empty() {
            return Ok(round);
        }

        // Who they are for, what each chose, and who wrote the comments.
        let mut people: HashMap<UserId, Option<User>> = HashMap::new();
        let mut choices: HashMap<UserId, HashMap<String, Delivery>> = HashMap::new();
        {
            let mut uow = self.store.begin().await?;
            for row in &claimed {
                let author = row.message.notice.as_ref().ok().and_then(Notice::author);
                for id in [Some(row.message.recipient), author].into_iter().flatten() {
                    if let std::collections::hash_map::Entry::Vacant(slot) = people.entry(id) {
                        slot.insert(uow.find_user(id).await?);
                    }
                }
                let recipient = row.message.recipient;
                if let std::collections::hash_map::Entry::Vacant(slot) = choices.entry(recipient) {
                    slot.insert(uow.delivery_choices(recipient).await?.into_iter().collect());
                }
            }
        }

        let mut outgoing: Vec<Outgoing> = Vec::new();
        let mut postponed: Vec<(OffsetDateTime, OffsetDateTime, OutboxMessageId)> = Vec::new();
        let mut skipped: Vec<OutboxMessageId> = Vec::new();
        let mut hopeless: Vec<(String, OutboxMessageId)> = Vec::new();
        let mut by_recipient: Vec<(UserId, Vec<ClaimedMail>)> = Vec::new();
        for row in claimed {
            match by_recipient.last_mut() {
                Some((id, rows)) if *id == row.message.recipient => rows.push(row),
                _ => by_recipient.push((row.message.recipient, vec![row])),
            }
        }
        for (id, rows) in by_recipient {
            let Some(Some(recipient)) = people.get(&id).cloned() else {
                hopeless.extend(rows.iter().map(|r| ("the recipient no longer exists".to_owned(), r.message.id)));
                continue;
            };
            if !recipient.active {
                skipped.extend(rows.iter().map(|r| r.message.id));
                continue;
            }
            let chosen = choices.get(&id);
            let mut digest = Vec::new();
            // A meeting's calendar mails: alone, at once, one per meeting.
            let mut meetings: Vec<(gopy_domain::MeetingId, Vec<ClaimedMail>)> = Vec::new();
            for row in rows {
                let kind = match &row.message.notice {
                    Ok(notice) => notice.kind(),
                    Err(unreadable) => {
                        hopeless.push((unreadable.to_string(), row.message.id));
                        continue;
                    }
                };
                if let Some(meeting) = calendar::meeting_of(&row) {
                    match meetings.iter_mut().find(|(m, _)| *m == meeting) {
                        Some((_, same)) => same.push(row),
                        None => meetings.push((meeting, vec![row])),
                    }
                    continue;
                }
                let delivery = kind.delivery(chosen.and_then(|c| c.get(kind.as_str())).copied());
                match delivery {
                    Delivery::Off => skipped.push(row.message.id),
                    Delivery::AtOnce if self.settings.digest_window.is_zero() => {
                        outgoing.push(Outgoing { recipient: recipient.clone(), rows: vec![row] });
                    }
                    Delivery::AtOnce => digest.push(row),
                    Delivery::Hourly | Delivery::Daily => match delivery.slot(row.message.created_at, zone_offset(&recipient.time_zone)) {
                        Some(slot) if now < slot => postponed.push((slot, row.message.due_at, row.message.id)),
                        _ => digest.push(row),
                    },
                }
            }
            outgoing.extend(meetings.into_iter().map(|(_, rows)| Outgoing { recipient: recipient.clone(), rows }));
            if !digest.is_empty() {
                outgoing.push(Outgoing { recipient, rows: digest });
            }
        }

        if !(postponed.is_empty() && skipped.is_empty() && hopeless.is_empty()) {
            let mut uow = self.store.begin().await?;
            for (slot, _, id) in &postponed {
                uow.postpone(&[*id], &self.worker, *slot).await?;
            }
            uow.mark_skipped(&skipped, &self.worker, now).await?;
            for (reason, id) in &hopeless {
                tracing::warn!(outbox.id = %id, reason = %reason, "mail given up on");
                uow.mark_attempt_failed(&[*id], &self.worker, reason, None).await?;
            }
            uow.commit().await?;
            round.postponed = postponed.len();
            round.skipped = skipped.len();
            round.failed += hopeless.len();
        }

        // Several mails at a time: each waits mostly on the SMTP server's
        // replies, so one connection after another leaves the worker idle.
        // What was sent is marked in batches, a unit of work for many mails
        // rather than one each; a crash before a batch is marked sends its
        // mails again under the same Message-IDs, as at-least-once allows.
        let people = &people;
        let mut deliveries = futures_util::stream::iter(outgoing)
            .map(|mail| async move { (mail.rows.len(), self.deliver(&mail, people, now).await) })
            .buffer_unordered(CONCURRENT_MAILS);
        let mut unmarked: Vec<Sent> = Vec::new();
        while let Some((rows, outcome)) = deliveries.next().await {
            match outcome {
                Ok(sent) => {
                    round.mails_sent += 1;
                    round.rows_sent += rows;
                    unmarked.push(sent);
                    if unmarked.len() >= MARK_SENT_BATCH {
                        self.mark_sent(std::mem::take(&mut unmarked), now).await;
                    }
                }
                Err(Failure::Retry) => round.retried += rows,
                Err(Failure::GaveUp) => round.failed += rows,
            }
        }
        self.mark_sent(unmarked, now).await;
        Ok(round)
    }

    /// Sends one mail; its rows are marked by the caller.
    async fn deliver(
        &self,
        mail: &Outgoing,
        people: &HashMap<UserId, Option<User>>,
        now: OffsetDateTime,
    ) -> Result<Sent, Failure> {
        let ids: Vec<OutboxMessageId> = mail.rows.iter().map(|r| r.message.id).collect();
        let to = mask_address(mail.recipient.email.as_str());
        let first = ids[0];
        let message_id = format!("<{}@{}>", first.as_uuid().simple(), self.domain);
        let message = self.compose(mail, people, &message_id, now);
        let attempt = match message {
            Ok(message) => self.transport.send(&message, &first.as_uuid().simple().to_string()).await,
            Err(e) => {
                tracing::warn!(outbox.id = %first, email.to = %to, error = %e, "mail cannot be written");
                self.record_failure(&ids, &e.to_string(), None).await;
                metrics::counter!("gopy_mails_failed_total", "outcome" => "given_up").increment(1);
                return Err(Failure::GaveUp);
            }
        };
        match attempt {
            Ok(()) => {
                tracing::info!(outbox.id = %first, email.to = %to, email.kind = %mail.rows[0].message.kind_name(), rows = ids.len(), "mail sent");
                metrics::counter!("gopy_mails_sent_total").increment(1);
                Ok(Sent { ids, message_id })
            }
            Err(e) => {
                let attempts = mail.rows.iter().map(|r| r.attempts).max().unwrap_or(0) + 1;
                let retry_at = (attempts < self.settings.max_attempts).then(|| now + self.backoff(attempts));
                tracing::warn!(outbox.id = %first, email.to = %to, attempts, error = %e, retry_at = ?retry_at, "mail not sent");
                self.record_failure(&ids, &e.0, retry_at).await;
                let outcome = if retry_at.is_some() { "retry" } else { "given_up" };
                metrics::counter!("gopy_mails_failed_total", "outcome" => outcome).increment(1);
                Err(if retry_at.is_some() { Failure::Retry } else { Failure::GaveUp })
            }
        }
    }

    /// Marks sent mails' rows in one unit of work.
    async fn mark_sent(&self, sent: Vec<Sent>, now: OffsetDateTime) {
        if sent.is_empty() {
            return;
        }
        let marked = async {
            let mut uow = self.store.begin().await?;
            let mut short = Vec::new();
            for mail in &sent {
                let n = uow.mark_sent(&mail.ids, &self.worker, &mail.message_id, now).await?;
                if n as usize != mail.ids.len() {
                    short.push((mail.ids[0], n));
                }
            }
            uow.commit().await?;
            Ok::<_, StoreError>(short)
        }
        .await;
        match marked {
            Ok(short) => {
                for (first, n) in short {
                    tracing::warn!(
                        outbox.id = %first, marked = n,
                        "the lease ran out before the mail was marked sent; another worker may send it again"
                    );
                }
            }
            Err(e) => tracing::error!(mails = sent.len(), error = %e, "sent, but not marked; they will be sent again"),
        }
    }

    async fn record_failure(&self, ids: &[OutboxMessageId], error: &str, retry_at: Option<OffsetDateTime>) {
        let result = async {
            let mut uow = self.store.begin().await?;
            uow.mark_attempt_failed(ids, &self.worker, error, retry_at).await?;
            uow.commit().await
        }
        .await;
        if let Err(e) = result {
            tracing::error!(error = %e, "a failed send could not be recorded; the lease will run out and it goes again");
        }
    }

    /// base × 2^(attempts−1), at most a day, times a random 0.5–1.5.
    fn backoff(&self, attempts: u32) -> time::Duration {
        let base = self.settings.retry_base.as_secs_f64().max(0.001);
        let exponential = (base * 2f64.powi(attempts.saturating_sub(1).min(30) as i32)).min(86_400.0);
        let jitter = 0.5 + (uuid::Uuid::new_v4().as_u128() % 1_000_000) as f64 / 1_000_000.0;
        time::Duration::seconds_f64(exponential * jitter)
    }

    fn link(&self, path: &str) -> String {
        link(&self.settings.public_url, path)
    }

    /// The mail for `mail`, ready to send.
    fn compose(
        &self,
        mail: &Outgoing,
        people: &HashMap<UserId, Option<User>>,
        message_id: &str,
        now: OffsetDateTime,
    ) -> Result<Message, NotifierError> {
        let recipient = &mail.recipient;
        let common = json!({ "recipient_name": recipient.name.as_str(), "account_link": self.link("/account") });
        if mail.rows.iter().all(|r| calendar::meeting_of(r).is_some()) {
            let organizer = gopy_documents::CalendarPerson {
                name: self.from.name.clone().unwrap_or_else(|| "Gopy".to_owned()),
                email: self.from.email.to_string(),
            };
            let (item, attachment) = calendar::compose(&mail.rows, recipient, organizer, &self.settings.public_url)?;
            let rendered = self.templates.render(&[item], recipient.language, &common)?;
            let (name, address) = (recipient.name.as_str(), recipient.email.as_str());
            return build_message(&self.from, name, address, rendered, message_id, now, Some(attachment));
        }
        let items: Vec<MailItem> = mail
            .rows
            .iter()
            // Rows that cannot be read never reach an outgoing mail.
            .filter_map(|row| row.message.notice.as_ref().ok())
            .map(|notice| {
                let author_name = notice
                    .author()
                    .and_then(|id| people.get(&id).cloned().flatten())
                    .map(|u| u.name.as_str().to_owned());
                mail_item(&self.settings.public_url, notice, recipient.name.as_str(), author_name)
            })
            .collect();
        let rendered = self.templates.render(&items, recipient.language, &common)?;
        build_message(&self.from, recipient.name.as_str(), recipient.email.as_str(), rendered, message_id, now, None)
    }

}

/// The pause before the next round: the poll interval, doubled for each
/// round failed in a row, up to [`MAX_FAILURE_PAUSE`].
fn pause_after_failures(poll_interval: Duration, failed_rounds: u32) -> Duration {
    poll_interval.saturating_mul(1 << failed_rounds.min(10)).min(MAX_FAILURE_PAUSE.max(poll_interval))
}

/// The longest pause after failed rounds, so a worker notices a database
/// that came back within half a minute.
const MAX_FAILURE_PAUSE: Duration = Duration::from_secs(30);

/// A multipart mail (plain text and HTML, and the attachment if any) from
/// `from` to `address`.
fn build_message(
    from: &Mailbox,
    name: &str,
    address: &str,
    rendered: Rendered,
    message_id: &str,
    now: OffsetDateTime,
    attachment: Option<Attachment>,
) -> Result<Message, NotifierError> {
    let email = address.parse().map_err(|_| NotifierError::BadAddress(address.to_owned()))?;
    let body = MultiPart::alternative_plain_html(rendered.text, rendered.html);
    let body = match attachment {
        None => body,
        Some(file) => {
            let content_type = ContentType::parse(&file.content_type)
                .map_err(|e| NotifierError::Build(format!("content type {:?}: {e}", file.content_type)))?;
            MultiPart::mixed()
                .multipart(body)
                .singlepart(lettre::message::Attachment::new(file.file_name).body(file.bytes, content_type))
        }
    };
    Message::builder()
        .from(from.clone())
        .to(Mailbox::new((!name.is_empty()).then(|| name.to_owned()), email))
        .subject(rendered.subject)
        .message_id(Some(message_id.to_owned()))
        .date(SystemTime::from(now))
        .multipart(body)
        .map_err(|e| NotifierError::Build(e.to_string()))
}

/// `gopy send-test-email`: one mail to `to` through the configured
/// transport, outside the outbox. Returns where it went.
pub async fn send_test_email(settings: &MailSettings, to: &str, language: Language) -> Result<String, NotifierError> {
    let from: Mailbox = settings.from.parse().map_err(|_| NotifierError::BadFrom(settings.from.clone()))?;
    let transport = Transport::new(&settings.smtp_url, &settings.folder, settings.smtp_timeout)?;
    let (subject, body) = match language {
        Language::Vi => ("Gopy: thư thử", "Thư này kiểm tra cấu hình gửi thư của Gopy. Nếu đồng chí đọc được, thư đã đến nơi."),
        Language::En => ("Gopy: test mail", "This mail checks how Gopy sends mail. If you can read it, it arrived."),
    };
    let rendered = Rendered { subject: subject.to_owned(), text: format!("{body}\n"), html: format!("<p>{body}</p>\n") };
    let stem = format!("test-{}", uuid::Uuid::new_v4().simple());
    let message_id = format!("<{stem}@{}>", from.email.domain());
    let message = build_message(&from, "", to, rendered, &message_id, OffsetDateTime::now_utc(), None)?;
    transport.send(&message, &stem).await?;
    Ok(transport.describe())
}

enum Failure {
    Retry,
    GaveUp,
}

/// A mail that went out, waiting to be marked.
struct Sent {
    ids: Vec<OutboxMessageId>,
    message_id: String,
}

/// The person a notice is about (a comment's author), when it names one.
pub(crate) fn link(public_url: &str, path: &str) -> String {
    format!("{}{path}", public_url.trim_end_matches('/'))
}

/// What the templates of `notice` may use: its payload, the link to where
/// it happened, and the names.
fn mail_item(public_url: &str, notice: &Notice, recipient_name: &str, author_name: Option<String>) -> MailItem {
    let mut extra = json!({ "link": link(public_url, &path_of(notice)), "recipient_name": recipient_name });
    if let Some(name) = author_name {
        extra["author_name"] = json!(name);
    }
    MailItem { kind: notice.kind(), data: render::merged(&notice.payload(), &extra) }
}

/// Where on the site a notice points: the app writes ids, the links are
/// built here, so a notice waiting in the outbox follows the site's address.
pub fn path_of(notice: &Notice) -> String {
    match notice {
        Notice::Invitation(link) | Notice::PasswordReset(link) => gopy_app::link_path(&link.secret),
        Notice::CommentPosted(c) | Notice::CommentReplied(c) | Notice::CommentAnswered(c) => {
            format!("/reports/{}/versions/{}#comment-{}", c.report, c.version, c.thread)
        }
        Notice::RoundOpened(r) | Notice::ReportSubmitted(r) | Notice::ReportApproved(r) | Notice::ReportReturned(r) => {
            format!("/reports/{}", r.report)
        }
        Notice::RoundClosing(r) => format!("/reports/{}", r.report),
        Notice::AnswersOwed(r) => format!("/reports/{}/dispositions", r.report),
        Notice::AnswersPublished(r) => format!("/reports/{}/dispositions", r.report),
        Notice::ConsultationRequested(r) => format!("/reports/{}", r.report),
        Notice::ActionDue(a) | Notice::ActionOverdue(a) | Notice::ActionEscalated(a) => format!("/meetings/{}", a.meeting),
        Notice::MeetingInvited(m) | Notice::MeetingUpdated(m) | Notice::MeetingCancelled(m) => format!("/meetings/{}", m.meeting),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gopy_domain::NoticeKind;

    #[test]
    fn the_pause_doubles_with_each_failed_round_up_to_half_a_minute() {
        let poll = Duration::from_secs(2);
        assert_eq!(pause_after_failures(poll, 0), poll);
        assert_eq!(pause_after_failures(poll, 1), Duration::from_secs(4));
        assert_eq!(pause_after_failures(poll, 3), Duration::from_secs(16));
        assert_eq!(pause_after_failures(poll, 40), MAX_FAILURE_PAUSE);
        assert_eq!(pause_after_failures(Duration::from_secs(60), 2), Duration::from_secs(60), "never below the poll interval");
    }

    /// One real notice of `kind`: the match has no catch-all, so a new kind
    /// cannot be added without a sample here.
    fn sample(kind: NoticeKind) -> Notice {
        use gopy_domain::{
            AccountLinkV1, ActionItemId, ActionReminderV1, AnswersOwedV1, CommentId, CommentV1, MeetingId, ReportId, ReportStepV1,
            RoundClosingV1,
        };
        let id = |n: u128| uuid::Uuid::from_u128(n);
        let link = AccountLinkV1 { secret: "bí-mật".to_owned(), expires_at: OffsetDateTime::UNIX_EPOCH };
        let comment = CommentV1 {
            report: ReportId::from_uuid(id(1)),
            report_title: "Báo cáo sơ kết".to_owned(),
            comment: CommentId::from_uuid(id(2)),
            thread: CommentId::from_uuid(id(3)),
            version: 2,
            author: UserId::from_uuid(id(4)),
        };
        let step = ReportStepV1 { report: ReportId::from_uuid(id(1)), report_title: "Báo cáo sơ kết".to_owned(), reason: None };
        let meeting = |reason| gopy_domain::MeetingNoticeV1 {
            meeting: MeetingId::from_uuid(id(5)),
            sequence: 1,
            title: "Hội nghị Ban Thường vụ".to_owned(),
            committee: "Ban Thường vụ Tỉnh ủy".to_owned(),
            starts_at: time::macros::datetime!(2023-06-27 01:00 UTC),
            ends_at: time::macros::datetime!(2023-06-27 04:30 UTC),
            place: "Phòng họp số 1".to_owned(),
            presiding: "Võ Bí Thư".to_owned(),
            agenda: vec![gopy_domain::AgendaLineV1 { title: "Sơ kết".to_owned(), presenter: "Ban Tuyên giáo".to_owned(), minutes_allotted: 30 }],
            reason,
        };
        let action = ActionReminderV1 {
            meeting: MeetingId::from_uuid(id(5)),
            meeting_title: "Hội nghị Ban Thường vụ".to_owned(),
            action: ActionItemId::from_uuid(id(6)),
            action_text: "Hoàn thiện dự thảo".to_owned(),
            assignees: "Văn phòng".to_owned(),
            weekday: "Thứ Sáu".to_owned(),
            deadline: "07/07/2023".to_owned(),
            overdue_days: 3,
        };
        match kind {
            NoticeKind::Invitation => Notice::Invitation(link),
            NoticeKind::PasswordReset => Notice::PasswordReset(link),
            NoticeKind::CommentPosted => Notice::CommentPosted(comment),
            NoticeKind::CommentReplied => Notice::CommentReplied(comment),
            NoticeKind::CommentAnswered => Notice::CommentAnswered(comment),
            NoticeKind::RoundOpened => Notice::RoundOpened(step),
            NoticeKind::ReportSubmitted => Notice::ReportSubmitted(step),
            NoticeKind::ReportApproved => Notice::ReportApproved(step),
            NoticeKind::ReportReturned => Notice::ReportReturned(ReportStepV1 { reason: Some("Bổ sung số liệu".to_owned()), ..step }),
            NoticeKind::RoundClosing => Notice::RoundClosing(RoundClosingV1 {
                report: ReportId::from_uuid(id(1)),
                report_title: "Báo cáo sơ kết".to_owned(),
                round: 1,
                version: 2,
                ballot: false,
                weekday: "Thứ Sáu".to_owned(),
                deadline: "07/07/2023 17:00".to_owned(),
            }),
            NoticeKind::ActionDue => Notice::ActionDue(action),
            NoticeKind::ActionOverdue => Notice::ActionOverdue(action),
            NoticeKind::ActionEscalated => Notice::ActionEscalated(action),
            NoticeKind::AnswersOwed => Notice::AnswersOwed(AnswersOwedV1 {
                report: ReportId::from_uuid(id(1)),
                report_title: "Báo cáo sơ kết".to_owned(),
                round: 1,
                unanswered: 4,
            }),
            NoticeKind::AnswersPublished => Notice::AnswersPublished(gopy_domain::AnswersPublishedV1 {
                report: ReportId::from_uuid(id(1)),
                report_title: "Báo cáo sơ kết".to_owned(),
                answers: vec![gopy_domain::PublishedAnswerV1 {
                    comment: CommentId::from_uuid(id(2)),
                    version: 1,
                    passage: "II.1 ¶2".to_owned(),
                    comment_text: "Đề nghị bổ sung số liệu.".to_owned(),
                    disposition: "partly_accepted".to_owned(),
                    accepted: false,
                    partly_accepted: true,
                    explained: false,
                    response: Some("Đã bổ sung một phần.".to_owned()),
                }],
            }),
            NoticeKind::ConsultationRequested => Notice::ConsultationRequested(gopy_domain::ConsultationRequestedV1 {
                report: ReportId::from_uuid(id(1)),
                report_title: "Báo cáo sơ kết".to_owned(),
                round: 1,
                body: gopy_domain::BodyId::from_uuid(id(7)),
                body_name: "Ban Tổ chức Tỉnh ủy".to_owned(),
                weekday: "Thứ Sáu".to_owned(),
                deadline: "07/07/2023 17:00".to_owned(),
                silence_agrees: true,
            }),
            NoticeKind::MeetingInvited => Notice::MeetingInvited(meeting(None)),
            NoticeKind::MeetingUpdated => Notice::MeetingUpdated(meeting(None)),
            NoticeKind::MeetingCancelled => Notice::MeetingCancelled(meeting(Some("Trùng lịch".to_owned()))),
        }
    }

    #[test]
    fn every_kind_of_notice_renders_from_its_payload_with_a_link_built_here() {
        let templates = Templates::load().expect("templates");
        let common = json!({ "recipient_name": "Nguyễn Văn A", "account_link": "https://gopy.test/account" });
        for kind in gopy_domain::NoticeKind::ALL.iter().copied() {
            let notice = sample(kind);
            let expected = format!("https://gopy.test{}", path_of(&notice));
            let item = mail_item("https://gopy.test/", &notice, "Nguyễn Văn A", Some("Trần Ủy Viên".to_owned()));
            for language in [Language::Vi, Language::En] {
                // A calendar mail is worded in the recipient's zone and language.
                let item = match gopy_domain::CalendarMail::of(&notice) {
                    Some((mail, payload)) => {
                        calendar::mail_item(mail, payload, language, "Asia/Ho_Chi_Minh", "https://gopy.test/", "Nguyễn Văn A")
                    }
                    None => item.clone(),
                };
                let mail = templates.render(std::slice::from_ref(&item), language, &common).unwrap_or_else(|e| panic!("{kind}: {e}"));
                assert!(mail.text.contains(&expected), "{kind} {language:?}: {}", mail.text);
            }
        }
        let returned = mail_item("https://gopy.test", &sample(NoticeKind::ReportReturned), "A", None);
        let mail = templates.render(&[returned], Language::Vi, &common).expect("rendered");
        assert!(mail.text.contains("Bổ sung số liệu"), "{}", mail.text);
    }

    #[test]
    fn links_follow_the_ids_not_a_stored_address() {
        let comment = sample(NoticeKind::CommentPosted);
        assert_eq!(
            path_of(&comment),
            format!("/reports/{}/versions/2#comment-{}", uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(3))
        );
        assert_eq!(path_of(&sample(NoticeKind::Invitation)), "/set-password/bí-mật");
        assert_eq!(path_of(&sample(NoticeKind::AnswersOwed)), format!("/reports/{}/dispositions", uuid::Uuid::from_u128(1)));
    }
}
