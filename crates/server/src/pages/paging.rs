//! Long lists a page at a time: which page was asked for, and the controls
//! to move between pages. A list narrowed by a search (a name) pages with
//! buttons of a form sent by POST, so that the search goes along and never
//! into an address; a list with nothing to carry pages with plain links.

/// Rows on one page of a list.
pub const ROWS: u32 = 25;

/// The page asked for, counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    page: u32,
}

impl Paging {
    /// From a form's or a query's `page`: anything but a page number is
    /// the first page.
    pub fn parse(raw: Option<&str>) -> Self {
        let page = raw
            .and_then(|r| r.trim().parse::<u32>().ok())
            .filter(|p| (1..=100_000).contains(p))
            .unwrap_or(1);
        Self { page }
    }

    pub fn offset(self) -> u32 {
        (self.page - 1) * ROWS
    }

    pub fn limit(self) -> u32 {
        ROWS
    }
}

/// The controls under a page of a list.
#[derive(Debug, Clone)]
pub struct Pager {
    /// Where the controls send the form, or link to.
    pub action: &'static str,
    /// The page's parameter (`page`, or a list's own on a page of two).
    pub param: &'static str,
    /// Fields sent along with the page asked for (a search); none for links.
    pub kept: Vec<(&'static str, String)>,
    /// The rows shown, counted from 1 over the whole list.
    pub first: usize,
    pub last: usize,
    pub previous: Option<u32>,
    pub next: Option<u32>,
}

impl Pager {
    pub fn new(
        action: &'static str,
        kept: Vec<(&'static str, String)>,
        paging: Paging,
        shown: usize,
        more: bool,
    ) -> Self {
        let first = paging.offset() as usize + 1;
        Self {
            action,
            param: "page",
            kept,
            first,
            last: first + shown.saturating_sub(1),
            previous: (paging.page > 1).then(|| paging.page - 1),
            next: more.then_some(paging.page + 1),
        }
    }

    /// The same controls naming the page by `param` (for one of two lists
    /// on a page).
    #[must_use]
    pub fn named(mut self, param: &'static str) -> Self {
        self.param = param;
        self
    }

    /// Whether there is more than one page (else no controls are shown).
    pub fn needed(&self) -> bool {
        self.previous.is_some() || self.next.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_read_from_what_was_sent_and_counts_its_rows() {
        assert_eq!(Paging::parse(None).offset(), 0);
        assert_eq!(Paging::parse(Some("x")).offset(), 0);
        assert_eq!(Paging::parse(Some("0")).offset(), 0);
        let third = Paging::parse(Some(" 3 "));
        assert_eq!(third.offset(), 2 * ROWS);
        let pager = Pager::new("/list", Vec::new(), third, 7, false);
        assert_eq!((pager.first, pager.last), (51, 57));
        assert_eq!((pager.previous, pager.next), (Some(2), None));
        assert!(pager.needed());
        let only = Pager::new("/list", Vec::new(), Paging::parse(None), 3, false);
        assert!(!only.needed());
        assert_eq!(
            Pager::new("/list", Vec::new(), Paging::parse(None), 25, true).next,
            Some(2)
        );
    }
}
