//! Use cases for signing in and out, invitations and password links,
//! personal access tokens, and a person's own account.
//!
//! Handlers ask the authorization function before calling the use cases that
//! act for someone; these use cases check only what is theirs to check (a
//! live session, a good link, the right password).

use gopy_domain::account::THROTTLE_WINDOW;
use gopy_domain::{
    AccessToken, AccountLinkV1, Notice, AccessTokenId, AccountLink, AccountLinkId, Actor, Email, GlobalRole, Language, LinkProblem,
    LinkPurpose, Name, Session, SessionId, User, UserId, check_password,
    sign_in_allowed,
};
use serde_json::json;
use time::Duration;
use tracing::instrument;

use crate::organisation::NewUser;
use crate::secret::{dummy_hash, hash_password, hash_secret, new_secret, verify_password};
use crate::{App, AppError, UnitOfWork, new_id};

/// Prefix of personal access tokens, so a leaked one is recognisable.
pub const ACCESS_TOKEN_PREFIX: &str = "gopy_";

/// Where a single-use link leads, relative to the site's address.
pub fn link_path(secret: &str) -> String {
    format!("/set-password/{secret}")
}

/// A successful sign-in: the person and the secret for their session cookie.
pub struct SignedIn {
    pub user: User,
    pub session_secret: String,
}

impl std::fmt::Debug for SignedIn {
    /// Never prints the secret, so it cannot end up in a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedIn").field("user", &self.user.id).finish_non_exhaustive()
    }
}

/// Who is making a request, with all their roles.
#[derive(Clone, Debug)]
pub struct Identity {
    pub user: User,
    pub actor: Actor,
    /// The browser session, when the request came with one (not a token).
    pub session: Option<Session>,
}

/// Where a sign-in attempt came from, for throttling and the sessions list.
#[derive(Clone, Debug, Default)]
pub struct Client {
    pub address: String,
    pub user_agent: Option<String>,
}

/// A session is marked as seen at most this often, to spare the database a
/// write on every request.
const TOUCH_EVERY: Duration = Duration::minutes(5);

impl App {
    /// Everything `user` may do, from their global roles and seats.
    pub async fn actor_of(&self, user: UserId) -> Result<Actor, AppError> {
        let mut uow = self.store.begin_read().await?;
        actor_in(uow.as_mut(), user).await
    }

    /// Whether Gopy still needs its first admin (a fresh installation).
    pub async fn needs_first_admin(&self) -> Result<bool, AppError> {
        Ok(self.store.begin_read().await?.count_users_with_role(GlobalRole::Admin).await? == 0)
    }

    /// Creates the first admin with a password, once: refused as soon as any
    /// admin exists.
    #[instrument(skip(self, new_user, password), fields(user.email = %new_user.email))]
    pub async fn create_first_admin(&self, new_user: NewUser, password: &str) -> Result<User, AppError> {
        let user = self.user_record(&new_user)?;
        check_password(password, user.email.as_str()).map_err(|e| AppError::invalid("password", e))?;
        let hash = hash_password(password.to_owned()).await?;
        let mut uow = self.store.begin().await?;
        if uow.count_users_with_role(GlobalRole::Admin).await? > 0 {
            return Err(AppError::Conflict { what: "first admin" });
        }
        self.insert_user_with_roles(uow.as_mut(), None, &user, &[GlobalRole::Admin]).await?;
        uow.set_password_hash(user.id, &hash, self.now()).await?;
        uow.commit().await?;
        Ok(user)
    }

    /// Creates a person and an invitation link for them, recorded in the
    /// outbox for the notifier. Returns the person and the link's secret, to
    /// be shown to the inviter until mail is delivered.
    #[instrument(skip(self, new_user), fields(user.email = %new_user.email))]
    pub async fn invite_person(&self, actor: Option<UserId>, new_user: NewUser) -> Result<(User, String), AppError> {
        let user = self.user_record(&new_user)?;
        let mut uow = self.store.begin().await?;
        let secret = self.invite_in(uow.as_mut(), actor, &user, &new_user.global_roles).await?;
        uow.commit().await?;
        Ok((user, secret))
    }

    /// A new person and their invitation, in the caller's unit of work: what
    /// inviting one person does, shared with the import of many.
    pub(crate) async fn invite_in(
        &self,
        uow: &mut dyn UnitOfWork,
        actor: Option<UserId>,
        user: &User,
        global_roles: &[GlobalRole],
    ) -> Result<String, AppError> {
        self.insert_user_with_roles(uow, actor, user, global_roles).await?;
        self.issue_link(uow, actor, user, LinkPurpose::Invitation).await
    }

    /// A password-reset link for `user`, also put in the outbox.
    pub async fn password_reset_link(&self, actor: Option<UserId>, user: UserId) -> Result<String, AppError> {
        let mut uow = self.store.begin().await?;
        let person = uow.find_user(user).await?.ok_or(AppError::NotFound { what: "user" })?;
        let secret = self.issue_link(uow.as_mut(), actor, &person, LinkPurpose::PasswordReset).await?;
        uow.commit().await?;
        Ok(secret)
    }

    async fn issue_link(
        &self,
        uow: &mut dyn UnitOfWork,
        actor: Option<UserId>,
        user: &User,
        purpose: LinkPurpose,
    ) -> Result<String, AppError> {
        let (secret, hash) = new_secret("")?;
        let now = self.now();
        let link = AccountLink {
            id: AccountLinkId::from_uuid(new_id()),
            user: user.id,
            purpose,
            created_by: actor,
            created_at: now,
            expires_at: now + purpose.lifetime(),
            used_at: None,
        };
        uow.insert_account_link(&link, &hash).await?;
        let payload = AccountLinkV1 { secret: secret.clone(), expires_at: link.expires_at };
        let notice = match purpose {
            LinkPurpose::Invitation => Notice::Invitation(payload),
            LinkPurpose::PasswordReset => Notice::PasswordReset(payload),
        };
        uow.enqueue(&self.outbox_message(user.id, notice)).await?;
        let event = self.audit(
            actor,
            &format!("{}.issued", purpose.as_str()),
            "user",
            Some(user.id.as_uuid()),
            json!({ "expires_at": link.expires_at }),
        );
        uow.record_audit_event(&event).await?;
        Ok(secret)
    }

    /// The link behind `secret` and its person, if it can still be used.
    pub async fn open_link(&self, secret: &str) -> Result<(AccountLink, User), AppError> {
        let mut uow = self.store.begin_read().await?;
        let link = uow.find_account_link(&hash_secret(secret)).await?.ok_or(LinkProblem::Unknown)?;
        link.check(self.now())?;
        let user = uow.find_user(link.user).await?.ok_or(LinkProblem::Unknown)?;
        Ok((link, user))
    }

    /// Sets a password through a link, which is then used up. Every session
    /// the person had is ended, in case the reset was because of a leak.
    #[instrument(skip_all)]
    pub async fn set_password_with_link(&self, secret: &str, password: &str) -> Result<User, AppError> {
        let (_, user) = self.open_link(secret).await?;
        check_password(password, user.email.as_str()).map_err(|e| AppError::invalid("password", e))?;
        let hash = hash_password(password.to_owned()).await?;
        let mut uow = self.store.begin().await?;
        // Checked again inside the unit of work: two tabs may race for one link.
        let link = uow.find_account_link(&hash_secret(secret)).await?.ok_or(LinkProblem::Unknown)?;
        let now = self.now();
        link.check(now)?;
        uow.mark_account_link_used(link.id, now).await?;
        uow.set_password_hash(user.id, &hash, now).await?;
        uow.revoke_sessions_of(user.id, now).await?;
        let event = self.audit(
            Some(user.id),
            "password.set",
            "user",
            Some(user.id.as_uuid()),
            json!({ "through": link.purpose.as_str() }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(user)
    }

    /// Checks the email and password and opens a new session. Wrong email and
    /// wrong password are refused alike, after the same work; too many
    /// failures pause sign-in for the account and for the address.
    #[instrument(skip(self, password, client), fields(client.address = %client.address))]
    pub async fn sign_in(&self, email: &str, password: &str, client: &Client) -> Result<SignedIn, AppError> {
        let email_key = Email::parse(email).map_or_else(|_| email.trim().to_lowercase(), |e| e.as_str().to_owned());
        let now = self.now();
        let (user, stored) = {
            let mut uow = self.store.begin().await?;
            let (for_account, for_address) =
                uow.failed_sign_ins(&email_key, &client.address, now - THROTTLE_WINDOW).await?;
            sign_in_allowed(for_account, for_address)?;
            let user = match Email::parse(email) {
                Ok(email) => uow.find_user_by_email(&email).await?,
                Err(_) => None,
            };
            let stored = match &user {
                Some(user) => uow.password_hash(user.id).await?,
                None => None,
            };
            (user, stored)
        };
        let matches = match stored {
            Some(hash) => verify_password(password.to_owned(), hash).await,
            None => {
                if let Some(hash) = dummy_hash().await {
                    verify_password(password.to_owned(), hash).await;
                }
                false
            }
        };
        let mut uow = self.store.begin().await?;
        let user = match user {
            Some(user) if matches && user.active => user,
            _ => {
                uow.record_sign_in_attempt(&email_key, &client.address, now, false).await?;
                uow.commit().await?;
                return Err(AppError::BadCredentials);
            }
        };
        uow.record_sign_in_attempt(&email_key, &client.address, now, true).await?;
        let (secret, hash) = new_secret("")?;
        let session = Session {
            id: SessionId::from_uuid(new_id()),
            user: user.id,
            created_at: now,
            last_seen_at: now,
            expires_at: now + gopy_domain::account::SESSION_LIFETIME,
            revoked_at: None,
            user_agent: client.user_agent.as_deref().map(|a| a.chars().take(300).collect()),
            address: Some(client.address.chars().take(64).collect()),
        };
        uow.insert_session(&session, &hash).await?;
        let event = self.audit(
            Some(user.id),
            "session.signed_in",
            "user",
            Some(user.id.as_uuid()),
            json!({ "address": client.address }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(SignedIn { user, session_secret: secret })
    }

    /// Who the session cookie `secret` belongs to, if the session is live and
    /// the person still active.
    pub async fn identify_session(&self, secret: &str) -> Result<Option<Identity>, AppError> {
        let now = self.now();
        let mut uow = self.store.begin_read().await?;
        let Some((session, user, actor)) = uow.find_session_with_actor(&hash_secret(secret)).await? else { return Ok(None) };
        drop(uow);
        if !session.is_live(now) || !user.active {
            return Ok(None);
        }
        if now - session.last_seen_at > TOUCH_EVERY {
            let mut uow = self.store.begin().await?;
            uow.touch_session(session.id, now).await?;
            uow.commit().await?;
        }
        Ok(Some(Identity { user, actor, session: Some(session) }))
    }

    /// Who the personal access token `secret` belongs to, unless revoked.
    pub async fn identify_token(&self, secret: &str) -> Result<Option<Identity>, AppError> {
        let now = self.now();
        let mut uow = self.store.begin_read().await?;
        let Some((token, user, actor)) = uow.find_access_token_with_actor(&hash_secret(secret)).await? else { return Ok(None) };
        drop(uow);
        if token.revoked_at.is_some() || !user.active {
            return Ok(None);
        }
        if token.last_used_at.is_none_or(|at| now - at > TOUCH_EVERY) {
            let mut uow = self.store.begin().await?;
            uow.touch_access_token(token.id, now).await?;
            uow.commit().await?;
        }
        Ok(Some(Identity { user, actor, session: None }))
    }

    /// Ends one session of `user` (signing out, or from the sessions list).
    pub async fn end_session(&self, user: UserId, session: SessionId) -> Result<(), AppError> {
        let now = self.now();
        let mut uow = self.store.begin().await?;
        let owned = uow.live_sessions_of(user, now).await?.iter().any(|s| s.id == session);
        if !owned {
            return Err(AppError::NotFound { what: "session" });
        }
        uow.revoke_session(session, now).await?;
        let event = self.audit(Some(user), "session.ended", "user", Some(user.as_uuid()), json!({}));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(())
    }

    /// Ends every session of `user`; returns how many.
    pub async fn end_all_sessions(&self, user: UserId) -> Result<u64, AppError> {
        let mut uow = self.store.begin().await?;
        let ended = uow.revoke_sessions_of(user, self.now()).await?;
        let event =
            self.audit(Some(user), "session.ended_everywhere", "user", Some(user.as_uuid()), json!({ "ended": ended }));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(ended)
    }

    pub async fn live_sessions(&self, user: UserId) -> Result<Vec<Session>, AppError> {
        Ok(self.store.begin_read().await?.live_sessions_of(user, self.now()).await?)
    }

    /// Changes one's own password, given the current one.
    #[instrument(skip_all)]
    pub async fn change_password(&self, user: &User, current: &str, new: &str) -> Result<(), AppError> {
        let stored = self.store.begin().await?.password_hash(user.id).await?;
        let current_ok = match stored {
            Some(hash) => verify_password(current.to_owned(), hash).await,
            None => false,
        };
        if !current_ok {
            return Err(AppError::invalid("current_password", gopy_domain::PasswordProblem::Wrong));
        }
        check_password(new, user.email.as_str()).map_err(|e| AppError::invalid("new_password", e))?;
        let hash = hash_password(new.to_owned()).await?;
        let mut uow = self.store.begin().await?;
        uow.set_password_hash(user.id, &hash, self.now()).await?;
        let event = self.audit(Some(user.id), "password.changed", "user", Some(user.id.as_uuid()), json!({}));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(())
    }

    /// Changes one's own language, chosen in the page header: the mail
    /// they get follows the pages they read.
    pub async fn choose_language(&self, user: UserId, language: Language) -> Result<(), AppError> {
        let mut uow = self.store.begin().await?;
        let mut person = uow.find_user(user).await?.ok_or(AppError::NotFound { what: "user" })?;
        if person.language == language {
            return Ok(());
        }
        person.language = language;
        uow.update_user(&person).await?;
        let event = self.audit(Some(user), "user.language_chosen", "user", Some(user.as_uuid()), json!({ "language": language.code() }));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(())
    }

    /// Changes one's own name, language and (when given) time zone, in
    /// which one's pages show times and one's reminders and daily digest
    /// arrive in the morning.
    pub async fn update_own_account(&self, user: UserId, name: &str, language: Language, time_zone: Option<&str>) -> Result<User, AppError> {
        let name = Name::parse(name).map_err(|e| AppError::invalid("name", e))?;
        let time_zone = time_zone.map(str::trim);
        if time_zone.is_some_and(|z| !gopy_domain::reminder::is_known_zone(z)) {
            return Err(AppError::invalid("time_zone", crate::InvalidReason::Rule("err_time_zone".into())));
        }
        let mut uow = self.store.begin().await?;
        let mut person = uow.find_user(user).await?.ok_or(AppError::NotFound { what: "user" })?;
        person.name = name;
        person.language = language;
        if let Some(zone) = time_zone {
            person.time_zone = zone.to_owned();
        }
        uow.update_user(&person).await?;
        let event = self.audit(Some(user), "user.account_changed", "user", Some(user.as_uuid()), json!({}));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(person)
    }

    /// A new personal access token for the person with `email`. The secret
    /// is returned once and stored only as a hash.
    pub async fn create_access_token(
        &self,
        actor: Option<UserId>,
        email: &str,
        name: &str,
    ) -> Result<(AccessToken, String), AppError> {
        let email = Email::parse(email).map_err(|e| AppError::invalid("email", e))?;
        let name = Name::parse(name).map_err(|e| AppError::invalid("name", e))?;
        let mut uow = self.store.begin().await?;
        let user = uow.find_user_by_email(&email).await?.ok_or(AppError::NotFound { what: "user" })?;
        let (secret, hash) = new_secret(ACCESS_TOKEN_PREFIX)?;
        let token = AccessToken {
            id: AccessTokenId::from_uuid(new_id()),
            user: user.id,
            name,
            created_at: self.now(),
            last_used_at: None,
            revoked_at: None,
        };
        uow.insert_access_token(&token, &hash).await?;
        let event = self.audit(
            actor.or(Some(user.id)),
            "access_token.created",
            "user",
            Some(user.id.as_uuid()),
            json!({ "token": token.id, "name": token.name }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok((token, secret))
    }

    pub async fn access_tokens(&self, user: UserId) -> Result<Vec<AccessToken>, AppError> {
        Ok(self.store.begin_read().await?.access_tokens_of(user).await?)
    }

    /// Revokes one of `user`'s own tokens.
    pub async fn revoke_access_token(&self, user: UserId, token: AccessTokenId) -> Result<(), AppError> {
        let mut uow = self.store.begin().await?;
        if !uow.access_tokens_of(user).await?.iter().any(|t| t.id == token) {
            return Err(AppError::NotFound { what: "token" });
        }
        uow.revoke_access_token(token, self.now()).await?;
        let event =
            self.audit(Some(user), "access_token.revoked", "user", Some(user.as_uuid()), json!({ "token": token }));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(())
    }
}

async fn actor_in(uow: &mut dyn UnitOfWork, user: UserId) -> Result<Actor, AppError> {
    Ok(uow.actor(user).await?)
}

/// One's own account page: who one is, one's live sessions and tokens, and
/// how one wants each kind of mail.
#[derive(Clone, Debug)]
pub struct AccountPage {
    pub user: User,
    /// Newest first.
    pub sessions: Vec<Session>,
    /// Revoked ones included, newest first.
    pub tokens: Vec<AccessToken>,
    /// Every kind of mail one may choose for, with the choice.
    pub mail_choices: Vec<(gopy_domain::NoticeKind, gopy_domain::Delivery)>,
}

impl App {
    /// The account page of the person `actor` is, read in one unit of work.
    pub async fn account_page(&self, actor: &Actor) -> Result<AccountPage, AppError> {
        gopy_domain::authorize(actor, gopy_domain::Action::ManageAccount, gopy_domain::Resource::Person(actor.user))?;
        let mut uow = self.store.begin_read().await?;
        let user = uow.find_user(actor.user).await?.ok_or(AppError::NotFound { what: "user" })?;
        let sessions = uow.live_sessions_of(actor.user, self.now()).await?;
        let tokens = uow.access_tokens_of(actor.user).await?;
        let mail_choices = crate::mail::choices_in(uow.as_mut(), actor.user).await?;
        Ok(AccountPage { user, sessions, tokens, mail_choices })
    }
}
