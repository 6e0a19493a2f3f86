//! Member use cases that need nothing above member records (registering and views with roles
//! are `crate::auth::accounts`).

use super::model::MemberRow;
use super::{repo, MemberId};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};

pub fn get(conn: &mut DbConn, id: MemberId) -> AppResult<MemberRow> {
    repo::find(conn, id)?.ok_or(AppError::NotFound { resource: "member" })
}
