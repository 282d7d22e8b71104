//! The portfolio as a PDF, made here with no external program: a title page, a page of summary
//! figures with their bars, then every entry with its full reflection.
//!
//! Text is set in DejaVu Sans, embedded (subset) from the `dejavu` crate, so names in any Latin,
//! Greek or Cyrillic script print as written and no system font is needed; krilla writes the
//! text with a Unicode map, so it can be searched and copied. Laying out is separate from
//! drawing: [`layout`] turns a portfolio into pages of positioned lines and boxes (tested on its
//! own: nothing is lost or falls off a page), and [`render`] draws those pages.

use std::sync::OnceLock;

use domain::learning::LearningKind;
use domain::portfolio::{hours, say_date, say_minutes};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::{DateTime, Metadata};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph, TextDirection};
use krilla::Document;
use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, MetadataProvider};

use crate::api::portfolio::Portfolio;

/// A4, in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 56.0;
const RIGHT: f32 = PAGE_W - 56.0;
const TOP: f32 = 60.0;
/// The lowest a line of the body may reach; the footer sits below it.
const BOTTOM: f32 = PAGE_H - 64.0;
const WIDTH: f32 = RIGHT - LEFT;

/// NHS identity colours.
const BLUE: (u8, u8, u8) = (0x00, 0x5e, 0xb8);
const GREY: (u8, u8, u8) = (0x76, 0x86, 0x92);
const TEXT: (u8, u8, u8) = (0x21, 0x2b, 0x32);
const SECONDARY: (u8, u8, u8) = (0x4c, 0x62, 0x72);
const RULE: (u8, u8, u8) = (0xd8, 0xdd, 0xe0);

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// One of the two faces used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

/// A face ready to draw with, and its glyphs and advances for measuring and placing text.
struct Loaded {
    font: Font,
    data: &'static [u8],
    /// The glyph and advance width (in ems) of the first code points, looked up once.
    common: Vec<(u32, f32)>,
}

const COMMON: u32 = 0x0600;

impl Loaded {
    fn new(data: &'static [u8]) -> Self {
        let font = Font::new(data.into(), 0).expect("the DejaVu font shipped in its crate is valid");
        let face = FontRef::new(data).expect("the DejaVu font shipped in its crate is valid");
        let common = (0..COMMON).map(|c| char::from_u32(c).map_or((0, 0.0), |ch| glyph(&face, ch))).collect();
        Self { font, data, common }
    }

    /// Each character's glyph and advance.
    fn glyphs<'a>(&'a self, text: &'a str) -> impl Iterator<Item = (u32, f32)> + 'a {
        let mut face: Option<FontRef<'static>> = None;
        text.chars().map(move |ch| match self.common.get(ch as usize) {
            Some(g) => *g,
            None => glyph(
                face.get_or_insert_with(|| {
                    FontRef::new(self.data).expect("the DejaVu font shipped in its crate is valid")
                }),
                ch,
            ),
        })
    }

    /// The width of `text` at `size` points: the sum of its advances, as it is drawn.
    fn width(&self, text: &str, size: f32) -> f32 {
        self.glyphs(text).map(|(_, w)| w).sum::<f32>() * size
    }
}

/// A character's glyph in the face and its advance in ems (the missing glyph where it has none).
fn glyph(face: &FontRef<'_>, ch: char) -> (u32, f32) {
    let upem = f32::from(face.head().map(|h| h.units_per_em()).unwrap_or(1000).max(1));
    let gid = face.charmap().map(ch).unwrap_or_default();
    let advance = face.glyph_metrics(Size::unscaled(), LocationRef::default()).advance_width(gid).unwrap_or(0.0);
    (gid.to_u32(), advance / upem)
}

/// Scripts whose letters join or reorder, and combining marks: these lines are shaped in full.
/// Everything else (Latin, Greek, Cyrillic and the like) is one glyph per character, which is
/// much faster for a document of thousands of lines.
fn needs_shaping(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{0300}'..='\u{036F}' | '\u{0590}'..='\u{08FF}' | '\u{0900}'..='\u{0DFF}' | '\u{FB1D}'..='\u{FEFF}')
            || c > '\u{FFFF}'
    })
}

struct Fonts {
    regular: Loaded,
    bold: Loaded,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts {
        regular: Loaded::new(dejavu::sans::regular()),
        bold: Loaded::new(dejavu::sans::bold()),
    })
}

impl Fonts {
    fn face(&self, face: Face) -> &Loaded {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }
}

/// Something drawn on a page, placed from the page's top left corner.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// A line of text; `y` is its baseline.
    Text { x: f32, y: f32, size: f32, face: Face, colour: (u8, u8, u8), text: String },
    /// A filled box.
    Box { x: f32, y: f32, w: f32, h: f32, colour: (u8, u8, u8) },
}

/// Pages being filled from top to bottom.
struct Flow<'f> {
    fonts: &'f Fonts,
    pages: Vec<Vec<Mark>>,
    /// The top of the next thing to place.
    y: f32,
}

impl<'f> Flow<'f> {
    fn new(fonts: &'f Fonts) -> Self {
        Self { fonts, pages: vec![Vec::new()], y: TOP }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `height` more fits on this one.
    fn room_for(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    fn mark(&mut self, m: Mark) {
        self.pages.last_mut().expect("a flow always has a page").push(m);
    }

    fn gap(&mut self, h: f32) {
        self.y += h;
    }

    /// One line of text that is known to fit the width.
    fn line(&mut self, text: &str, size: f32, face: Face, colour: (u8, u8, u8), indent: f32) {
        let height = size * 1.4;
        self.room_for(height);
        let text = text.to_owned();
        self.mark(Mark::Text { x: LEFT + indent, y: self.y + size, size, face, colour, text });
        self.y += height;
    }

    /// Text of any length, wrapped to the width and flowing on to new pages as it needs.
    fn para(&mut self, text: &str, size: f32, face: Face, colour: (u8, u8, u8), indent: f32) {
        for line in wrap(self.fonts.face(face), text, size, WIDTH - indent) {
            self.line(&line, size, face, colour, indent);
        }
    }

    fn heading(&mut self, text: &str, size: f32) {
        // Keep a heading with at least three lines of what follows it.
        self.room_for(size * 1.4 + 3.0 * 14.0);
        self.para(text, size, Face::Bold, TEXT, 0.0);
        self.gap(4.0);
    }

    fn rule(&mut self) {
        self.room_for(10.0);
        self.mark(Mark::Box { x: LEFT, y: self.y + 4.0, w: WIDTH, h: 0.75, colour: RULE });
        self.gap(12.0);
    }

    /// A labelled horizontal bar: `share` of the full width (0 to 1), the figure written after it.
    fn bar(&mut self, share: f64, colour: (u8, u8, u8), figure: &str, indent: f32) {
        let h = 12.0;
        self.room_for(h + 6.0);
        let full = WIDTH - indent - 150.0;
        let w = (share.clamp(0.0, 1.0) as f32 * full).max(if share > 0.0 { 1.0 } else { 0.0 });
        let x = LEFT + indent;
        self.mark(Mark::Box { x, y: self.y, w, h, colour });
        let text = figure.to_owned();
        self.mark(Mark::Text { x: x + w + 6.0, y: self.y + 9.5, size: 9.0, face: Face::Regular, colour: TEXT, text });
        self.y += h + 6.0;
    }
}

/// Breaks `text` into lines no wider than `width`: at spaces where it can, inside a word only
/// when one word is wider than the line. Line breaks in the text are kept; nothing is dropped
/// but the spaces where lines break.
fn wrap(face: &Loaded, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let para = para.trim_end_matches('\r').replace('\t', "    ");
        let mut line = String::new();
        let mut line_w = 0.0;
        let space = face.width(" ", size);
        for word in para.split(' ').filter(|w| !w.is_empty()) {
            let w = face.width(word, size);
            if !line.is_empty() && line_w + space + w <= width {
                line.push(' ');
                line.push_str(word);
                line_w += space + w;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if w <= width {
                line.push_str(word);
                line_w = w;
            } else {
                // A word wider than a line: break it between characters.
                let mut piece = String::new();
                let mut piece_w = 0.0;
                for (ch, (_, advance)) in word.chars().zip(face.glyphs(word)) {
                    let cw = advance * size;
                    if !piece.is_empty() && piece_w + cw > width {
                        lines.push(std::mem::take(&mut piece));
                        piece_w = 0.0;
                    }
                    piece.push(ch);
                    piece_w += cw;
                }
                line_w = piece_w;
                line = piece;
            }
        }
        lines.push(line);
    }
    lines
}

fn kind_share(p: &Portfolio, kind: LearningKind) -> (f64, u64, u8) {
    p.summary
        .balance
        .shares
        .iter()
        .find(|s| s.kind == kind)
        .map_or((0.0, 0, kind.model_percent()), |s| (s.percent, s.minutes, s.model_percent))
}

/// Lays the portfolio out in pages of marks, before any footer.
pub fn layout(p: &Portfolio) -> Vec<Vec<Mark>> {
    let fonts = fonts();
    let mut f = Flow::new(fonts);
    let s = &p.summary;

    // Title page.
    f.gap(120.0);
    f.para("Learning portfolio", 30.0, Face::Bold, BLUE, 0.0);
    f.gap(18.0);
    f.para(&p.name, 22.0, Face::Bold, TEXT, 0.0);
    f.gap(10.0);
    f.para(p.organisation.as_deref().unwrap_or("No current organisation"), 14.0, Face::Regular, TEXT, 0.0);
    f.gap(30.0);
    f.para(&format!("Period: {}", p.period.describe()), 12.0, Face::Regular, TEXT, 0.0);
    f.para(&format!("Made on {}", say_date(p.made_on)), 12.0, Face::Regular, TEXT, 0.0);
    f.para(
        &format!("{} entries, {} hours of learning", s.entries, hours(s.total_minutes)),
        12.0,
        Face::Regular,
        TEXT,
        0.0,
    );
    f.gap(40.0);
    f.para(
        "This is the learner's own record of their development, kept in goldthread. Each entry is in their own \
         words: what they did, what they learned and how they will use it in practice. It stays theirs when they \
         change employer.",
        10.0,
        Face::Regular,
        SECONDARY,
        0.0,
    );

    // Summary figures and their bars.
    f.new_page();
    f.heading("Summary", 20.0);
    let span = match (s.first, s.last) {
        (Some(a), Some(b)) => format!("{} to {}", say_date(a), say_date(b)),
        _ => "No entries".to_owned(),
    };
    for (k, v) in [
        ("Entries", s.entries.to_string()),
        ("Time recorded", format!("{} hours", hours(s.total_minutes))),
        ("Dates of the entries", span),
    ] {
        f.para(&format!("{k}: {v}"), 11.0, Face::Regular, TEXT, 0.0);
    }
    f.gap(14.0);
    f.heading("The 70:20:10 balance", 14.0);
    f.para(
        "The share of learning time of each kind (blue) beside what the 70:20:10 model expects (grey).",
        10.0,
        Face::Regular,
        SECONDARY,
        0.0,
    );
    f.gap(6.0);
    for kind in LearningKind::ALL {
        let (percent, minutes, model) = kind_share(p, *kind);
        f.room_for(60.0);
        f.para(kind.label(), 11.0, Face::Bold, TEXT, 0.0);
        f.bar(percent / 100.0, BLUE, &format!("{percent:.0}% ({} hours)", hours(minutes)), 0.0);
        f.bar(f64::from(model) / 100.0, GREY, &format!("{model}% in the model"), 0.0);
        f.gap(4.0);
    }
    if !s.by_year.is_empty() {
        f.gap(10.0);
        f.heading("Hours by year", 14.0);
        let most = s.by_year.iter().map(|y| y.1).max().unwrap_or(1).max(1);
        for (year, minutes) in &s.by_year {
            f.room_for(32.0);
            f.para(&year.to_string(), 10.0, Face::Bold, TEXT, 0.0);
            f.bar(*minutes as f64 / most as f64, BLUE, &format!("{} hours", hours(*minutes)), 0.0);
        }
    }
    if !s.behaviours.is_empty() {
        f.gap(10.0);
        f.heading("Behaviours developed", 14.0);
        for (b, n) in s.behaviours.iter().take(20) {
            f.para(&format!("{b}: {n} {}", if *n == 1 { "entry" } else { "entries" }), 10.0, Face::Regular, TEXT, 0.0);
        }
    }

    // Every entry.
    f.new_page();
    f.heading(&format!("Entries ({})", p.entries.len()), 20.0);
    if p.entries.is_empty() {
        f.para("There are no entries in this period.", 11.0, Face::Regular, TEXT, 0.0);
    }
    for e in &p.entries {
        let x = &e.fields;
        f.room_for(90.0);
        f.para(x.title.as_str(), 13.0, Face::Bold, TEXT, 0.0);
        f.para(
            &format!(
                "{} · {} · {} · {}",
                say_date(x.occurred_on),
                x.activity.label(),
                x.kind.label(),
                say_minutes(x.time.get())
            ),
            9.5,
            Face::Regular,
            SECONDARY,
            0.0,
        );
        if let Some(org) = &e.organisation {
            f.para(&format!("Employer at the time: {org}"), 9.5, Face::Regular, SECONDARY, 0.0);
        }
        f.gap(4.0);
        f.para("What I learned", 10.0, Face::Bold, TEXT, 0.0);
        f.para(x.reflection.learned(), 10.0, Face::Regular, TEXT, 0.0);
        if let Some(apply) = x.reflection.apply() {
            f.gap(3.0);
            f.para("How I will use it in practice", 10.0, Face::Bold, TEXT, 0.0);
            f.para(apply, 10.0, Face::Regular, TEXT, 0.0);
        }
        if !x.behaviours.is_empty() {
            f.gap(3.0);
            f.para(&format!("Behaviours: {}", x.behaviours.join(", ")), 10.0, Face::Regular, TEXT, 0.0);
        }
        f.rule();
    }
    f.pages
}

fn draw_line(surface: &mut Surface<'_>, face: &Loaded, at: Point, size: f32, text: &str) {
    if needs_shaping(text) {
        surface.draw_text(at, face.font.clone(), size, text, false, TextDirection::Auto);
        return;
    }
    let glyphs: Vec<KrillaGlyph> = text
        .char_indices()
        .zip(face.glyphs(text))
        .map(|((i, ch), (gid, advance))| {
            KrillaGlyph::new(GlyphId::new(gid), advance, 0.0, 0.0, 0.0, i..i + ch.len_utf8(), None)
        })
        .collect();
    surface.draw_glyphs(at, &glyphs, face.font.clone(), text, size, false);
}

fn fill(colour: (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

/// Makes the portfolio's PDF.
pub fn render(p: &Portfolio) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts();
    let pages = layout(p);
    let total = pages.len();
    let mut doc = Document::new();
    let footer_left = format!("{} · Learning portfolio · {}", p.name, p.period.describe());
    for (i, marks) in pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| PdfError::Write("page size".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        let number = format!("Page {} of {total}", i + 1);
        let number_w = fonts.regular.width(&number, 8.0);
        let left =
            wrap(&fonts.regular, &footer_left, 8.0, WIDTH - number_w - 24.0).into_iter().next().unwrap_or_default();
        let footer = [
            Mark::Text { x: LEFT, y: PAGE_H - 36.0, size: 8.0, face: Face::Regular, colour: SECONDARY, text: left },
            Mark::Text {
                x: RIGHT - number_w,
                y: PAGE_H - 36.0,
                size: 8.0,
                face: Face::Regular,
                colour: SECONDARY,
                text: number,
            },
        ];
        for mark in marks.iter().chain(footer.iter()) {
            match mark {
                Mark::Text { x, y, size, face, colour, text } => {
                    if text.is_empty() {
                        continue;
                    }
                    surface.set_fill(Some(fill(*colour)));
                    draw_line(&mut surface, fonts.face(*face), Point::from_xy(*x, *y), *size, text);
                }
                Mark::Box { x, y, w, h, colour } => {
                    let Some(rect) = Rect::from_xywh(*x, *y, w.max(0.01), *h) else { continue };
                    let mut pb = PathBuilder::new();
                    pb.push_rect(rect);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(Some(fill(*colour)));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    let date = p.made_on;
    let made = DateTime::new(u16::try_from(date.year()).unwrap_or(2000))
        .month(u8::try_from(date.month()).unwrap_or(1))
        .day(u8::try_from(date.day()).unwrap_or(1));
    doc.set_metadata(
        Metadata::new()
            .title(format!("Learning portfolio: {}", p.name))
            .authors(vec![p.name.clone()])
            .creator("goldthread".to_owned())
            .language("en-GB".to_owned())
            .creation_date(made),
    );
    doc.finish().map_err(|e| PdfError::Write(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_fit_and_keep_every_word() {
        let face = &fonts().regular;
        let text = "Zoë Ødegård and Siobhán led the huddle. ".repeat(40)
            + "\n\nA second paragraph with a supercalifragilisticexpialidociouslylongwordthatcannotfitonanylineatallwhatsoeverwhichevertheway.";
        let lines = wrap(face, &text, 10.0, 200.0);
        assert!(lines.iter().all(|l| face.width(l, 10.0) <= 200.0 + 0.01), "{lines:?}");
        let words = |s: &str| s.split_whitespace().collect::<String>();
        assert_eq!(words(&lines.concat()), words(&text));
        assert!(lines.iter().any(String::is_empty), "the blank line between paragraphs is kept");
    }

    fn portfolio(entries: usize) -> Portfolio {
        use domain::ids::{EntryId, PersonId};
        use domain::learning::{Activity, Reflection, TimeSpent, Title};
        use domain::portfolio::{EntryFigures, Period, PortfolioSummary};
        use store::learning::{Entry, EntryFields};
        let person = PersonId::from_uuid(uuid::Uuid::from_u128(1));
        let at = jiff::Timestamp::from_second(1_780_000_000).expect("a valid time");
        let entries: Vec<Entry> = (0..entries)
            .map(|n| Entry {
                id: EntryId::from_uuid(uuid::Uuid::from_u128(n as u128 + 10)),
                person,
                fields: EntryFields {
                    title: Title::parse(&format!("Łukasz Wójcik and Ελένη shadowed the ward manager, day {n}"))
                        .expect("a valid title"),
                    activity: Activity::Shadowing,
                    kind: LearningKind::ALL[n % 3],
                    occurred_on: jiff::civil::Date::constant(2026, 3, 1),
                    time: TimeSpent::minutes(45).expect("a valid time"),
                    reflection: Reflection::new(
                        &format!("word{n}x ").repeat(40 + 90 * (n % 4)),
                        "Σε ομάδα. Across the team, with Siobhán.\nAnd a second line.",
                    )
                    .expect("a valid reflection"),
                    behaviours: vec!["compassion".to_owned()],
                    resource: None,
                },
                hidden: false,
                organisation: Some("Riverside Council".to_owned()),
                has_evidence: false,
                created_at: at,
                updated_at: at,
            })
            .collect();
        let summary = PortfolioSummary::of(entries.iter().map(|e| EntryFigures {
            on: e.fields.occurred_on,
            kind: e.fields.kind,
            minutes: e.fields.time.get(),
            behaviours: &e.fields.behaviours,
        }));
        Portfolio {
            person,
            name: "Zoë Ødegård".to_owned(),
            organisation: Some("Riverside Council".to_owned()),
            period: Period::ALL,
            made_on: jiff::civil::Date::constant(2026, 3, 2),
            summary,
            entries,
        }
    }

    #[test]
    fn every_line_of_every_entry_is_placed_inside_a_page_in_order() {
        let p = portfolio(60);
        let pages = layout(&p);
        assert!(pages.len() > 10, "long reflections run over many pages");
        let mut text = String::new();
        for marks in &pages {
            for m in marks {
                if let Mark::Text { x, y, size, face, text: t, .. } = m {
                    assert!(*y - size >= TOP - 0.01 && *y <= BOTTOM, "{t} at {y} is inside the page");
                    assert!(x + fonts().face(*face).width(t, *size) <= RIGHT + 0.01, "{t} fits the width");
                    text.push_str(t);
                    text.push(' ');
                }
            }
        }
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut at = 0;
        for e in &p.entries {
            for expected in
                e.fields.title.as_str().split_whitespace().chain(e.fields.reflection.learned().split_whitespace())
            {
                let found = words[at..].iter().position(|w| *w == expected);
                assert!(found.is_some(), "{expected} of {} is printed, in order", e.fields.title);
                at += found.unwrap_or(0) + 1;
            }
        }
    }

    #[test]
    fn any_script_renders_to_a_pdf() {
        let mut p = portfolio(2);
        p.name = "مريم حداد · Łukasz Wójcik · Ελένη · Мария · Siobhán · e\u{301}".to_owned();
        assert!(needs_shaping(&p.name) && !needs_shaping("Zoë Ødegård, Ελένη, Мария"));
        let pdf = render(&p).expect("the PDF is written");
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn accented_letters_are_measured_like_their_plain_ones() {
        let face = &fonts().regular;
        assert!(face.width("Zoë", 10.0) > 0.0);
        assert!((face.width("é", 10.0) - face.width("e", 10.0)).abs() < 0.01);
        assert!(face.width("Ł", 10.0) > 0.0, "Latin Extended-A is in the font");
    }
}
