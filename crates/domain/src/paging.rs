//! Paging of long lists, the same for pages and the API.

use serde::Serialize;

/// A page request: which page (from 1) and how many items on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    page: u32,
    per_page: u32,
}

impl PageRequest {
    pub const DEFAULT_PER_PAGE: u32 = 25;
    pub const MAX_PER_PAGE: u32 = 200;

    /// Builds a request from what a client sent, clamping to sensible bounds: page 0 or none is
    /// page 1, and a page size of 0 or over the maximum is brought inside it.
    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Self {
        let page = page.unwrap_or(1).max(1);
        let per_page = per_page.unwrap_or(Self::DEFAULT_PER_PAGE).clamp(1, Self::MAX_PER_PAGE);
        Self { page, per_page }
    }

    pub fn page(&self) -> u32 {
        self.page
    }

    pub fn per_page(&self) -> u32 {
        self.per_page
    }

    /// Rows to skip before this page.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(None, None)
    }
}

/// One page of results with the total, so that a client can show "page 2 of 40".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, request: PageRequest, total: u64) -> Self {
        Self { items, page: request.page(), per_page: request.per_page(), total }
    }

    pub fn page_count(&self) -> u32 {
        let pages = self.total.div_ceil(u64::from(self.per_page.max(1)));
        u32::try_from(pages.max(1)).unwrap_or(u32::MAX)
    }

    pub fn has_previous(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.page_count()
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            per_page: self.per_page,
            total: self.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn page_zero_is_the_first_page() {
        assert_eq!(PageRequest::new(Some(0), None).page(), 1);
        assert_eq!(PageRequest::new(Some(0), None).offset(), 0);
    }

    #[test]
    fn page_counts_round_up() {
        let page: Page<()> = Page::new(vec![], PageRequest::new(Some(1), Some(10)), 21);
        assert_eq!(page.page_count(), 3);
        assert!(page.has_next());
        assert!(!page.has_previous());
    }

    proptest! {
        #[test]
        fn any_request_is_inside_bounds(page in proptest::option::of(any::<u32>()), per in proptest::option::of(any::<u32>())) {
            let r = PageRequest::new(page, per);
            prop_assert!(r.page() >= 1);
            prop_assert!((1..=PageRequest::MAX_PER_PAGE).contains(&r.per_page()));
        }
    }
}
