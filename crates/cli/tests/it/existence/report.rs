//! The report: what one call on an existing target answered beside the
//! answer for no one, grouped by route, what existed, the two statuses,
//! the headers that differ and whether the store changed, in the table's
//! order, with examples of the bodies.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::probes::probes;
use super::routes::Probe;
use super::world::{Kind, Target};

/// Headers that differ from one request to the next whatever is asked: the
/// time, and the request's id (random, of the server's making, whoever
/// and whatever is asked about).
pub const PER_REQUEST_HEADERS: [&str; 2] = ["date", "x-request-id"];

/// An answer, with each id of the target it was about replaced by a
/// placeholder (`{person}`, `{nhs}`, …) so that answers about different
/// targets compare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    pub async fn of(response: reqwest::Response, target: &Target) -> Self {
        let placeholders = target.placeholders();
        let clean = |text: &str| {
            placeholders.iter().fold(text.to_owned(), |t, (id, name)| {
                t.replace(id.as_str(), name)
            })
        };
        let status = response.status().as_u16();
        let mut headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter(|(name, _)| !PER_REQUEST_HEADERS.contains(&name.as_str()))
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    clean(&String::from_utf8_lossy(value.as_bytes())),
                )
            })
            .collect();
        headers.sort();
        let body = clean(&response.text().await.expect("a body"));
        Self {
            status,
            headers,
            body,
        }
    }

    /// Each header that is not the same in `other`.
    fn header_differences(&self, other: &Answer) -> Vec<String> {
        let mut names: Vec<&String> = self
            .headers
            .iter()
            .chain(&other.headers)
            .map(|(n, _)| n)
            .collect();
        names.sort();
        names.dedup();
        let values = |answer: &Answer, name: &str| -> Vec<String> {
            answer
                .headers
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .collect()
        };
        names
            .into_iter()
            .filter_map(|name| {
                let (mine, theirs) = (values(self, name), values(other, name));
                (mine != theirs).then(|| format!("{name}: {mine:?} vs {theirs:?}"))
            })
            .collect()
    }
}

/// One call whose answer differed from the answer for no one (or that
/// changed what is stored).
#[derive(Debug)]
pub struct Leak {
    pub route: String,
    /// What existed: a [`Kind`] of world, or only its person.
    pub which: &'static str,
    pub caller: &'static str,
    /// The token's purpose, or the purpose a page was asked for (`""`:
    /// none given).
    pub purpose: &'static str,
    pub exists: Answer,
    pub absent: Answer,
    /// What the call on the existing target changed in the store.
    pub changed: Vec<String>,
}

impl Leak {
    /// The comparison in full, leak or not (for `EXISTENCE_TRACE`).
    pub fn trace(&self) -> String {
        format!(
            "{} [{}] {} {}: {} {}\n  absent: {} {}",
            self.route,
            self.which,
            self.caller,
            purpose_label(self.purpose),
            self.exists.status,
            self.exists.body,
            self.absent.status,
            self.absent.body
        )
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub leaks: Vec<Leak>,
    /// Comparisons not made, by why: who was not compared, and on what.
    pub skipped: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>,
    pub compared: usize,
    pub worlds: usize,
}

/// The two bodies whole when short, else around where they first differ.
fn excerpts(a: &str, b: &str) -> (String, String) {
    const WHOLE: usize = 600;
    const BEFORE: usize = 160;
    const AFTER: usize = 440;
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let (a, b) = (squash(a), squash(b));
    if a.chars().count() <= WHOLE && b.chars().count() <= WHOLE {
        return (a, b);
    }
    let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let first = ac.iter().zip(&bc).take_while(|(x, y)| x == y).count();
    let window = |cs: &[char]| {
        let start = first.saturating_sub(BEFORE);
        let end = (first + AFTER).min(cs.len());
        let text: String = cs[start.min(end)..end].iter().collect();
        format!("…{text}…")
    };
    (window(&ac), window(&bc))
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.leaks.is_empty()
    }

    /// What was probed, and who was not and why.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "existence sweep: {} comparisons, {} differences, {} worlds made\n",
            self.compared,
            self.leaks.len(),
            self.worlds
        );
        for (why, (who, what)) in &self.skipped {
            let join = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(", ");
            out.push_str(&format!(
                "  not compared ({why}): {}\n    on: {}\n",
                join(who),
                join(what)
            ));
        }
        out
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One group per route, what existed, the two statuses, which
        // headers differ and whether the store changed; in table order.
        type Key = (String, &'static str, u16, u16, Vec<String>, bool);
        let mut groups: Vec<(Key, Vec<&Leak>)> = Vec::new();
        for leak in &self.leaks {
            let header_names = leak
                .exists
                .header_differences(&leak.absent)
                .iter()
                .map(|d| d.split(':').next().unwrap_or_default().to_owned())
                .collect();
            let key = (
                leak.route.clone(),
                leak.which,
                leak.exists.status,
                leak.absent.status,
                header_names,
                !leak.changed.is_empty(),
            );
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, members)) => members.push(leak),
                None => groups.push((key, vec![leak])),
            }
        }
        let table: Vec<String> = probes().iter().map(Probe::route).collect();
        groups.sort_by_key(|((route, which, exists, absent, _, changed), _)| {
            (
                table.iter().position(|r| r == route),
                Kind::ALL
                    .iter()
                    .position(|k| k.label() == *which)
                    .unwrap_or(Kind::ALL.len()),
                !changed,
                *exists,
                *absent,
            )
        });
        writeln!(
            f,
            "{} answers tell \"exists but not yours\" from \"does not exist\", in {} groups \
             (each: the route, what existed, the status when it exists vs when it does not):",
            self.leaks.len(),
            groups.len()
        )?;
        for (i, ((route, which, exists, absent, headers, changed), members)) in
            groups.iter().enumerate()
        {
            writeln!(f, "\n{}. {route} [{which}]: {exists} vs {absent}", i + 1)?;
            let first = members[0];
            if !headers.is_empty() {
                writeln!(
                    f,
                    "   headers differ: {}",
                    first.exists.header_differences(&first.absent).join("; ")
                )?;
            }
            if *changed {
                writeln!(
                    f,
                    "   THE CALL ON THE EXISTING TARGET CHANGED THE STORE, e.g. {} {}: {}",
                    first.caller,
                    purpose_label(first.purpose),
                    first.changed.join(", ")
                )?;
            }
            let mut by_purpose: Vec<(&str, Vec<&str>)> = Vec::new();
            for leak in members {
                match by_purpose.iter_mut().find(|(p, _)| *p == leak.purpose) {
                    Some((_, callers)) => callers.push(leak.caller),
                    None => by_purpose.push((leak.purpose, vec![leak.caller])),
                }
            }
            for (purpose, callers) in by_purpose {
                writeln!(f, "   {}: {}", purpose_label(purpose), callers.join(", "))?;
            }
            // An example per purpose (the wording differs by purpose more
            // than by caller), at most three.
            let mut shown: Vec<&str> = Vec::new();
            for leak in members {
                if leak.exists.body == leak.absent.body
                    || shown.contains(&leak.purpose)
                    || shown.len() == 3
                {
                    continue;
                }
                shown.push(leak.purpose);
                let (exists, absent) = excerpts(&leak.exists.body, &leak.absent.body);
                writeln!(
                    f,
                    "   e.g. {} {}:\n     exists: {exists}\n     absent: {absent}",
                    leak.caller,
                    purpose_label(leak.purpose)
                )?;
            }
            let mut bodies: Vec<_> = members
                .iter()
                .map(|l| (&l.exists.body, &l.absent.body))
                .collect();
            bodies.sort();
            bodies.dedup();
            if bodies.len() > shown.len() {
                writeln!(f, "   ({} distinct pairs of bodies in all)", bodies.len())?;
            }
        }
        writeln!(
            f,
            "\n(EXISTENCE_TRACE=TEXT prints every comparison whose route contains TEXT.)"
        )
    }
}

pub fn purpose_label(purpose: &str) -> &str {
    if purpose.is_empty() {
        "(page, no purpose given)"
    } else {
        purpose
    }
}
