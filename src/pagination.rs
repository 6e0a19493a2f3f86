//! Page requests (`?page=&per_page=`) with a configured cap, and the page envelope.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{AppError, AppResult};
use crate::settings::{positive, within, Checked};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationSettings {
    pub default_page_size: u32,
    pub max_page_size: u32,
}

impl PaginationSettings {
    pub fn validate(&self) -> Checked {
        positive(&[("pagination.max_page_size", self.max_page_size)])?;
        within(
            "pagination.default_page_size",
            self.default_page_size,
            1..=self.max_page_size,
        )
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-based page number (default 1).
    pub page: Option<u32>,
    /// Items per page (default and maximum from `pagination` in the configuration: see
    /// [`document_bounds`]).
    pub per_page: Option<u32>,
}

/// A checked page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: u32,
    pub size: u32,
}

impl Page {
    pub fn limit(self) -> i64 {
        i64::from(self.size)
    }

    pub fn offset(self) -> i64 {
        i64::from(self.number - 1) * i64::from(self.size)
    }
}

impl PageQuery {
    pub fn resolve(self, settings: &PaginationSettings) -> AppResult<Page> {
        let number = self.page.unwrap_or(1);
        let size = self.per_page.unwrap_or(settings.default_page_size);
        if number == 0 {
            return Err(AppError::field("page", "out_of_range", "page starts at 1"));
        }
        if size == 0 || size > settings.max_page_size {
            return Err(AppError::field(
                "per_page",
                "out_of_range",
                format!("per_page must be between 1 and {}", settings.max_page_size),
            ));
        }
        Ok(Page { number, size })
    }
}

/// The size of a cursor page (`?limit=`): the configured default when absent, 422 naming
/// `limit` outside 1..=max.
pub fn cursor_limit(limit: Option<u32>, settings: &PaginationSettings) -> AppResult<u32> {
    let limit = limit.unwrap_or(settings.default_page_size);
    if limit == 0 || limit > settings.max_page_size {
        return Err(AppError::field(
            "limit",
            "out_of_range",
            format!("limit must be between 1 and {}", settings.max_page_size),
        ));
    }
    Ok(limit)
}

/// Writes the configured bounds into every list operation's `page`, `per_page` and `limit`
/// parameters: the parameter attributes cannot read configuration, and clients should learn the
/// cap from the document rather than from a 422.
pub fn document_bounds(document: &mut utoipa::openapi::OpenApi, settings: &PaginationSettings) {
    use utoipa::openapi::{schema::Schema, RefOr};
    let operations = document
        .paths
        .paths
        .values_mut()
        .filter_map(|item| item.get.as_mut());
    let parameters = operations
        .flat_map(|op| op.parameters.iter_mut().flatten())
        .filter_map(|parameter| match parameter {
            RefOr::T(parameter) => Some(parameter),
            RefOr::Ref(_) => None,
        });
    for parameter in parameters {
        let (maximum, description) = match parameter.name.as_str() {
            "page" => (None, "1-based page number (default 1).".to_owned()),
            "per_page" | "limit" => (
                Some(settings.max_page_size),
                format!(
                    "Items per page: default {}, at most {} (422 naming this parameter beyond).",
                    settings.default_page_size, settings.max_page_size
                ),
            ),
            _ => continue,
        };
        if let Some(RefOr::T(Schema::Object(schema))) = &mut parameter.schema {
            schema.minimum = Some(1u32.into());
            schema.maximum = maximum.map(Into::into);
        }
        parameter.description = Some(description);
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paginated<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    /// Items in all pages.
    pub total: i64,
}

impl<T> Paginated<T> {
    pub fn new(items: Vec<T>, page: Page, total: i64) -> Self {
        Self {
            items,
            page: page.number,
            per_page: page.size,
            total,
        }
    }
}

/// One page of a query, newest first by `$id`, and how many rows match in all: `$query` makes
/// the (boxed, filtered) query afresh for each of the two statements.
#[macro_export]
macro_rules! newest_first_page {
    ($conn:expr, $query:expr, $id:expr, $row:ty, $page:expr) => {{
        let total: i64 = $query().count().get_result($conn)?;
        let rows: Vec<$row> = $query()
            .order($id.desc())
            .limit($page.limit())
            .offset($page.offset())
            .select(<$row>::as_select())
            .load($conn)?;
        $crate::error::AppResult::Ok((rows, total))
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETTINGS: PaginationSettings = PaginationSettings {
        default_page_size: 20,
        max_page_size: 100,
    };

    #[test]
    fn defaults_and_offsets() {
        let page = PageQuery::default().resolve(&SETTINGS).unwrap();
        assert_eq!((page.limit(), page.offset()), (20, 0));
        let page = PageQuery {
            page: Some(3),
            per_page: Some(50),
        }
        .resolve(&SETTINGS)
        .unwrap();
        assert_eq!((page.limit(), page.offset()), (50, 100));
    }

    #[test]
    fn sizes_past_the_cap_are_refused_by_field() {
        for (page, per_page, field) in [
            (None, Some(101), "per_page"),
            (None, Some(0), "per_page"),
            (Some(0), None, "page"),
        ] {
            let AppError::Validation(errors) =
                PageQuery { page, per_page }.resolve(&SETTINGS).unwrap_err()
            else {
                panic!("expected a validation error");
            };
            assert_eq!(errors[0].field, field);
        }
    }
}
