//! The kinds of contact made at the scene, as a form's choices, and for a
//! section 136 detention where the person was taken and how: offered by
//! the crisis look-up and by recording a contact with a person.

use concordat_domain::contact_event::{ContactKind, Conveyance, PlaceOfSafety};

/// One kind of contact as a choice on a form.
pub(crate) struct KindOpt {
    pub value: &'static str,
    pub label: &'static str,
    pub chosen: bool,
}

pub(crate) fn kinds(chosen: &str) -> Vec<KindOpt> {
    ContactKind::AT_THE_SCENE
        .iter()
        .map(|k| KindOpt {
            value: k.as_str(),
            label: k.label(),
            chosen: k.as_str() == chosen,
        })
        .collect()
}

/// A detention's place of safety and conveyance as two lists of choices
/// (the first of each: not a detention, or not said).
pub(crate) struct DetentionOpts {
    pub places: Vec<KindOpt>,
    pub conveyances: Vec<KindOpt>,
}

pub(crate) fn detention_opts(place: &str, conveyed: &str) -> DetentionOpts {
    DetentionOpts {
        places: PlaceOfSafety::ALL
            .iter()
            .map(|p| KindOpt {
                value: p.as_str(),
                label: p.label(),
                chosen: p.as_str() == place,
            })
            .collect(),
        conveyances: Conveyance::ALL
            .iter()
            .map(|c| KindOpt {
                value: c.as_str(),
                label: c.label(),
                chosen: c.as_str() == conveyed,
            })
            .collect(),
    }
}
