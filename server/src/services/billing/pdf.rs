//! A bill as PDF: the utility's header, the account and period, the readings, every charge
//! line, adjustments and the total, in the reader's language. Text is set in Noto Sans SC
//! (a GB 2312 subset shipped in `server/assets/fonts`, SIL OFL 1.1), of which krilla embeds
//! only the glyphs the bill uses, with a ToUnicode map so the text can be searched and
//! copied.

use std::sync::{Arc, OnceLock};

use krilla::Document;
use krilla::geom::{PathBuilder, Point};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use shared::Locale;
use shared::api::billing::BillDetail;
use shared::i18n::billing::{bill_status, line as line_label, unit};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use crate::services::{Fail, Outcome};

/// The font, compiled in: the server needs no font installed.
const FONT: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-GB2312.otf");

/// A4 in points.
const PAGE: (f32, f32) = (595.28, 841.89);
const LEFT: f32 = 48.0;
const RIGHT: f32 = 547.0;
/// Where a page's content must end, leaving room for the footer.
const BOTTOM: f32 = 790.0;

struct BillFont {
    data: Arc<Vec<u8>>,
    font: Font,
}

fn font() -> Option<&'static BillFont> {
    static LOADED: OnceLock<Option<BillFont>> = OnceLock::new();
    LOADED
        .get_or_init(|| {
            let data = Arc::new(FONT.to_vec());
            let font = Font::new(data.clone().into(), 0)?;
            Some(BillFont { data, font })
        })
        .as_ref()
}

impl BillFont {
    /// The advance of a text in points (without kerning: for right-aligned figures).
    fn width(&self, text: &str, size: f32) -> f32 {
        let Ok(face) = FontRef::from_index(self.data.as_slice(), 0) else { return 0.0 };
        let charmap = face.charmap();
        let metrics = face.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars().filter_map(|c| charmap.map(c)).filter_map(|g| metrics.advance_width(g)).sum()
    }
}

/// Pages being written, with a cursor.
struct Writer<'a> {
    font: &'a BillFont,
    y: f32,
}

impl Writer<'_> {
    fn text(&self, surface: &mut Surface<'_>, x: f32, size: f32, text: &str) {
        surface.draw_text(Point::from_xy(x, self.y), self.font.font.clone(), size, text, false, TextDirection::Auto);
    }

    fn right(&self, surface: &mut Surface<'_>, right: f32, size: f32, text: &str) {
        self.text(surface, right - self.font.width(text, size), size, text);
    }

    fn rule(&self, surface: &mut Surface<'_>, width: f32) {
        let mut path = PathBuilder::new();
        path.move_to(LEFT, self.y);
        path.line_to(RIGHT, self.y);
        let Some(path) = path.finish() else { return };
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke { width, ..Default::default() }));
        surface.draw_path(&path);
        // Text after the rule is filled, not outlined.
        surface.set_stroke(None);
        surface.set_fill(Some(Fill::default()));
    }
}

/// One row of the charges table: item, days, quantity, unit price, amount.
type Row = [String; 5];

/// Renders a bill.
pub fn render(bill: &BillDetail, locale: Locale) -> Outcome<Vec<u8>> {
    let font = font().ok_or_else(|| Fail::Internal(anyhow::anyhow!("the bill font does not load")))?;
    let t = locale.messages().bills;
    let s = &bill.summary;
    let tariff = if locale == Locale::Zh { &bill.tariff_name_zh } else { &bill.tariff_name_en };
    let facts = [
        (t.account, s.account_no.clone()),
        (t.holder, bill.holder_name.clone()),
        (t.address, bill.supply_address.clone()),
        (t.tariff, tariff.clone()),
        (t.col_days, format!("{} – {}", s.period_from, s.period_to)),
        (t.col_energy, s.energy_kwh.normalize().to_string()),
        (t.col_due, s.due_on.to_string()),
        (t.col_status, bill_status(locale, s.status).to_owned()),
    ];
    let readings: Vec<String> = bill
        .metering
        .meters
        .iter()
        .map(|m| match (m.start, m.end, m.intervals) {
            (_, _, Some((found, expected))) => {
                format!("{} ×{}: {} ({found}/{expected})", m.meter_no, m.multiplier, t.interval_meter)
            }
            (Some((d1, v1)), Some((d2, v2)), None) => {
                let estimated = if m.estimated { format!(" ({})", t.estimated) } else { String::new() };
                format!("{} ×{}: {v1} ({d1}) → {v2} ({d2}){estimated}", m.meter_no, m.multiplier)
            }
            _ => m.meter_no.clone(),
        })
        .collect();
    let mut rows: Vec<Row> = bill
        .lines
        .charges
        .iter()
        .map(|l| {
            [
                line_label(locale, &l.kind),
                format!("{}–{}", l.from.format("%m-%d"), l.to.format("%m-%d")),
                format!("{} {}", l.quantity.normalize(), unit(locale, &l.kind)),
                l.unit_price.normalize().to_string(),
                format!("{:.2}", l.amount.yuan()),
            ]
        })
        .collect();
    rows.extend(bill.lines.adjustments.iter().map(|a| {
        [
            format!("{}: {}", t.adjustments_heading, a.reason),
            String::new(),
            String::new(),
            String::new(),
            format!("{:.2}", a.amount.yuan()),
        ]
    }));

    let mut document = Document::new();
    let mut rows = rows.into_iter().peekable();
    let mut page_number = 1;
    loop {
        let settings =
            PageSettings::from_wh(PAGE.0, PAGE.1).ok_or_else(|| Fail::Internal(anyhow::anyhow!("page size")))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let mut w = Writer { font, y: 64.0 };
        w.text(&mut surface, LEFT, 18.0, t.utility_name);
        w.right(&mut surface, RIGHT, 11.0, &format!("{} {}  No. {}", t.bill_title, s.period, s.id));
        w.y += 10.0;
        w.rule(&mut surface, 1.2);
        if page_number == 1 {
            w.y += 22.0;
            for (label, value) in &facts {
                w.text(&mut surface, LEFT, 10.0, label);
                w.text(&mut surface, LEFT + 90.0, 10.0, value);
                w.y += 16.0;
            }
            if let Some(note) = &bill.credit_note {
                w.text(&mut surface, LEFT, 10.0, &format!("{}: {} ({})", t.credited, note.amount, note.reason));
                w.y += 16.0;
            }
            w.y += 8.0;
            w.text(&mut surface, LEFT, 11.0, t.readings_heading);
            w.y += 16.0;
            for reading in &readings {
                w.text(&mut surface, LEFT, 9.5, reading);
                w.y += 14.0;
            }
            w.y += 10.0;
        } else {
            w.y += 26.0;
        }
        w.text(&mut surface, LEFT, 11.0, t.lines_heading);
        w.y += 18.0;
        let columns = [LEFT, 270.0, 360.0, 455.0];
        w.text(&mut surface, columns[0], 9.0, t.col_item);
        w.text(&mut surface, columns[1], 9.0, t.col_span);
        w.right(&mut surface, columns[3] - 10.0, 9.0, t.col_quantity);
        w.right(&mut surface, 500.0, 9.0, t.col_price);
        w.right(&mut surface, RIGHT, 9.0, t.col_amount);
        w.y += 6.0;
        w.rule(&mut surface, 0.5);
        while w.y < BOTTOM - 60.0 {
            let Some(row) = rows.next() else { break };
            w.y += 16.0;
            w.text(&mut surface, columns[0], 9.5, &row[0]);
            w.text(&mut surface, columns[1], 9.5, &row[1]);
            w.right(&mut surface, columns[3] - 10.0, 9.5, &row[2]);
            w.right(&mut surface, 500.0, 9.5, &row[3]);
            w.right(&mut surface, RIGHT, 9.5, &row[4]);
        }
        let last = rows.peek().is_none();
        if last {
            w.y += 8.0;
            w.rule(&mut surface, 0.5);
            w.y += 20.0;
            w.text(&mut surface, LEFT, 12.0, t.total);
            w.right(&mut surface, RIGHT, 14.0, &s.total.to_string());
        }
        w.y = BOTTOM + 20.0;
        w.text(&mut surface, LEFT, 8.0, t.pdf_footer);
        w.right(&mut surface, RIGHT, 8.0, &format!("{page_number}"));
        surface.finish();
        page.finish();
        if last {
            break;
        }
        page_number += 1;
    }
    document.finish().map_err(|e| Fail::Internal(anyhow::anyhow!("PDF: {e:?}")))
}
