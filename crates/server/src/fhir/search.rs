//! Reading a search's parameters against the ones its type declares, and
//! the Bundles searches and histories answer with. A parameter the table
//! does not name, a modifier, a chain or `_has` is refused (400), never
//! ignored: ignoring it would answer a wider question than was asked.

use chrono::{Duration, NaiveDate};
use serde_json::{json, Value};

use super::outcome::FhirError;
use super::table::SearchParam;
use super::wire::FhirRequest;
use crate::error::ServiceError;

/// The parameters of a search, each checked against `declared`: the
/// (name, value) pairs, in the order given.
pub fn parameters(
    params: &[(String, String)],
    declared: &'static [SearchParam],
) -> Result<Vec<(&'static str, String)>, FhirError> {
    let mut read: Vec<(&'static str, String)> = Vec::new();
    for (name, value) in params {
        if name.starts_with("_has") {
            return Err(FhirError::Unsupported(
                "reverse chaining (`_has`) is not supported".into(),
            ));
        }
        if name.contains('.') {
            return Err(FhirError::Unsupported(format!(
                "chained parameters (`{name}`) are not supported"
            )));
        }
        if name.contains(':') {
            return Err(FhirError::Unsupported(format!(
                "modifiers (`{name}`) are not supported"
            )));
        }
        let Some(param) = declared.iter().find(|p| p.name == name) else {
            let known: Vec<&str> = declared.iter().map(|p| p.name).collect();
            return Err(FhirError::Unsupported(if known.is_empty() {
                format!("unknown parameter `{name}`: this interaction takes none")
            } else {
                format!(
                    "unknown search parameter `{name}`; this type is searched by: {}",
                    known.join(", ")
                )
            }));
        };
        // `_lastUpdated` may be given twice, for a window with both ends;
        // every other parameter once.
        if read.iter().any(|(n, _)| *n == param.name) && param.name != "_lastUpdated" {
            return Err(FhirError::Unsupported(format!(
                "`{name}` given more than once; give it once"
            )));
        }
        if value.trim().is_empty() {
            return Err(FhirError::invalid(name, "give a value"));
        }
        read.push((param.name, value.trim().to_owned()));
    }
    Ok(read)
}

/// The page controls every search takes beside its own parameters: how
/// many matches a page holds, and how many to pass over first. A search
/// finds only what the caller may see before it is paged, so `total` and
/// the pages count nothing else.
pub const PAGE_CONTROLS: &[SearchParam] = &[
    SearchParam {
        name: "_count",
        kind: "number",
        documentation: "Matches on a page: 50 unless given, at most 200; 0 for the total alone",
    },
    SearchParam {
        name: "_offset",
        kind: "number",
        documentation: "Matches passed over before the page: 0 unless given (the `next` and \
                        `previous` links carry it)",
    },
];

const DEFAULT_COUNT: usize = 50;
const MAX_COUNT: usize = 200;
/// Far beyond any search's matches (each stops at a few hundred).
const MAX_OFFSET: usize = 100_000;

/// One page of a search's matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub count: usize,
    pub offset: usize,
}

impl Page {
    /// The page `params` ask for, the search's own parameters left aside.
    pub fn asked(params: &[(String, String)]) -> Result<Self, FhirError> {
        let controls: Vec<(String, String)> = params
            .iter()
            .filter(|(name, _)| is_page_control(name))
            .cloned()
            .collect();
        let mut page = Self {
            count: DEFAULT_COUNT,
            offset: 0,
        };
        for (name, value) in parameters(&controls, PAGE_CONTROLS)? {
            let (field, max) = match name {
                "_count" => (&mut page.count, MAX_COUNT),
                _ => (&mut page.offset, MAX_OFFSET),
            };
            *field = value
                .parse::<usize>()
                .ok()
                .filter(|n| *n <= max)
                .ok_or_else(|| FhirError::invalid(name, format!("a whole number up to {max}")))?;
        }
        Ok(page)
    }
}

fn is_page_control(name: &str) -> bool {
    PAGE_CONTROLS.iter().any(|p| p.name == name)
}

/// The type a search is of, as its parameters are read: its name and the
/// parameters its table entry declares. (Handlers name it by those two
/// fields: a reference to the whole table entry from inside a handler it
/// routes to would make the entry's type depend on itself.)
#[derive(Debug, Clone, Copy)]
pub struct Searched {
    pub name: &'static str,
    pub search: &'static [SearchParam],
}

impl Searched {
    pub const fn of(name: &'static str, search: &'static [SearchParam]) -> Self {
        Self { name, search }
    }
}

/// The types about a person, in the order `$everything` lists them.
pub const ABOUT_A_PERSON: [&str; 9] = [
    "CarePlan",
    "Flag",
    "Consent",
    "RelatedPerson",
    "CareTeam",
    "Encounter",
    "ServiceRequest",
    "Task",
    "Communication",
];

/// The parameters that ask for more than the matches, each repeatable.
const INCLUDE: &str = "_include";
const REVINCLUDE: &str = "_revinclude";

fn is_result_parameter(name: &str) -> bool {
    is_page_control(name) || name == INCLUDE || name == REVINCLUDE
}

/// What a search asks to be included beside its matches: the Patient its
/// matches are about (`_include={Type}:patient`, or `:subject`), and, on
/// a Patient search, the resources of other types about the Patient
/// found (`_revinclude={Type}:patient`).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Inclusions {
    pub patient: bool,
    pub about: Vec<&'static str>,
}

impl Inclusions {
    /// The inclusions `params` ask of a search of `def`, each checked
    /// against what `def` offers ([`includes`], [`revincludes`]).
    pub fn asked(params: &[(String, String)], def: Searched) -> Result<Self, FhirError> {
        let mut asked = Self::default();
        for (name, value) in params {
            let offered = match name.as_str() {
                INCLUDE => includes(def),
                REVINCLUDE => revincludes(def),
                _ => continue,
            };
            let value = value.trim();
            if !offered.iter().any(|o| o == value) {
                return Err(FhirError::Unsupported(if offered.is_empty() {
                    format!("a {} search takes no `{name}`", def.name)
                } else {
                    format!(
                        "`{name}={value}` is not offered; a {} search takes: {}",
                        def.name,
                        offered.join(", ")
                    )
                }));
            }
            if name == INCLUDE {
                asked.patient = true;
            } else if let Some(kind) = ABOUT_A_PERSON
                .iter()
                .find(|k| value.split(':').next() == Some(**k))
            {
                if !asked.about.contains(kind) {
                    asked.about.push(kind);
                }
            }
        }
        Ok(asked)
    }
}

/// The `_include` values a search of `def` takes: the Patient, for a type
/// searched by patient.
pub fn includes(def: Searched) -> Vec<String> {
    // Compared by name: a constant's slices need not share one address.
    let by_patient = PATIENT_PARAMS
        .iter()
        .all(|p| def.search.iter().any(|d| d.name == p.name));
    if by_patient {
        vec![
            format!("{}:patient", def.name),
            format!("{}:subject", def.name),
        ]
    } else {
        Vec::new()
    }
}

/// The `_revinclude` values a search of `def` takes: on a Patient search,
/// each type about a person, by its patient.
pub fn revincludes(def: Searched) -> Vec<String> {
    if def.name == "Patient" {
        ABOUT_A_PERSON
            .iter()
            .map(|kind| format!("{kind}:patient"))
            .collect()
    } else {
        Vec::new()
    }
}

/// A search's own parameters, checked against those `def` declares as
/// [`parameters`] checks them, once its page controls and inclusions are
/// known to be well formed.
pub fn search_parameters(
    params: &[(String, String)],
    def: Searched,
) -> Result<Vec<(&'static str, String)>, FhirError> {
    Page::asked(params)?;
    Inclusions::asked(params, def)?;
    let own: Vec<(String, String)> = params
        .iter()
        .filter(|(name, _)| !is_result_parameter(name))
        .cloned()
        .collect();
    parameters(&own, def.search)
}

/// The parameters of an answer that is paged but searches nothing of its
/// own (`$everything`): the page controls, and nothing else.
pub fn paged_only(params: &[(String, String)]) -> Result<(), FhirError> {
    Page::asked(params)?;
    let own: Vec<(String, String)> = params
        .iter()
        .filter(|(name, _)| !is_page_control(name))
        .cloned()
        .collect();
    no_parameters(&own)
}

/// A read, vread or history takes no parameters but `_format`.
pub fn no_parameters(params: &[(String, String)]) -> Result<(), FhirError> {
    parameters(params, &[]).map(|_| ())
}

/// The patient a `patient` or `subject` reference names: `Patient/{id}`,
/// the same on this server's base, or a bare id.
pub fn patient_reference(field: &str, raw: &str, base: &str) -> Result<String, FhirError> {
    let local = raw
        .strip_prefix(base)
        .map_or(raw, |rest| rest.trim_start_matches('/'));
    let id = match local.split_once('/') {
        None => local,
        Some(("Patient", id)) if !id.is_empty() && !id.contains('/') => id,
        Some(_) => {
            return Err(FhirError::invalid(
                field,
                format!("`{raw}` is not a Patient reference: give `Patient/{{id}}`"),
            ))
        }
    };
    Ok(id.to_owned())
}

/// The parameters of a search by the person a resource is about.
pub const PATIENT_PARAMS: &[SearchParam] = &[
    SearchParam {
        name: "patient",
        kind: "reference",
        documentation: "The person: `Patient/{id}`",
    },
    SearchParam {
        name: "subject",
        kind: "reference",
        documentation: "The person, as `patient` (`Patient/{id}`)",
    },
];

/// The first and last day a `date` value asks for: `2026-03-01` that day,
/// `ge`/`gt` from it (or the day after), `le`/`lt` up to it (or the day
/// before). Only whole days.
pub fn days(value: &str) -> Option<(Option<NaiveDate>, Option<NaiveDate>)> {
    let (prefix, day) = match value.get(..2) {
        Some(p @ ("eq" | "ge" | "gt" | "le" | "lt")) => (p, &value[2..]),
        _ => ("eq", value),
    };
    let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?;
    Some(match prefix {
        "ge" => (Some(day), None),
        "gt" => (Some(day + Duration::days(1)), None),
        "le" => (None, Some(day)),
        "lt" => (None, Some(day - Duration::days(1))),
        _ => (Some(day), Some(day)),
    })
}

/// The parameters of a search by the person a resource is about that also
/// narrows by the resource's `status`.
pub const PATIENT_AND_STATUS_PARAMS: &[SearchParam] = &[
    PATIENT_PARAMS[0],
    PATIENT_PARAMS[1],
    SearchParam {
        name: "status",
        kind: "token",
        documentation: "The resource's `status`, or several separated by commas (any of them)",
    },
];

/// [`PATIENT_AND_STATUS_PARAMS`], and `date`: when the resource happened
/// (a contact's start, a message's sending, a referral's, a flag's raising,
/// a consent's recording).
pub const PATIENT_STATUS_AND_DATE_PARAMS: &[SearchParam] = &[
    PATIENT_PARAMS[0],
    PATIENT_PARAMS[1],
    PATIENT_AND_STATUS_PARAMS[2],
    SearchParam {
        name: "date",
        kind: "date",
        documentation: "A day (`2026-03-01`), or from one (`ge2026-03-01`, `gt…`) or up to one \
                        (`le2026-03-31`, `lt…`)",
    },
];

/// [`PATIENT_AND_STATUS_PARAMS`], and `_lastUpdated`: for the types that
/// say when they last changed (the crisis plan).
pub const PATIENT_STATUS_AND_UPDATED_PARAMS: &[SearchParam] = &[
    PATIENT_PARAMS[0],
    PATIENT_PARAMS[1],
    PATIENT_AND_STATUS_PARAMS[2],
    super::updated::LAST_UPDATED,
];

/// [`PATIENT_STATUS_AND_DATE_PARAMS`], and `_lastUpdated` (contacts,
/// consents, referrals, messages).
pub const PATIENT_STATUS_DATE_AND_UPDATED_PARAMS: &[SearchParam] = &[
    PATIENT_PARAMS[0],
    PATIENT_PARAMS[1],
    PATIENT_AND_STATUS_PARAMS[2],
    PATIENT_STATUS_AND_DATE_PARAMS[3],
    super::updated::LAST_UPDATED,
];

/// Where a resource says when it happened, in the types searched by date.
const DATES: [&str; 4] = ["/period/start", "/sent", "/authoredOn", "/dateTime"];

/// `found` narrowed to the days a `date` parameter names, if given (its
/// form checked when the search's parameters were read).
pub fn with_date(request: &FhirRequest, found: Vec<Found>) -> Vec<Found> {
    let Some((from, to)) = request
        .params
        .iter()
        .find(|(name, _)| name == "date")
        .and_then(|(_, value)| days(value.trim()))
    else {
        return found;
    };
    found
        .into_iter()
        .filter(|f| {
            let day = DATES
                .iter()
                .find_map(|path| f.resource.pointer(path).and_then(Value::as_str))
                .and_then(|at| at.get(..10))
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            day.is_some_and(|day| from.is_none_or(|f| day >= f) && to.is_none_or(|t| day <= t))
        })
        .collect()
}

/// `found` narrowed to what changed within each `_lastUpdated` given
/// (their form checked when the search's parameters were read).
pub fn with_last_updated(params: &[(String, String)], found: Vec<Found>) -> Vec<Found> {
    let windows: Vec<super::updated::Window> = params
        .iter()
        .filter(|(name, _)| name == super::updated::LAST_UPDATED.name)
        .filter_map(|(_, value)| super::updated::Window::read(value))
        .collect();
    if windows.is_empty() {
        return found;
    }
    found
        .into_iter()
        .filter(|f| {
            windows
                .iter()
                .all(|w| super::updated::changed_within(&f.resource, *w))
        })
        .collect()
}

/// `found` narrowed to the statuses a `status` parameter names, if given
/// (`active`, or `active,inactive` for either). Only what the caller may
/// see was found, so narrowing it tells nothing more.
pub fn with_status(request: &FhirRequest, found: Vec<Found>) -> Vec<Found> {
    let Some((_, wanted)) = request.params.iter().find(|(name, _)| name == "status") else {
        return found;
    };
    let wanted: Vec<&str> = wanted.split(',').map(str::trim).collect();
    found
        .into_iter()
        .filter(|f| {
            f.resource["status"]
                .as_str()
                .is_some_and(|status| wanted.contains(&status))
        })
        .collect()
}

/// The id of the patient a search by [`PATIENT_PARAMS`] names: one of
/// `patient` and `subject`, or both naming the same person, or for a
/// person's own account naming neither, that person; any other
/// parameter it reads (`status`) is for the caller to apply.
pub fn searched_patient(request: &FhirRequest, def: Searched) -> Result<String, FhirError> {
    let read = search_parameters(&request.params, def)?;
    let mut ids = Vec::new();
    for (name, value) in &read {
        match *name {
            "status" => continue,
            "_lastUpdated" => {
                super::updated::Window::read(value).ok_or_else(|| {
                    FhirError::invalid(
                        name,
                        format!(
                            "`{value}` is not a day or an instant (2026-03-01, \
                             2026-03-01T09:00:00Z), alone or after `ge`, `gt`, `le` or `lt`"
                        ),
                    )
                })?;
                continue;
            }
            "date" => {
                days(value).ok_or_else(|| {
                    FhirError::invalid(
                        name,
                        format!("`{value}` is not a day, or a day after `ge`, `gt`, `le` or `lt`"),
                    )
                })?;
                continue;
            }
            _ => {}
        }
        ids.push(patient_reference(name, value, &request.base)?);
    }
    ids.dedup();
    match ids.as_slice() {
        [one] => Ok(one.clone()),
        // A person's own account searches their own record unless it
        // names one: the record it may see.
        [] => match request.viewer.user.person_id() {
            Some(own) => Ok(own.to_string()),
            None => Err(FhirError::invalid(
                "patient",
                "give the person: `patient=Patient/{id}`",
            )),
        },
        _ => Err(FhirError::invalid(
            "subject",
            "`patient` and `subject` name different people",
        )),
    }
}

/// What a search by patient found: a person the caller may not know of
/// (the service's [`ServiceError::NotFound`]) finds nothing, exactly as no
/// one does.
pub fn found_or_none<T>(found: Result<Vec<T>, ServiceError>) -> Result<Vec<T>, FhirError> {
    match found {
        Ok(all) => Ok(all),
        Err(ServiceError::NotFound) => Ok(Vec::new()),
        Err(other) => Err(other.into()),
    }
}

/// One resource found, with the address it is read at.
#[derive(Debug)]
pub struct Found {
    pub full_url: String,
    pub resource: Value,
}

/// A `searchset` Bundle of the page of `found` the request asks for, with
/// links to the pages either side. No id or timestamp of its own: the
/// answer for a person the caller may not know of must be byte for byte
/// the answer for no one.
pub fn searchset(request: &FhirRequest, found: Vec<Found>) -> Result<Value, FhirError> {
    searchset_including(request, found, Vec::new())
}

/// Whether the page `request` asks for holds any of `total` matches: only
/// then is anything included beside them.
pub fn page_has_matches(request: &FhirRequest, total: usize) -> Result<bool, FhirError> {
    let page = Page::asked(&request.params)?;
    Ok(page.count > 0 && page.offset < total)
}

/// [`searchset`], with `included` (resources the matches refer to, or that
/// refer to them) after the page's matches, marked `include`.
pub fn searchset_including(
    request: &FhirRequest,
    found: Vec<Found>,
    included: Vec<Found>,
) -> Result<Value, FhirError> {
    let page = Page::asked(&request.params)?;
    let total = found.len();
    let mut links = vec![json!({ "relation": "self", "url": request.asked })];
    if page.count > 0 && page.offset > 0 {
        let previous = page.offset.saturating_sub(page.count);
        links.push(
            json!({ "relation": "previous", "url": page_url(request, page.count, previous) }),
        );
    }
    if page.count > 0 && page.offset + page.count < total {
        let next = page.offset + page.count;
        links.push(json!({ "relation": "next", "url": page_url(request, page.count, next) }));
    }
    let mut bundle = json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": links,
    });
    let entry = |f: Found, mode: &str| {
        json!({
            "fullUrl": f.full_url,
            "resource": f.resource,
            "search": { "mode": mode },
        })
    };
    let mut entries: Vec<Value> = found
        .into_iter()
        .skip(page.offset)
        .take(page.count)
        .map(|f| entry(f, "match"))
        .collect();
    if !entries.is_empty() {
        entries.extend(included.into_iter().map(|f| entry(f, "include")));
    }
    if !entries.is_empty() {
        bundle["entry"] = Value::Array(entries);
    }
    Ok(bundle)
}

/// The address of the page of `count` matches from `offset`, asked as the
/// request asked.
fn page_url(request: &FhirRequest, count: usize, offset: usize) -> String {
    let path = request
        .asked
        .split_once('?')
        .map_or(request.asked.as_str(), |(path, _)| path);
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in request.params.iter().filter(|(n, _)| !is_page_control(n)) {
        query.append_pair(name, value);
    }
    query.append_pair("_count", &count.to_string());
    query.append_pair("_offset", &offset.to_string());
    format!("{path}?{}", query.finish())
}

/// One version in a `history` Bundle, and how it came to be.
#[derive(Debug)]
pub struct Version {
    pub found: Found,
    /// The address the version was written at (`CarePlan/{id}`).
    pub url: String,
    pub created: bool,
    pub version_id: String,
    pub last_updated: Option<String>,
}

/// A `history` Bundle, newest version first.
pub fn history(asked: &str, versions: Vec<Version>) -> Value {
    let mut bundle = json!({
        "resourceType": "Bundle",
        "type": "history",
        "total": versions.len(),
        "link": [{ "relation": "self", "url": asked }],
    });
    if !versions.is_empty() {
        bundle["entry"] = versions
            .into_iter()
            .map(|v| {
                let mut response = json!({
                    "status": if v.created { "201 Created" } else { "200 OK" },
                    "etag": format!("W/\"{}\"", v.version_id),
                });
                if let Some(at) = v.last_updated {
                    response["lastModified"] = Value::String(at);
                }
                json!({
                    "fullUrl": v.found.full_url,
                    "resource": v.found.resource,
                    "request": {
                        "method": if v.created { "POST" } else { "PUT" },
                        "url": v.url,
                    },
                    "response": response,
                })
            })
            .collect();
    }
    bundle
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECLARED: &[SearchParam] = &[
        SearchParam {
            name: "patient",
            kind: "reference",
            documentation: "",
        },
        SearchParam {
            name: "subject",
            kind: "reference",
            documentation: "",
        },
    ];

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn declared_parameters_are_read_and_nothing_else_is() {
        let read = parameters(&pairs(&[("patient", "Patient/1")]), DECLARED).unwrap();
        assert_eq!(read, vec![("patient", "Patient/1".to_owned())]);
        for refused in [
            ("name", "x"),
            ("_has:Flag:patient:status", "active"),
            ("patient.identifier", "x"),
            ("patient:missing", "true"),
            ("_count", "10"),
        ] {
            let err = parameters(&pairs(&[refused]), DECLARED).unwrap_err();
            assert!(matches!(err, FhirError::Unsupported(_)), "{refused:?}");
        }
        assert!(parameters(&pairs(&[("patient", "a"), ("patient", "b")]), DECLARED).is_err());
        assert!(no_parameters(&pairs(&[("anything", "x")])).is_err());
    }

    #[test]
    fn a_date_is_a_day_or_a_bound() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert_eq!(
            days("2026-03-01"),
            Some((day("2026-03-01"), day("2026-03-01")))
        );
        assert_eq!(days("ge2026-03-01"), Some((day("2026-03-01"), None)));
        assert_eq!(days("gt2026-03-01"), Some((day("2026-03-02"), None)));
        assert_eq!(days("le2026-03-31"), Some((None, day("2026-03-31"))));
        assert_eq!(days("lt2026-03-31"), Some((None, day("2026-03-30"))));
        for bad in [
            "2026-03",
            "sa2026-03-01",
            "ge",
            "yesterday",
            "2026-03-01T10:00",
        ] {
            assert_eq!(days(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_page_is_read_apart_from_the_search_and_bounded() {
        let asked = |list: &[(&str, &str)]| Page::asked(&pairs(list));
        assert_eq!(
            asked(&[("patient", "Patient/1")]).unwrap(),
            Page {
                count: 50,
                offset: 0
            }
        );
        assert_eq!(
            asked(&[("_count", "0"), ("_offset", "400")]).unwrap(),
            Page {
                count: 0,
                offset: 400
            }
        );
        for wrong in [
            ("_count", "201"),
            ("_count", "-1"),
            ("_count", "ten"),
            ("_offset", "100001"),
        ] {
            assert!(asked(&[wrong]).is_err(), "{wrong:?}");
        }
        assert!(asked(&[("_count", "1"), ("_count", "2")]).is_err());
        let def = Searched::of("Flag", PATIENT_PARAMS);
        let own = search_parameters(&pairs(&[("_count", "5"), ("patient", "a")]), def);
        assert_eq!(own.unwrap(), vec![("patient", "a".to_owned())]);
        assert!(search_parameters(&pairs(&[("_count", "x"), ("patient", "a")]), def).is_err());
        let included = pairs(&[("_include", "Flag:patient"), ("_include", "Flag:subject")]);
        assert_eq!(
            Inclusions::asked(&included, def).unwrap(),
            Inclusions {
                patient: true,
                about: Vec::new()
            }
        );
        for refused in [
            ("_include", "CarePlan:patient"),
            ("_revinclude", "Flag:patient"),
        ] {
            assert!(
                Inclusions::asked(&pairs(&[refused]), def).is_err(),
                "{refused:?}"
            );
        }
    }

    #[test]
    fn patient_references_read_in_every_spelling() {
        let base = "http://h/fhir";
        for raw in ["Patient/abc", "abc", "http://h/fhir/Patient/abc"] {
            assert_eq!(patient_reference("patient", raw, base).unwrap(), "abc");
        }
        for raw in ["Group/abc", "Patient/", "Patient/a/b"] {
            assert!(patient_reference("patient", raw, base).is_err(), "{raw}");
        }
    }
}
