//! The view models behind the shared templates: a layout, form fields, tables and summary lists.
//! Pages fill these in; the templates render them with escaping on.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use domain::paging::Page;

use crate::auth::csrf::CsrfToken;
use crate::auth::CurrentUser;

#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

#[derive(Debug, Clone)]
pub struct Link {
    pub href: String,
    pub label: String,
}

impl Link {
    pub fn new(href: impl Into<String>, label: impl Into<String>) -> Self {
        Self { href: href.into(), label: label.into() }
    }
}

/// What the base template needs on every page.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub csrf: String,
    pub user_name: Option<String>,
    pub nav: Vec<NavItem>,
    pub back: Option<Link>,
    pub banner: Option<String>,
    pub error_prefix: bool,
}

impl Layout {
    /// A layout for `user` (or nobody), with navigation by role and `path` marked current.
    pub fn new(title: impl Into<String>, csrf: &CsrfToken, user: Option<&CurrentUser>, path: &str) -> Self {
        let nav = user.map_or_else(Vec::new, |u| navigation(u, path));
        Self {
            title: title.into(),
            csrf: csrf.0.clone(),
            user_name: user.map(|u| u.person.name.as_str().to_owned()),
            nav,
            back: None,
            banner: None,
            error_prefix: false,
        }
    }

    pub fn with_back(mut self, href: impl Into<String>, label: impl Into<String>) -> Self {
        self.back = Some(Link::new(href, label));
        self
    }

    pub fn with_banner(mut self, banner: Option<String>) -> Self {
        self.banner = banner;
        self
    }
}

fn navigation(user: &CurrentUser, path: &str) -> Vec<NavItem> {
    let mut items = vec![
        ("/", "Home"),
        ("/dashboard", "My development"),
        ("/record", "My record"),
        ("/plan", "My plan"),
        ("/learning", "Find learning"),
        ("/hub", "Knowledge hub"),
        ("/profile", "My profile"),
    ];
    if user.viewer.has_reports {
        items.push(("/team", "My team"));
    }
    if user.viewer.is_any_admin() {
        items.extend([("/organisations", "Organisations"), ("/people", "People"), ("/admin/import", "Import")]);
    }
    items
        .into_iter()
        .map(|(href, label)| NavItem {
            href,
            label,
            current: if href == "/" { path == "/" } else { path.starts_with(href) },
        })
        .collect()
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One form field. `kind` is an input type (text, email, password, search, date) or one of
/// `select`, `radios`, `file`, `hidden`.
#[derive(Debug, Clone)]
pub struct Field {
    pub id: String,
    pub name: String,
    pub label: String,
    pub hint: Option<String>,
    pub value: String,
    pub error: Option<String>,
    pub kind: &'static str,
    pub autocomplete: Option<&'static str>,
    /// For a file field: the types the picker offers (the server checks the content anyway).
    pub accept: Option<&'static str>,
    pub options: Vec<Choice>,
}

impl Field {
    pub fn new(name: &str, label: &str, kind: &'static str) -> Self {
        Self {
            id: name.replace('_', "-"),
            name: name.to_owned(),
            label: label.to_owned(),
            hint: None,
            value: String::new(),
            error: None,
            kind,
            autocomplete: None,
            accept: None,
            options: Vec::new(),
        }
    }
    pub fn text(name: &str, label: &str) -> Self {
        Self::new(name, label, "text")
    }
    pub fn value(mut self, v: impl Into<String>) -> Self {
        self.value = v.into();
        self
    }
    pub fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }
    pub fn accept(mut self, a: &'static str) -> Self {
        self.accept = Some(a);
        self
    }
    pub fn autocomplete(mut self, a: &'static str) -> Self {
        self.autocomplete = Some(a);
        self
    }
    /// Options for a select or radios; the one whose value equals the field's value is chosen.
    pub fn options(mut self, options: impl IntoIterator<Item = (String, String)>) -> Self {
        let value = self.value.clone();
        self.options = options.into_iter().map(|(v, l)| Choice { selected: v == value, value: v, label: l }).collect();
        self
    }
}

/// An error for the summary at the top of a page, linking to its field.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Puts each error next to its field and returns the list for the summary.
pub fn attach_errors(fields: &mut [Field], errors: &[(String, String)]) -> Vec<FieldError> {
    for (name, message) in errors {
        if let Some(f) = fields.iter_mut().find(|f| &f.name == name) {
            if f.error.is_none() {
                f.error = Some(message.clone());
            }
        }
    }
    errors
        .iter()
        .map(|(name, message)| FieldError {
            field: fields.iter().find(|f| &f.name == name).map_or_else(String::new, |f| f.id.clone()),
            message: message.clone(),
        })
        .collect()
}

/// A small form with one button (sign out, approve, revoke...).
#[derive(Debug, Clone)]
pub struct ButtonForm {
    pub action: String,
    pub label: String,
    pub hidden: Vec<(String, String)>,
    pub secondary: bool,
}

#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
}

impl Cell {
    pub fn text(t: impl Into<String>) -> Self {
        Self { text: t.into(), href: None }
    }
    pub fn link(t: impl Into<String>, href: impl Into<String>) -> Self {
        Self { text: t.into(), href: Some(href.into()) }
    }
}

#[derive(Debug, Clone)]
pub struct Pagination {
    pub page: u32,
    pub pages: u32,
    pub total: u64,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl Pagination {
    /// Links to the neighbouring pages of `page`, keeping the search `query`.
    pub fn of<T>(page: &Page<T>, base: &str, query: Option<&str>) -> Option<Self> {
        if page.page_count() <= 1 {
            return None;
        }
        let q = query.filter(|q| !q.is_empty()).map(|q| format!("&q={}", urlencode(q))).unwrap_or_default();
        let link = |n: u32| format!("{base}?page={n}{q}");
        Some(Self {
            page: page.page,
            pages: page.page_count(),
            total: page.total,
            previous: page.has_previous().then(|| link(page.page - 1)),
            next: page.has_next().then(|| link(page.page + 1)),
        })
    }
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|v| v.trim_start_matches('=').to_owned()).unwrap_or_default()
}

#[derive(Debug, Clone)]
pub struct SearchBox {
    pub action: String,
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct SummaryRow {
    pub key: String,
    pub value: String,
    pub href: Option<String>,
}

impl SummaryRow {
    pub fn new(key: &str, value: impl Into<String>) -> Self {
        Self { key: key.to_owned(), value: value.into(), href: None }
    }
    pub fn optional(key: &str, value: Option<impl ToString>) -> Self {
        Self::new(key, value.map_or_else(|| "Not given".to_owned(), |v| v.to_string()))
    }
    pub fn link(key: &str, value: impl Into<String>, href: impl Into<String>) -> Self {
        Self { key: key.to_owned(), value: value.into(), href: Some(href.into()) }
    }
}

#[derive(Debug, Clone)]
pub struct Section {
    pub heading: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub empty: String,
}

#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage {
    pub layout: Layout,
    pub caption: Option<String>,
    pub intro: Vec<String>,
    pub action: String,
    pub multipart: bool,
    pub fields: Vec<Field>,
    pub submit: String,
    pub errors: Vec<FieldError>,
    pub error_title: String,
    pub links: Vec<Link>,
}

impl FormPage {
    pub fn new(layout: Layout, action: impl Into<String>, fields: Vec<Field>, submit: &str) -> Self {
        Self {
            layout,
            caption: None,
            intro: Vec::new(),
            action: action.into(),
            multipart: false,
            fields,
            submit: submit.to_owned(),
            errors: Vec::new(),
            error_title: "There is a problem".to_owned(),
            links: Vec::new(),
        }
    }

    /// Shows `errors` (field name, message) beside their fields and in the summary.
    pub fn with_errors(mut self, errors: &[(String, String)]) -> Self {
        self.errors = attach_errors(&mut self.fields, errors);
        self.layout.error_prefix = !self.errors.is_empty();
        self
    }
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub layout: Layout,
    pub paragraphs: Vec<String>,
    pub buttons: Vec<ButtonForm>,
    pub links: Vec<Link>,
}

#[derive(Template)]
#[template(path = "table.html")]
pub struct TablePage {
    pub layout: Layout,
    pub intro: Vec<String>,
    pub actions: Vec<Link>,
    pub search: Option<SearchBox>,
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub empty: String,
    pub pagination: Option<Pagination>,
}

#[derive(Template)]
#[template(path = "detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub caption: Option<String>,
    pub rows: Vec<SummaryRow>,
    pub actions: Vec<Link>,
    pub sections: Vec<Section>,
    pub buttons: Vec<ButtonForm>,
}

/// Renders a template as an HTML response with `status`.
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "The page could not be shown.").into_response()
        }
    }
}

impl IntoResponse for FormPage {
    fn into_response(self) -> Response {
        let status = if self.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
        render(status, &self)
    }
}

macro_rules! ok_response {
    ($($t:ty),*) => {$(
        impl IntoResponse for $t {
            fn into_response(self) -> Response {
                render(StatusCode::OK, &self)
            }
        }
    )*};
}
ok_response!(MessagePage, TablePage, DetailPage);
