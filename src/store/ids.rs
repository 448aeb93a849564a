//! `ToSql`/`FromSql` for the typed ids of `model`, so queries bind ids, not
//! bare integers.

use crate::model::{AnnotationId, EventId, ExchangeId, LayerId, SessionId, SourceId};
use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

macro_rules! sql_id {
    ($($name:ident),*) => {$(
        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }
        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(value).map($name)
            }
        }
    )*};
}

sql_id!(SourceId, SessionId, ExchangeId, LayerId, EventId, AnnotationId);
