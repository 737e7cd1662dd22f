//! Keyset pagination and filters built at run time.
//!
//! A page ends at a (time, id) pair and the next page starts strictly after
//! it, so pages stay stable while rows are added and a deep page costs as
//! much as the first (an index range scan, never an OFFSET).

use sqlx::Any;
use sqlx::query::Query;

/// Where the previous page ended, newest-first order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub at: i64,
    pub id: String,
}

impl Cursor {
    /// Opaque text form for APIs: `<at>.<id>`.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.at, self.id)
    }

    pub fn decode(text: &str) -> Option<Self> {
        let (at, id) = text.split_once('.')?;
        let at = at.parse().ok()?;
        (!id.is_empty() && id.len() <= 64).then(|| Self {
            at,
            id: id.to_owned(),
        })
    }
}

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
}

/// A WHERE clause and its arguments, numbered `$1`, `$2`, ... in order.
#[derive(Debug, Default)]
pub(crate) struct Filter {
    conditions: Vec<String>,
    args: Vec<Arg>,
}

impl Filter {
    /// The next placeholder for `arg`.
    pub(crate) fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    /// Adds a condition; `{}` in it is replaced by the placeholder of `arg`.
    pub(crate) fn and(&mut self, condition: &str, arg: Arg) {
        let placeholder = self.arg(arg);
        self.conditions.push(condition.replace("{}", &placeholder));
    }

    /// `(at_column, id_column) < (cursor)`: rows after the cursor.
    pub(crate) fn after(&mut self, at_column: &str, id_column: &str, cursor: Option<&Cursor>) {
        if let Some(cursor) = cursor {
            let at = self.arg(Arg::Int(cursor.at));
            let id = self.arg(Arg::Text(cursor.id.clone()));
            self.conditions
                .push(format!("({at_column}, {id_column}) < ({at}, {id})"));
        }
    }

    pub(crate) fn where_clause(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.conditions.join(" AND "))
        }
    }

    pub(crate) fn bind<'q>(
        &self,
        mut query: Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    ) -> Query<'q, Any, sqlx::any::AnyArguments<'q>> {
        for arg in &self.args {
            query = match arg {
                Arg::Text(text) => query.bind(text.clone()),
                Arg::Int(n) => query.bind(*n),
            };
        }
        query
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = Cursor {
            at: 1_700_000_000_000,
            id: "0190-abc".into(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        for bad in ["", "12", "x.abc", "12."] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut filter = Filter::default();
        filter.and("team_id = {}", Arg::Text("t".into()));
        filter.after(
            "queued_at",
            "id",
            Some(&Cursor {
                at: 5,
                id: "x".into(),
            }),
        );
        assert_eq!(
            filter.where_clause(),
            "WHERE team_id = $1 AND (queued_at, id) < ($2, $3)"
        );
    }
}
