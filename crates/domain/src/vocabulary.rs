//! What the closed vocabularies (organisation kinds, roles, purposes, data
//! categories, relationships) have in common: looking up a wire string in the
//! list of variants, and listing the accepted strings in an error. Each
//! vocabulary still spells out its own strings in a plain `match`; this module
//! only keeps the lookup rule in one place.

/// The variant of `all` whose `name` is exactly `input`. Matching is exact
/// (no trimming, no case folding): these strings are written by Concordat
/// itself into storage and JSON, so a near-miss is a bug to surface.
pub(crate) fn lookup<T: Copy>(all: &[T], name: fn(T) -> &'static str, input: &str) -> Option<T> {
    all.iter().copied().find(|&variant| name(variant) == input)
}

/// "a, b, c": the accepted strings, for error messages.
pub(crate) fn expected<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> String {
    all.iter()
        .map(|&variant| name(variant))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Declares a closed vocabulary: the enum, its wire strings and labels,
/// `ALL`, `parse` with an error naming the accepted strings, and the serde
/// conversions. The older vocabularies spell these out by hand; new ones use
/// this so the rule stays written once.
macro_rules! closed_vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident, error $error:ident = $what:literal {
            $($(#[$vmeta:meta])* $variant:ident = $wire:literal, $label:literal;)+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
        #[error(
            "`{input}` is not {}; expected one of: {}",
            $what,
            $crate::vocabulary::expected(&$name::ALL, $name::as_str)
        )]
        pub struct $error {
            input: String,
        }

        impl $name {
            pub const ALL: [Self; [$($wire),+].len()] = [$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $wire,)+
                }
            }

            /// In words for the pages.
            pub fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)+
                }
            }

            pub fn parse(input: &str) -> Result<Self, $error> {
                $crate::vocabulary::lookup(&Self::ALL, Self::as_str, input)
                    .ok_or_else(|| $error { input: input.to_owned() })
            }
        }

        impl TryFrom<String> for $name {
            type Error = $error;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$name> for &'static str {
            fn from(value: $name) -> Self {
                value.as_str()
            }
        }

        $crate::vocabulary::schema!($name);
    };
}
pub(crate) use closed_vocabulary;

/// The OpenAPI schema of a value written as one of `all`'s names: a
/// string limited to them.
pub fn enum_schema<T: Copy>(
    all: &[T],
    name: fn(T) -> &'static str,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(all.iter().map(|&variant| name(variant))))
        .into()
}

/// Describes a vocabulary (`ALL` and `as_str`, serialised as its name) in
/// the OpenAPI document, from the same list that parses it.
macro_rules! schema {
    ($name:ident) => {
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::vocabulary::enum_schema(&Self::ALL, Self::as_str)
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}
pub(crate) use schema;

/// Describes a checked text (serialised as its string) in the OpenAPI
/// document: a string, whose rules are the type's to check.
macro_rules! text_schema {
    ($name:ident) => {
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::Type::String)
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}
pub(crate) use text_schema;

/// Checks shared by every vocabulary's tests, so each rule is tested the same
/// way everywhere.
#[cfg(test)]
pub(crate) mod testing {
    use std::fmt::Debug;

    use serde::de::DeserializeOwned;
    use serde::Serialize;

    /// Names are unique lowercase kebab-case (or a code list's short
    /// uppercase codes), parse back to their variant,
    /// serialise as themselves, and every variant has a label.
    pub(crate) fn assert_well_formed<T, E>(
        all: &[T],
        name: fn(T) -> &'static str,
        parse: fn(&str) -> Result<T, E>,
        label: fn(T) -> &'static str,
    ) where
        T: Copy + Eq + Debug + Serialize + DeserializeOwned,
        E: Debug,
    {
        let mut seen = std::collections::HashSet::new();
        for &variant in all {
            let n = name(variant);
            assert!(seen.insert(n), "{n} is used twice");
            let kebab = !n.is_empty()
                && !n.starts_with('-')
                && !n.ends_with('-')
                && !n.contains("--")
                && n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            // A national code list's own codes (the NHS ethnic category's
            // `A`…`Z`) are kept as that list writes them.
            let code = (1..=3).contains(&n.len())
                && n.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
            assert!(kebab || code, "{n} is neither kebab-case nor a short code");
            assert_eq!(parse(n).unwrap(), variant);
            let other_case = if code {
                n.to_lowercase()
            } else {
                n.to_uppercase()
            };
            assert!(parse(&other_case).is_err(), "matching must be exact");
            assert!(parse(&format!(" {n}")).is_err(), "matching must be exact");
            assert!(!label(variant).is_empty());
            let json = serde_json::to_string(&variant).unwrap();
            assert_eq!(json, format!("\"{n}\""));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), variant);
        }
        assert!(serde_json::from_str::<T>("\"no-such-thing\"").is_err());
    }

    /// `parse` accepts `input` exactly when it is one of the names.
    pub(crate) fn parse_accepts_only_names<T: Copy + Eq + Debug, E>(
        all: &[T],
        name: fn(T) -> &'static str,
        parse: fn(&str) -> Result<T, E>,
        input: &str,
    ) -> bool {
        let expected = all.iter().copied().find(|&v| name(v) == input);
        parse(input).ok() == expected
    }
}
