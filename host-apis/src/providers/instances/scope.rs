//! Which instances a grant's [`InstanceScope`] covers, checked in process and
//! narrowed server-side with EC2 filters.
//!
//! EC2 filters are only a pre-filter: their values are patterns (`*`, `?`),
//! and their semantics vary between EC2 and look-alikes, so every instance
//! they return is checked again here with exact string comparison.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ec2::types::Filter;

use crate::grant::InstanceScope;

/// Whether an instance with `tags` is in `scope`: its application (the value
/// of `application_tag`) is listed, or its tags include every pair of a
/// non-empty `scope.tags`. An empty `scope.tags` covers nothing: it would
/// otherwise vacuously cover every instance.
pub(super) fn in_scope(
    scope: &InstanceScope,
    application_tag: &str,
    tags: &[(String, String)],
) -> bool {
    let application = tags
        .iter()
        .find(|(key, _)| key == application_tag)
        .map(|(_, value)| value);
    let by_application = application.is_some_and(|app| scope.applications.contains(app));
    let by_tags = !scope.tags.is_empty()
        && scope
            .tags
            .iter()
            .all(|(key, value)| has_tag(tags, key, value));
    by_application || by_tags
}

/// Whether `tags` include every pair of `wanted`.
pub(super) fn has_all_tags(tags: &[(String, String)], wanted: &[(String, String)]) -> bool {
    wanted.iter().all(|(key, value)| has_tag(tags, key, value))
}

fn has_tag(tags: &[(String, String)], key: &str, value: &str) -> bool {
    tags.iter().any(|(k, v)| k == key && v == value)
}

/// The EC2 filter sets whose union covers the instances of `scope` that also
/// carry every tag of `wanted`: one set per way into the scope (by
/// application, by tags). Empty when nothing can match, so no query is needed.
pub(super) fn filter_sets(
    scope: &InstanceScope,
    application_tag: &str,
    wanted: &[(String, String)],
) -> Vec<Vec<Filter>> {
    let Some(wanted) = Constraints::from_pairs(wanted) else {
        return Vec::new();
    };
    let mut branches = Vec::new();
    if !scope.applications.is_empty() {
        let mut by_application = Constraints::default();
        by_application.require(application_tag, scope.applications.iter().cloned());
        branches.push(by_application);
    }
    if !scope.tags.is_empty() {
        let pairs: Vec<_> = scope.tags.clone().into_iter().collect();
        branches.extend(Constraints::from_pairs(&pairs));
    }
    branches
        .into_iter()
        .filter_map(|branch| branch.and(&wanted))
        .map(Constraints::into_filters)
        .collect()
}

/// A conjunction over tag keys: each key must have one of its allowed values.
#[derive(Debug, Clone, Default)]
struct Constraints(BTreeMap<String, BTreeSet<String>>);

impl Constraints {
    /// None when two pairs ask for different values of the same key.
    fn from_pairs(pairs: &[(String, String)]) -> Option<Self> {
        let mut constraints = Self::default();
        for (key, value) in pairs {
            constraints.require(key, [value.clone()]);
        }
        constraints.satisfiable().then_some(constraints)
    }

    fn require(&mut self, key: &str, values: impl IntoIterator<Item = String>) {
        let values: BTreeSet<String> = values.into_iter().collect();
        self.0
            .entry(key.to_owned())
            .and_modify(|allowed| allowed.retain(|v| values.contains(v)))
            .or_insert(values);
    }

    fn and(mut self, other: &Self) -> Option<Self> {
        for (key, values) in &other.0 {
            self.require(key, values.iter().cloned());
        }
        self.satisfiable().then_some(self)
    }

    fn satisfiable(&self) -> bool {
        self.0.values().all(|allowed| !allowed.is_empty())
    }

    /// One `tag:KEY` filter per key. A value with a filter wildcard is left
    /// out of the server-side filter (the in-process check still applies),
    /// since EC2 would read it as a pattern.
    fn into_filters(self) -> Vec<Filter> {
        self.0
            .into_iter()
            .filter(|(key, values)| !has_wildcard(key) && !values.iter().any(|v| has_wildcard(v)))
            .map(|(key, values)| {
                Filter::builder()
                    .name(format!("tag:{key}"))
                    .set_values(Some(values.into_iter().collect()))
                    .build()
            })
            .collect()
    }
}

fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?', '\\'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn scope(applications: &[&str], tags: &[(&str, &str)]) -> InstanceScope {
        InstanceScope {
            applications: applications.iter().map(|a| (*a).to_owned()).collect(),
            tags: pairs(tags).into_iter().collect(),
            actions: Vec::new(),
        }
    }

    fn rendered(sets: Vec<Vec<Filter>>) -> Vec<Vec<(String, Vec<String>)>> {
        sets.into_iter()
            .map(|set| {
                set.into_iter()
                    .map(|f| (f.name().unwrap().to_owned(), f.values().to_vec()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn an_instance_is_in_scope_by_application_or_by_every_tag() {
        let scope = scope(&["kafka"], &[("team", "data"), ("env", "prod")]);
        assert!(in_scope(&scope, "app", &pairs(&[("app", "kafka")])));
        assert!(in_scope(
            &scope,
            "app",
            &pairs(&[("app", "web"), ("team", "data"), ("env", "prod")])
        ));
        assert!(!in_scope(
            &scope,
            "app",
            &pairs(&[("app", "web"), ("team", "data")])
        ));
        assert!(!in_scope(&scope, "service", &pairs(&[("app", "kafka")])));
    }

    #[test]
    fn an_empty_scope_covers_nothing() {
        assert!(!in_scope(
            &scope(&[], &[]),
            "app",
            &pairs(&[("app", "web")])
        ));
        assert!(filter_sets(&scope(&[], &[]), "app", &[]).is_empty());
    }

    #[test]
    fn each_way_into_the_scope_is_one_filter_set() {
        let sets = filter_sets(&scope(&["kafka", "zk"], &[("team", "data")]), "app", &[]);
        assert_eq!(
            rendered(sets),
            vec![
                vec![("tag:app".into(), vec!["kafka".into(), "zk".into()])],
                vec![("tag:team".into(), vec!["data".into()])],
            ]
        );
    }

    #[test]
    fn wanted_tags_narrow_each_set_and_drop_contradictions() {
        let scope = scope(&["kafka", "zk"], &[("app", "web")]);
        let sets = filter_sets(&scope, "app", &pairs(&[("app", "zk"), ("az", "a")]));
        assert_eq!(
            rendered(sets),
            vec![vec![
                ("tag:app".into(), vec!["zk".into()]),
                ("tag:az".into(), vec!["a".into()]),
            ]]
        );
        let contradictory = pairs(&[("az", "a"), ("az", "b")]);
        assert!(filter_sets(&scope, "app", &contradictory).is_empty());
    }

    #[test]
    fn wildcard_values_are_not_sent_as_patterns() {
        let sets = filter_sets(&scope(&["web*"], &[]), "app", &pairs(&[("az", "a")]));
        assert_eq!(
            rendered(sets),
            vec![vec![("tag:az".into(), vec!["a".into()])]]
        );
    }
}
