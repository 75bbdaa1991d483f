//! Result tables as one Excel workbook (`.xlsx`), for the education leads
//! who read a study's results in a spreadsheet rather than in R or Python.
//!
//! The workbook opens on an "About" sheet that names every table and says
//! in plain English what it shows; each table follows on its own sheet,
//! its header row bold, frozen and filterable, its columns sized to their
//! contents. Numbers are written as numbers, so they sort and sum.
//!
//! This crate is *not* the analysis and needs no polars: it takes finished
//! [`strand_table::Table`]s (so the binary, or a later report stage, can
//! write a workbook without building polars) and returns the file's bytes;
//! it writes no files. The same tables give byte-identical workbooks: the
//! document's creation date is fixed (see [`CREATED`]) rather than now.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};
use strand_table::{Table, Value};

/// The creation date written into every workbook's properties. A real
/// date would make two runs on the same data differ; the date the format
/// was settled on says nothing false about the data.
pub const CREATED: (u16, u8, u8) = (2026, 11, 23);

/// Excel's limits: rows per sheet (the header takes one), characters per
/// cell, characters per sheet name.
pub const MAX_ROWS: usize = 1_048_575;
pub const MAX_CELL_CHARS: usize = 32_767;
const MAX_SHEET_NAME: usize = 31;
/// The widest a column is made, in characters; longer text is still all
/// there, the reader widens the column or reads it in the formula bar.
const MAX_WIDTH: usize = 80;

/// One table and what it shows, for the About sheet.
#[derive(Debug, Clone, Copy)]
pub struct Sheet<'a> {
    pub table: &'a Table,
    pub about: &'a str,
}

/// Why a workbook could not be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot make the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("two tables would share the sheet name `{0}`")]
    DuplicateSheet(String),
}

/// The workbook's bytes: an About sheet headed `title` with `notes` (one
/// paragraph each) and a line per sheet, then one sheet per table in the
/// order given, named after the table.
pub fn workbook(title: &str, notes: &[&str], sheets: &[Sheet<'_>]) -> Result<Vec<u8>, Error> {
    let mut book = Workbook::new();
    let (y, m, d) = CREATED;
    book.set_properties(
        &DocProperties::new()
            .set_title(title)
            .set_creation_datetime(&ExcelDateTime::from_ymd(y, m, d)?),
    );
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();

    let mut names: Vec<String> = Vec::new();
    for s in sheets {
        let name = sheet_name(&s.table.name);
        if names.contains(&name) || name.eq_ignore_ascii_case("About") {
            return Err(Error::DuplicateSheet(name));
        }
        names.push(name);
    }

    let about = book.add_worksheet();
    about.set_name("About")?;
    about.write_string_with_format(0, 0, title, &Format::new().set_bold().set_font_size(14))?;
    let mut row = 2;
    for note in notes {
        about.merge_range(row, 0, row, 2, note, &wrap)?;
        // Excel fits a row to wrapped text, but not in merged cells: give
        // the row a line (15 points) per ~130 characters, the merged width.
        let lines = note.chars().count().div_ceil(130).max(1);
        about.set_row_height(row, 15.0 * lines as f64)?;
        row += 1;
    }
    row += 1;
    for (c, h) in ["Sheet", "What it shows", "Rows"].iter().enumerate() {
        about.write_string_with_format(row, c as u16, *h, &bold)?;
    }
    for (s, name) in sheets.iter().zip(&names) {
        row += 1;
        about.write_string(row, 0, name)?;
        let mut text = s.about.to_string();
        if s.table.rows.len() > MAX_ROWS {
            text.push_str(&format!(
                " (This sheet holds the first {MAX_ROWS} of its {} rows, all Excel allows; the CSV and Parquet files hold them all.)",
                s.table.rows.len()
            ));
        }
        about.write_string_with_format(row, 1, text, &wrap)?;
        about.write_number(row, 2, s.table.rows.len() as f64)?;
    }
    about.set_column_width(0, 26)?;
    about.set_column_width(1, 100)?;
    about.set_column_width(2, 10)?;

    for (s, name) in sheets.iter().zip(&names) {
        // Tables are written a row at a time, so each sheet keeps one row
        // in memory and the rest in a temporary file; strings still go to
        // the shared string table, so the file is as small as a standard
        // one. A framework matrix of 10,000 interviews held whole took
        // hundreds of megabytes here.
        let sheet = book.add_worksheet_with_low_memory();
        sheet.set_name(name)?;
        write_table(sheet, s.table, &bold)?;
    }
    Ok(book.save_to_buffer()?)
}

fn write_table(sheet: &mut Worksheet, table: &Table, bold: &Format) -> Result<(), Error> {
    let mut widths: Vec<usize> = table.columns.iter().map(|c| c.chars().count()).collect();
    for (c, name) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, name, bold)?;
    }
    for (r, row) in table.rows.iter().take(MAX_ROWS).enumerate() {
        let r = (r + 1) as u32;
        for (c, value) in row.iter().enumerate() {
            let col = c as u16;
            match value {
                Value::Int(i) => {
                    sheet.write_number(r, col, *i as f64)?;
                }
                Value::Float(x) => {
                    sheet.write_number(r, col, *x)?;
                }
                Value::Text(s) => {
                    let s = truncate(s);
                    widths[c] = widths[c].max(s.chars().count());
                    sheet.write_string(r, col, s)?;
                }
                Value::Empty => {}
            }
            if !matches!(value, Value::Text(_) | Value::Empty) {
                widths[c] = widths[c].max(value.to_string().len());
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (w + 2).min(MAX_WIDTH) as f64)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    if !table.columns.is_empty() {
        let last = table.rows.len().min(MAX_ROWS) as u32;
        sheet.autofilter(0, 0, last, (table.columns.len() - 1) as u16)?;
    }
    Ok(())
}

/// At most [`MAX_CELL_CHARS`] characters: Excel refuses longer cells.
fn truncate(s: &str) -> &str {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A table name as a sheet name: Excel's forbidden characters replaced,
/// at most 31 characters.
pub fn sheet_name(table: &str) -> String {
    let cleaned: String = table
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let cleaned = cleaned.trim_matches('\'');
    let name: String = cleaned.chars().take(MAX_SHEET_NAME).collect();
    if name.is_empty() {
        "table".into()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx};

    use super::*;

    fn tables() -> (Table, Table) {
        let mut a = Table::new("prevalence", &["theme", "cases", "pct", "note"]);
        a.push(vec![
            "barriers".into(),
            3usize.into(),
            42.5.into(),
            Value::Empty,
        ])
        .unwrap();
        a.push(vec![
            "say \"hi\" <b>".into(),
            0usize.into(),
            0.0.into(),
            "x".into(),
        ])
        .unwrap();
        let b = Table::new("a:very/long[table]name_that_goes_on_and_on", &["x"]);
        (a, b)
    }

    fn book() -> Vec<u8> {
        let (a, b) = tables();
        workbook(
            "Study results",
            &["Made up."],
            &[
                Sheet {
                    table: &a,
                    about: "Cases per theme.",
                },
                Sheet {
                    table: &b,
                    about: "Nothing.",
                },
            ],
        )
        .unwrap()
    }

    #[test]
    fn same_tables_give_the_same_bytes() {
        assert_eq!(book(), book());
        // Not merely because both ran within the same second: the
        // creation date is the fixed one.
        let mut zip = zip::ZipArchive::new(Cursor::new(book())).unwrap();
        let mut core = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("docProps/core.xml").unwrap(), &mut core)
            .unwrap();
        assert!(core.contains("2026-11-23T00:00:00Z"), "{core}");
    }

    #[test]
    fn cells_read_back_as_written() {
        let mut x: Xlsx<_> = Xlsx::new(Cursor::new(book())).unwrap();
        assert_eq!(
            x.sheet_names(),
            ["About", "prevalence", "a_very_long_table_name_that_goe"]
        );
        let about = x.worksheet_range("About").unwrap();
        assert_eq!(
            about.get_value((0, 0)),
            Some(&Data::String("Study results".into()))
        );
        assert_eq!(
            about.get_value((2, 0)),
            Some(&Data::String("Made up.".into()))
        );
        assert_eq!(
            about.get_value((4, 1)),
            Some(&Data::String("What it shows".into()))
        );
        assert_eq!(
            about.get_value((5, 0)),
            Some(&Data::String("prevalence".into()))
        );
        assert_eq!(
            about.get_value((5, 1)),
            Some(&Data::String("Cases per theme.".into()))
        );
        assert_eq!(about.get_value((5, 2)), Some(&Data::Float(2.0)));
        let p = x.worksheet_range("prevalence").unwrap();
        assert_eq!(p.get_value((0, 2)), Some(&Data::String("pct".into())));
        assert_eq!(p.get_value((1, 1)), Some(&Data::Float(3.0)));
        assert_eq!(p.get_value((1, 2)), Some(&Data::Float(42.5)));
        assert!(matches!(p.get_value((1, 3)), None | Some(Data::Empty)));
        assert_eq!(
            p.get_value((2, 0)),
            Some(&Data::String("say \"hi\" <b>".into()))
        );
    }

    #[test]
    fn long_cells_are_cut_to_excels_limit() {
        let long = "é".repeat(MAX_CELL_CHARS + 10);
        assert_eq!(truncate(&long).chars().count(), MAX_CELL_CHARS);
        assert_eq!(truncate("short"), "short");
    }

    #[test]
    fn sheet_names_must_differ() {
        let (a, _) = tables();
        let err = workbook(
            "t",
            &[],
            &[
                Sheet {
                    table: &a,
                    about: "",
                },
                Sheet {
                    table: &a,
                    about: "",
                },
            ],
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "two tables would share the sheet name `prevalence`"
        );
    }
}
