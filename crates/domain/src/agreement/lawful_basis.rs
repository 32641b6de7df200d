//! The lawful basis an agreement rests on, as an information governance lead
//! writes it: the UK GDPR Article 6 basis, the Article 9 condition for health
//! data, and the Data Protection Act 2018 Schedule 1 paragraph that meets it.
//! Kept as checked text: the conditions are cited, not computed.

use serde::{Deserialize, Serialize};

use crate::text::{bounded, TextError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LawfulBasis {
    /// e.g. "Article 6(1)(e) public task".
    article_6: String,
    /// e.g. "Article 9(2)(h) health or social care".
    article_9: String,
    /// e.g. "Schedule 1 Part 1 paragraph 2 (health or social care purposes)".
    dpa_schedule_1: String,
}

impl LawfulBasis {
    pub fn new(article_6: &str, article_9: &str, dpa_schedule_1: &str) -> Result<Self, TextError> {
        Ok(Self {
            article_6: bounded("article_6", article_6, 200)?,
            article_9: bounded("article_9", article_9, 200)?,
            dpa_schedule_1: bounded("dpa_schedule_1", dpa_schedule_1, 200)?,
        })
    }

    pub fn article_6(&self) -> &str {
        &self.article_6
    }
    pub fn article_9(&self) -> &str {
        &self.article_9
    }
    pub fn dpa_schedule_1(&self) -> &str {
        &self.dpa_schedule_1
    }
}
