//! Login, refresh-token rotation with reuse detection, and logout.

use chrono::{Duration, NaiveDateTime};

use super::model::NewRefreshToken;
use super::tokens::AccessTokens;
use super::AuthSettings;
use super::{repo, tokens};
use crate::audit::{self, Actor};
use crate::clock::Clock;
use crate::db::{Db, DbConn};
use crate::error::{AppError, AppResult};
use crate::members::{self, rules::normalize_login, MemberId};
use crate::passwords::{PasswordCheck, PasswordWorkers};

/// Both tokens of a session, as handed to the client.
#[derive(Debug)]
pub struct IssuedTokens {
    pub access_token: String,
    pub expires_in: u64,
    pub refresh_token: String,
    pub refresh_expires_in: u64,
}

/// What presenting a refresh token led to.
#[derive(Debug)]
pub enum RefreshOutcome {
    Rotated {
        member: MemberId,
        refresh_token: String,
    },
    /// Unknown, expired or already revoked.
    Invalid,
    /// Used before: the whole family was revoked (committed, unlike an error).
    Reused,
}

pub async fn login(
    db: &Db,
    passwords: &PasswordWorkers,
    access_tokens: &AccessTokens,
    settings: &AuthSettings,
    login: &str,
    password: String,
) -> AppResult<IssuedTokens> {
    let member_id = authenticate(db, passwords, login, password).await?;
    let (refresh_ttl, now) = (refresh_ttl(settings), session_time());
    let refresh_token = db
        .write(move |conn| start_session(conn, member_id, refresh_ttl, now))
        .await?;
    issue_pair(access_tokens, settings, member_id, refresh_token)
}

/// The active member a login and password belong to (401 otherwise), upgrading the stored
/// hash when its parameters are out of date. Opens no session: the caller decides what kind.
pub async fn authenticate(
    db: &Db,
    passwords: &PasswordWorkers,
    login: &str,
    password: String,
) -> AppResult<MemberId> {
    let login = normalize_login(login);
    let member = db
        .read(move |conn| members::repo::find_by_login(conn, &login))
        .await?;
    let stored_hash = member.as_ref().map(|m| m.password_hash.clone());
    let (check, rehash) = passwords
        .password_work(move |passwords| {
            let check = passwords.check(&password, stored_hash.as_deref());
            // Upgrade the stored hash while the plain password is at hand.
            let rehash =
                (check == PasswordCheck::CorrectNeedsRehash).then(|| passwords.hash(&password));
            (check, rehash)
        })
        .await?;
    let member = match (check, member) {
        (PasswordCheck::Wrong, _) | (_, None) => {
            return Err(AppError::Unauthorized {
                code: "invalid_credentials",
            })
        }
        (_, Some(member)) => member,
    };
    if !member.is_active() {
        return Err(AppError::Unauthorized {
            code: "account_disabled",
        });
    }
    let member_id = MemberId(member.id);
    if let Some(hash) = rehash.transpose()? {
        let now = session_time();
        db.write(move |conn| members::repo::set_password_hash(conn, member_id, &hash, now))
            .await?;
    }
    Ok(member_id)
}

pub async fn refresh(
    db: &Db,
    access_tokens: &AccessTokens,
    settings: &AuthSettings,
    presented: String,
) -> AppResult<IssuedTokens> {
    let (refresh_ttl, now) = (refresh_ttl(settings), session_time());
    let outcome = db
        .write(move |conn| rotate(conn, &presented, refresh_ttl, now))
        .await?;
    match outcome {
        RefreshOutcome::Rotated {
            member,
            refresh_token,
        } => issue_pair(access_tokens, settings, member, refresh_token),
        RefreshOutcome::Invalid => Err(AppError::Unauthorized {
            code: "refresh_token_invalid",
        }),
        RefreshOutcome::Reused => Err(AppError::Unauthorized {
            code: "refresh_token_reused",
        }),
    }
}

/// Ends the session the refresh token belongs to. Unknown tokens are ignored (idempotent).
pub async fn logout(db: &Db, presented: String) -> AppResult<()> {
    let now = session_time();
    db.write(move |conn| {
        let digest = tokens::refresh_token_digest(&presented);
        if let Some(row) = repo::find_refresh_token(conn, &digest)? {
            repo::revoke_family(conn, &row.family_id, now)?;
        }
        Ok(())
    })
    .await
}

/// Sessions live on wall time, like the access tokens they renew, so they survive business
/// time being set or advanced in development.
fn session_time() -> NaiveDateTime {
    Clock::system().now()
}

fn refresh_ttl(settings: &AuthSettings) -> Duration {
    Duration::days(i64::from(settings.refresh_token_ttl_days))
}

fn issue_pair(
    access_tokens: &AccessTokens,
    settings: &AuthSettings,
    member: MemberId,
    refresh_token: String,
) -> AppResult<IssuedTokens> {
    Ok(IssuedTokens {
        access_token: access_tokens.issue(member)?,
        expires_in: access_tokens.ttl_seconds(),
        refresh_token,
        refresh_expires_in: refresh_ttl(settings).num_seconds().unsigned_abs(),
    })
}

/// Opens a new token family for a fresh login.
fn start_session(
    conn: &mut DbConn,
    member: MemberId,
    ttl: Duration,
    now: NaiveDateTime,
) -> AppResult<String> {
    store_refresh_token(conn, member, &tokens::new_token_family(), ttl, now)
}

fn store_refresh_token(
    conn: &mut DbConn,
    member: MemberId,
    family_id: &str,
    ttl: Duration,
    now: NaiveDateTime,
) -> AppResult<String> {
    let token = tokens::new_refresh_token();
    repo::insert_refresh_token(
        conn,
        &NewRefreshToken {
            member_id: member.0,
            family_id,
            token_hash: &tokens::refresh_token_digest(&token),
            issued_at: now,
            expires_at: now + ttl,
        },
    )?;
    Ok(token)
}

/// Trades a refresh token for a new one of the same family. A token presented a second time
/// (stolen, or replayed) revokes the family, so neither thief nor owner can go on with it.
pub fn rotate(
    conn: &mut DbConn,
    presented: &str,
    ttl: Duration,
    now: NaiveDateTime,
) -> AppResult<RefreshOutcome> {
    let Some(row) = repo::find_refresh_token(conn, &tokens::refresh_token_digest(presented))?
    else {
        return Ok(RefreshOutcome::Invalid);
    };
    if row.revoked_at.is_some() || row.expires_at <= now {
        return Ok(RefreshOutcome::Invalid);
    }
    let member = MemberId(row.member_id);
    if row.used_at.is_some() || !repo::claim_refresh_token(conn, row.id, now)? {
        repo::revoke_family(conn, &row.family_id, now)?;
        audit::record(
            conn,
            &Actor::member(member, None, now),
            "session.refresh_token_reused",
            "member",
            &member.0.to_string(),
            serde_json::json!({ "family_id": row.family_id }),
        )?;
        return Ok(RefreshOutcome::Reused);
    }
    let active = members::repo::find(conn, member)?.is_some_and(|m| m.is_active());
    if !active {
        repo::revoke_family(conn, &row.family_id, now)?;
        return Ok(RefreshOutcome::Invalid);
    }
    let refresh_token = store_refresh_token(conn, member, &row.family_id, ttl, now)?;
    Ok(RefreshOutcome::Rotated {
        member,
        refresh_token,
    })
}
