//! Conversions between records and SQLite values: enums as their
//! snake_case strings, JSON as text, keyset page cursors.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::store::records::*;
use crate::store::{Millis, Result, StoreError};

macro_rules! sql_string_enum {
    ($($name:ident),+ $(,)?) => {$(
        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }
        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                value.as_str()?.parse().map_err(|e: String| FromSqlError::Other(e.into()))
            }
        }
    )+};
}

sql_string_enum!(
    InboxKind,
    ChannelStatus,
    MessageState,
    ConvStatus,
    Priority,
    Role,
    OutboxKind,
    OutboxState,
);

/// Serialises a value kept as JSON text.
pub(super) fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Backend(Box::new(e)))
}

/// Reads column `idx` as JSON text.
pub(super) fn json_column<T: DeserializeOwned>(
    row: &rusqlite::Row<'_>,
    idx: usize,
) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Largest page a list call returns.
pub(super) const MAX_TAKE: u32 = 500;

/// A decoded keyset position: the sort key and the id breaking ties.
pub(super) struct Keyset {
    pub key: Millis,
    pub id: String,
    /// Rows fetched: one more than the page, to know if another follows.
    pub limit: i64,
    /// `ORDER BY` direction and the comparison that continues after the cursor.
    pub dir: &'static str,
    pub cmp: &'static str,
}

impl Keyset {
    /// The position after `page.cursor` (or the start).
    pub fn new(page: &PageRequest) -> Result<Self> {
        let (dir, cmp) = match page.order {
            Order::Asc => ("ASC", ">"),
            Order::Desc => ("DESC", "<"),
        };
        let take = page.take.clamp(1, MAX_TAKE);
        let (key, id) = match &page.cursor {
            None => match page.order {
                Order::Asc => (Millis::MIN, String::new()),
                Order::Desc => (Millis::MAX, String::new()),
            },
            Some(cursor) => cursor
                .split_once('~')
                .and_then(|(k, id)| Some((k.parse().ok()?, id.to_string())))
                .ok_or_else(|| StoreError::Invalid {
                    field: "cursor",
                    reason: "not a cursor returned by this list".into(),
                })?,
        };
        Ok(Self {
            key,
            id,
            limit: i64::from(take) + 1,
            dir,
            cmp,
        })
    }

    /// Cuts the extra row off and builds the next cursor from the last item.
    pub fn page<T>(&self, mut items: Vec<T>, key_of: impl Fn(&T) -> (Millis, &str)) -> Page<T> {
        let take = usize::try_from(self.limit - 1).unwrap_or(usize::MAX);
        let next_cursor = if items.len() > take {
            items.truncate(take);
            items.last().map(|last| {
                let (key, id) = key_of(last);
                format!("{key}~{id}")
            })
        } else {
            None
        };
        Page { items, next_cursor }
    }
}
