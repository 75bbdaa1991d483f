//! The directory of learning opportunities: what the Trusts and others
//! offer support workers, as data the gap analysis can set against what
//! workers say they need.
//!
//! A directory is a folder (the sample is `directory/` at the top of the
//! workspace) holding
//!
//! - `opportunities/*.csv`: one row per opportunity (course, qualification,
//!   apprenticeship, scheme), with its provider, the Trust it is open to or
//!   `external`, delivery, cost and who pays, funding route, entry
//!   requirements, qualification level, target bands, career-pathway step,
//!   KSF dimensions and the codebook themes it addresses;
//! - `themes.csv`: the codebook themes the gap analysis covers, each marked
//!   as a `need`, `barrier` or `aspiration`.
//!
//! This crate reads and checks them the way `strand-codebook` checks a
//! codebook: every problem named by file, line and column (number and
//! header), all problems reported at once. It is *not* the gap analysis
//! (that lives in `strand-analysis`, with polars) and it does not write
//! anything.
//!
//! Why CSV and not TOML like the codebook: the people who keep a directory
//! of courses are education leads, who keep such lists in spreadsheets. A
//! CSV saved from Excel is read as it is (a byte-order mark, `£1,200`,
//! `Band 3` are all understood); a TOML file would be easier to locate
//! errors in, but few of its editors would open it.

mod error;
mod model;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use strand_codebook::Codebook;

pub use error::{Error, Errors, Place, Problem};
pub use model::{
    Band, Cost, Delivery, Funding, GapKind, GapTheme, Ksf, Level, OfferedTo, Opportunity, Origin,
    Payer,
};

/// The folder under a directory that holds opportunity files.
pub const OPPORTUNITIES_DIR: &str = "opportunities";
/// The file under a directory that lists the gap analysis's themes.
pub const THEMES_FILE: &str = "themes.csv";

/// The columns of an opportunity file, in the order a new file should have
/// them, and whether a row must fill them in.
pub const COLUMNS: &[(&str, bool)] = &[
    ("id", true),
    ("title", true),
    ("provider", true),
    ("trust", true),
    ("delivery", true),
    ("location", false),
    ("duration", true),
    ("cost_gbp", true),
    ("who_pays", true),
    ("funding", true),
    ("entry_requirements", false),
    ("level", true),
    ("bands", true),
    ("pathway_step", false),
    ("ksf", false),
    ("themes", true),
    ("notes", false),
];

/// The learning opportunities and the themes they are weighed against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directory {
    /// In id order.
    pub opportunities: Vec<Opportunity>,
    /// In codebook order.
    pub gap_themes: Vec<GapTheme>,
}

impl Directory {
    /// Reads and checks the directory in `dir` against `codebook`: every
    /// theme named must be a code of it.
    pub fn read(dir: &Path, codebook: &Codebook) -> Result<Directory, Errors> {
        let read = |path: &Path| {
            std::fs::read(path).map_err(|source| Error::Read {
                path: path.to_path_buf(),
                source,
            })
        };
        let folder = dir.join(OPPORTUNITIES_DIR);
        let entries = std::fs::read_dir(&folder).map_err(|source| Error::Read {
            path: folder.clone(),
            source,
        })?;
        let mut files: Vec<PathBuf> = Vec::new();
        for entry in entries {
            let path = entry
                .map_err(|source| Error::Read {
                    path: folder.clone(),
                    source,
                })?
                .path();
            if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
            {
                files.push(path);
            }
        }
        // File-name order, so errors and ids come out the same every run.
        files.sort();
        if files.is_empty() {
            return Err(Error::NoOpportunities { dir: folder }.into());
        }
        let mut sources = Vec::new();
        for file in files {
            let bytes = read(&file)?;
            sources.push((file, bytes));
        }
        let themes_path = dir.join(THEMES_FILE);
        let themes = read(&themes_path)?;
        let sources: Vec<(&Path, &[u8])> = sources
            .iter()
            .map(|(p, b)| (p.as_path(), b.as_slice()))
            .collect();
        Directory::parse(&sources, (&themes_path, &themes), codebook)
    }

    /// Checks already-read files: `opportunities` as (path, bytes) pairs,
    /// `themes` likewise. Paths are used only in messages.
    pub fn parse(
        opportunities: &[(&Path, &[u8])],
        themes: (&Path, &[u8]),
        codebook: &Codebook,
    ) -> Result<Directory, Errors> {
        let mut errors = Vec::new();
        let mut all: Vec<Opportunity> = Vec::new();
        for (path, bytes) in opportunities {
            all.extend(read_opportunities(path, bytes, codebook, &mut errors));
        }
        let mut first: BTreeMap<String, String> = BTreeMap::new();
        for o in &all {
            let place = format!("{}:{}", o.origin.file.display(), o.origin.line);
            if let Some(earlier) = first.get(&o.id) {
                errors.push(Error::Invalid {
                    place: Place {
                        file: o.origin.file.clone(),
                        line: o.origin.line,
                        column: Some((1, "id".into())),
                    },
                    problem: Problem::DuplicateId {
                        id: o.id.clone(),
                        first: earlier.clone(),
                    },
                });
            } else {
                first.insert(o.id.clone(), place);
            }
        }
        let gap_themes = read_themes(themes.0, themes.1, codebook, &mut errors);
        if !errors.is_empty() {
            return Err(Errors(errors));
        }
        all.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Directory {
            opportunities: all,
            gap_themes,
        })
    }

    /// Checks that every Trust the directory names is one the cases name
    /// (`known`): a misspelt Trust would silently take its provision out of
    /// the gap analysis and make the gaps look wider than they are.
    pub fn check_trusts(&self, known: &[&str]) -> Result<(), Errors> {
        let mut list: Vec<&str> = known.to_vec();
        list.sort_unstable();
        list.dedup();
        let listed = if list.is_empty() {
            "no Trusts".to_string()
        } else {
            list.iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let errors: Vec<Error> = self
            .opportunities
            .iter()
            .filter_map(|o| match &o.offered_to {
                OfferedTo::Trust(t) if !list.contains(&t.as_str()) => Some(Error::Invalid {
                    place: Place {
                        file: o.origin.file.clone(),
                        line: o.origin.line,
                        column: Some(o.origin.trust_column.clone()),
                    },
                    problem: Problem::UnknownTrust {
                        found: t.clone(),
                        known: listed.clone(),
                    },
                }),
                _ => None,
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Errors(errors))
        }
    }

    /// The opportunities that address `theme` (or one of its sub-themes:
    /// a course on the nursing associate route addresses the Band 4
    /// aspiration as a whole).
    pub fn addressing<'a>(&'a self, theme: &'a str) -> impl Iterator<Item = &'a Opportunity> {
        self.opportunities
            .iter()
            .filter(move |o| o.themes.iter().any(|t| is_within(t, theme)))
    }
}

/// Whether code `id` is `theme` or lies under it.
pub fn is_within(id: &str, theme: &str) -> bool {
    id == theme
        || (id.len() > theme.len() && id.starts_with(theme) && id.as_bytes()[theme.len()] == b'.')
}

/// The rows of a CSV file with its header checked: each row as (line,
/// cells by column name). Problems go to `errors`.
struct Sheet {
    /// Column index per known name.
    columns: BTreeMap<&'static str, usize>,
    rows: Vec<(u64, Vec<String>)>,
}

impl Sheet {
    /// A row's cell under `name`; empty when the file has no such column.
    fn cell<'r>(&self, cells: &'r [String], name: &str) -> &'r str {
        self.columns.get(name).map_or("", |&i| cells[i].as_str())
    }
}

fn read_sheet(
    path: &Path,
    bytes: &[u8],
    spec: &[(&'static str, bool)],
    errors: &mut Vec<Error>,
) -> Option<Sheet> {
    let at = |line: u64, column: Option<(usize, String)>, problem: Problem| Error::Invalid {
        place: Place {
            file: path.to_path_buf(),
            line,
            column,
        },
        problem,
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(bytes);
    let expected = spec.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
    let headers = match reader.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            errors.push(at(1, None, Problem::BadRow(describe_csv(&e))));
            return None;
        }
    };
    let mut columns: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut ok = true;
    for (i, raw) in headers.iter().enumerate() {
        let name = String::from_utf8_lossy(raw).trim().to_ascii_lowercase();
        let column = Some((i + 1, name.clone()));
        match spec.iter().find(|(n, _)| *n == name) {
            Some((n, _)) => {
                if columns.insert(n, i).is_some() {
                    errors.push(at(1, column, Problem::DuplicateColumn { column: name }));
                    ok = false;
                }
            }
            None => {
                errors.push(at(
                    1,
                    column,
                    Problem::UnknownColumn {
                        column: name,
                        expected: expected.clone(),
                    },
                ));
                ok = false;
            }
        }
    }
    // Optional columns may be left out of a file altogether.
    for (name, required) in spec {
        if *required && !columns.contains_key(name) {
            errors.push(at(
                1,
                None,
                Problem::MissingColumn {
                    column: name.to_string(),
                    expected: expected.clone(),
                },
            ));
            ok = false;
        }
    }
    if !ok {
        return None;
    }
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                let mut cells = Vec::with_capacity(record.len());
                let mut utf8 = true;
                for (i, raw) in record.iter().enumerate() {
                    match std::str::from_utf8(raw) {
                        Ok(s) => cells.push(s.to_string()),
                        Err(_) => {
                            let name = String::from_utf8_lossy(&headers[i]).trim().to_string();
                            errors.push(at(
                                line,
                                Some((i + 1, name)),
                                Problem::BadRow(
                                    "this cell is not UTF-8 text; in Excel, save as `CSV UTF-8 (comma delimited)`".into(),
                                ),
                            ));
                            utf8 = false;
                        }
                    }
                }
                // A row left blank in a spreadsheet comes out as commas.
                if utf8 && cells.iter().any(|c| !c.is_empty()) {
                    rows.push((line, cells));
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(at(line, None, Problem::BadRow(describe_csv(&e))));
                // A broken row makes the reader's later positions unreliable.
                break;
            }
        }
    }
    Some(Sheet { columns, rows })
}

fn describe_csv(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("this row has {len} cells, the header {expected_len}"),
        _ => "this row is not well-formed CSV".to_string(),
    }
}

/// A list cell: `2;3;4` (semicolons, since commas would need quoting in a
/// hand-edited CSV; commas are accepted too).
fn list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([';', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn read_opportunities(
    path: &Path,
    bytes: &[u8],
    codebook: &Codebook,
    errors: &mut Vec<Error>,
) -> Vec<Opportunity> {
    let Some(sheet) = read_sheet(path, bytes, COLUMNS, errors) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (line, cells) in &sheet.rows {
        let line = *line;
        let before = errors.len();
        let place = |name: &str| -> Place {
            let i = sheet.columns[name];
            Place {
                file: path.to_path_buf(),
                line,
                column: Some((i + 1, name.to_string())),
            }
        };
        let mut fail = |name: &str, problem: Problem| {
            errors.push(Error::Invalid {
                place: place(name),
                problem,
            })
        };
        let cell = |name: &str| sheet.cell(cells, name);
        for (name, required) in COLUMNS {
            if *required && cell(name).is_empty() {
                fail(name, Problem::Missing);
            }
        }
        let one_of = |name: &str, allowed: String| Problem::NotOneOf {
            found: cell(name).to_string(),
            allowed,
        };
        let trust = cell("trust");
        let offered_to = if trust.eq_ignore_ascii_case("external") {
            OfferedTo::External
        } else {
            OfferedTo::Trust(trust.to_string())
        };
        let delivery = Delivery::parse(cell("delivery"));
        if delivery.is_none() && !cell("delivery").is_empty() {
            fail("delivery", one_of("delivery", Delivery::allowed()));
        }
        let cost = Cost::parse(cell("cost_gbp"));
        if cost.is_none() && !cell("cost_gbp").is_empty() {
            fail(
                "cost_gbp",
                Problem::BadCost {
                    found: cell("cost_gbp").to_string(),
                },
            );
        }
        let who_pays = Payer::parse(cell("who_pays"));
        if who_pays.is_none() && !cell("who_pays").is_empty() {
            fail("who_pays", one_of("who_pays", Payer::allowed()));
        }
        let funding = Funding::parse(cell("funding"));
        if funding.is_none() && !cell("funding").is_empty() {
            fail("funding", one_of("funding", Funding::allowed()));
        }
        // A fee nobody pays, or a free place someone pays for, is a slip
        // that would skew the gap analysis's weighting of access.
        if let (Some(cost), Some(payer)) = (cost, who_pays) {
            if cost.is_free() && payer != Payer::Nobody {
                fail(
                    "who_pays",
                    Problem::CostAndPayer(format!(
                        "who_pays is `{payer}` but cost_gbp is 0; a free place is paid by `nobody`"
                    )),
                );
            }
            if !cost.is_free() && payer == Payer::Nobody {
                fail(
                    "who_pays",
                    Problem::CostAndPayer(format!(
                        "who_pays is `nobody` but cost_gbp is {cost}; say who pays the fee (`trust`, `worker` or `shared`)"
                    )),
                );
            }
            if !cost.is_free() && funding == Some(Funding::Free) {
                fail(
                    "funding",
                    Problem::CostAndPayer(format!("funding is `free` but cost_gbp is {cost}")),
                );
            }
        }
        let level = Level::parse(cell("level"));
        if level.is_none() && !cell("level").is_empty() {
            fail(
                "level",
                Problem::BadLevel {
                    found: cell("level").to_string(),
                },
            );
        }
        let mut bands = Vec::new();
        for b in list(cell("bands")) {
            match Band::parse(b) {
                Some(band) => bands.push(band),
                None => fail("bands", Problem::UnknownBand { found: b.into() }),
            }
        }
        bands.sort();
        bands.dedup();
        let mut ksf = Vec::new();
        for k in list(cell("ksf")) {
            match Ksf::parse(k) {
                Some(d) => ksf.push(d),
                None => fail("ksf", Problem::UnknownKsf { found: k.into() }),
            }
        }
        let mut themes: Vec<String> = Vec::new();
        for t in list(cell("themes")) {
            if codebook.get(t).is_some() {
                if !themes.iter().any(|x| x == t) {
                    themes.push(t.to_string());
                }
            } else {
                fail(
                    "themes",
                    Problem::UnknownTheme {
                        found: t.to_string(),
                        suggestion: suggest(t, codebook),
                    },
                );
            }
        }
        let id = cell("id");
        if !id.is_empty()
            && !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        {
            fail(
                "id",
                Problem::NotOneOf {
                    found: id.to_string(),
                    allowed:
                        "letters, digits, `-`, `_` and `.` (an id is used in file names and links)"
                            .into(),
                },
            );
        }
        if errors.len() > before {
            continue;
        }
        let (Some(delivery), Some(cost), Some(who_pays), Some(funding), Some(level)) =
            (delivery, cost, who_pays, funding, level)
        else {
            continue;
        };
        out.push(Opportunity {
            id: id.to_string(),
            title: cell("title").to_string(),
            provider: cell("provider").to_string(),
            offered_to,
            delivery,
            location: cell("location").to_string(),
            duration: cell("duration").to_string(),
            cost,
            who_pays,
            funding,
            entry_requirements: cell("entry_requirements").to_string(),
            level,
            bands,
            pathway_step: cell("pathway_step").to_string(),
            ksf,
            themes,
            notes: cell("notes").to_string(),
            origin: Origin {
                file: path.to_path_buf(),
                line,
                trust_column: (sheet.columns["trust"] + 1, "trust".into()),
            },
        });
    }
    out
}

const THEME_COLUMNS: &[(&str, bool)] = &[("theme", true), ("kind", true), ("notes", false)];

fn read_themes(
    path: &Path,
    bytes: &[u8],
    codebook: &Codebook,
    errors: &mut Vec<Error>,
) -> Vec<GapTheme> {
    let Some(sheet) = read_sheet(path, bytes, THEME_COLUMNS, errors) else {
        return Vec::new();
    };
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    let mut out = Vec::new();
    for (line, cells) in &sheet.rows {
        let line = *line;
        let cell = |name: &str| sheet.cell(cells, name);
        let mut fail = |name: &str, problem: Problem| {
            errors.push(Error::Invalid {
                place: Place {
                    file: path.to_path_buf(),
                    line,
                    column: Some((sheet.columns[name] + 1, name.to_string())),
                },
                problem,
            })
        };
        let (theme, kind) = (cell("theme"), cell("kind"));
        let mut ok = true;
        if theme.is_empty() {
            fail("theme", Problem::Missing);
            ok = false;
        } else if codebook.get(theme).is_none() {
            fail(
                "theme",
                Problem::UnknownTheme {
                    found: theme.into(),
                    suggestion: suggest(theme, codebook),
                },
            );
            ok = false;
        } else if let Some(first) = seen.get(theme) {
            fail(
                "theme",
                Problem::DuplicateTheme {
                    theme: theme.into(),
                    first_line: *first,
                },
            );
            ok = false;
        }
        let parsed = GapKind::parse(kind);
        if kind.is_empty() {
            fail("kind", Problem::Missing);
        } else if parsed.is_none() {
            fail(
                "kind",
                Problem::NotOneOf {
                    found: kind.into(),
                    allowed: GapKind::allowed(),
                },
            );
        }
        if let (true, Some(kind)) = (ok, parsed) {
            seen.insert(theme.to_string(), line);
            out.push(GapTheme {
                theme: theme.to_string(),
                kind,
            });
        }
    }
    let order: BTreeMap<&str, usize> = codebook
        .codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    out.sort_by_key(|g| order[g.theme.as_str()]);
    out
}

/// The codebook id closest to a misspelt one, if any is close: same last
/// part under another parent, or at most two edits away.
fn suggest(found: &str, codebook: &Codebook) -> Option<String> {
    let last = found.rsplit('.').next().unwrap_or(found);
    let ids: BTreeSet<&str> = codebook.codes.iter().map(|c| c.id.as_str()).collect();
    if let Some(id) = ids
        .iter()
        .find(|id| id.rsplit('.').next() == Some(last) && found.contains('.'))
    {
        return Some(id.to_string());
    }
    ids.iter()
        .map(|id| (strand_codebook::edit_distance(found, id), *id))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, id)| id.to_string())
}

#[cfg(test)]
mod tests;
