//! `gopy user add`, `gopy token create`, `gopy backup` and `gopy restore`:
//! an operator's commands, run against the configured database without a
//! server.

use std::sync::Arc;

use anyhow::Context;
use gopy_app::organisation::NewUser;
use gopy_app::{App, AppError, SystemClock, link_path};
use gopy_domain::GlobalRole;
use gopy_store::SeaStore;

use crate::Settings;
use crate::cli::{BackupArgs, RestoreArgs, SendTestEmailArgs, TokenCreateArgs, UserAddArgs};

async fn open_app(settings: &Settings) -> anyhow::Result<(App, SeaStore)> {
    let store = SeaStore::connect(&settings.database()).await?;
    store.migrate().await?;
    Ok((App::new(Arc::new(store.clone()), Arc::new(SystemClock)), store))
}

/// A refusal of the use case, said plainly on one line.
fn plain(err: AppError, what: &str) -> anyhow::Error {
    match err {
        AppError::Invalid { field, reason } => anyhow::anyhow!("--{field}: {reason}"),
        AppError::Conflict { what: "user" } => anyhow::anyhow!("a person with this email already exists"),
        AppError::NotFound { what: "user" } => anyhow::anyhow!("nobody has this email; add them first with `gopy user add`"),
        other => anyhow::anyhow!("{what}: {other}"),
    }
}

pub async fn add_user(settings: &Settings, args: UserAddArgs) -> anyhow::Result<()> {
    let (app, store) = open_app(settings).await?;
    let global_roles: Vec<GlobalRole> = args.role.as_deref().map(str::parse).transpose().context("--role")?.into_iter().collect();
    let new_user = NewUser {
        email: args.email,
        name: args.name,
        title: args.title,
        body: None,
        language: args.language.parse().context("--language")?,
        global_roles,
    };
    let (user, secret) = app.invite_person(None, new_user).await.map_err(|e| plain(e, "cannot add the person"))?;
    let addr = settings.server_addr().context("server.addr")?;
    println!("Added {} <{}>.", user.name, user.email);
    println!("They set their password here (once, within 7 days):");
    println!("{}{}", settings.public_url_for(addr), link_path(&secret));
    store.close().await;
    Ok(())
}

pub async fn create_token(settings: &Settings, args: TokenCreateArgs) -> anyhow::Result<()> {
    let (app, store) = open_app(settings).await?;
    let (_, secret) =
        app.create_access_token(None, &args.email, &args.name).await.map_err(|e| plain(e, "cannot create the token"))?;
    // The token alone on stdout, so scripts can capture it.
    println!("{secret}");
    eprintln!("This token is shown once; Gopy keeps only its hash. Use it as: Authorization: Bearer <token>");
    store.close().await;
    Ok(())
}

/// Sends one mail and says plainly whether it worked; a failure is the
/// command's one-line error, so the exit status is non-zero.
pub async fn send_test_email(settings: &Settings, args: SendTestEmailArgs) -> anyhow::Result<()> {
    let addr = settings.server_addr().context("server.addr")?;
    let mail = settings.mail(&settings.public_url_for(addr));
    let language = args.language.parse().context("--language")?;
    match gopy_notifier::send_test_email(&mail, &args.to, language).await {
        Ok(went_to) => {
            println!("The test mail to {} was sent through {went_to}.", args.to);
            Ok(())
        }
        Err(e) => Err(anyhow::anyhow!("the test mail to {} was not sent: {e}", args.to)),
    }
}

pub async fn backup(settings: &Settings, args: BackupArgs) -> anyhow::Result<()> {
    let bytes = gopy_store::backup(&settings.database(), &args.file).await?;
    let url = gopy_store::redact_url(&settings.database.url);
    println!("Backed up the database at {url} to {} ({bytes} bytes).", args.file.display());
    Ok(())
}

pub async fn restore(settings: &Settings, args: RestoreArgs) -> anyhow::Result<()> {
    gopy_store::restore(&settings.database(), &args.file, args.force).await?;
    let url = gopy_store::redact_url(&settings.database.url);
    println!("Restored {} into the database at {url}.", args.file.display());
    println!("`gopy serve` applies any migrations this version adds when it starts.");
    Ok(())
}
