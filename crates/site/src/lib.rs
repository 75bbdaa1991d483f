//! The web-based learning-opportunity directory: one HTML page, with its
//! styles and script inside it, that lists every opportunity in a
//! [`Directory`], costed, and lets a reader filter it by Trust, band,
//! theme, fee and delivery.
//!
//! The page works from the file system (no server, no network), so it can
//! be put on a shared drive or sent as an attachment. Every opportunity
//! links to its career-pathway step and to the codebook themes it
//! addresses, which are listed with their definitions; given the gap table
//! of `strand analyse` ([`Demand`]), each theme also says how many
//! interviewed workers voice it.
//!
//! Filters live in the page's address after `#` (`#trust=Northbrook&band=3`),
//! so a filtered view can be bookmarked or sent to a colleague; see
//! [`FILTERS`].
//!
//! Text reaches the page through a minijinja template with auto-escaping
//! on; the data the script filters on is JSON escaped for a `<script>`
//! element ([`to_script_json`]). The table is rendered in HTML, not built
//! by the script, so the page reads, prints and is searchable without
//! JavaScript; the script only hides rows.
//!
//! This crate does not read the directory (that is `strand-directory`),
//! analyse anything (`strand-analysis`) or write files: it returns bytes.
//! It is separate from `strand-report` because the directory is a
//! catalogue meant for workers and managers, while the report carries
//! research data; keeping the two apart keeps quotes out of the directory.

mod demand;
mod script_json;

use std::collections::{BTreeMap, BTreeSet};

use minijinja::{context, Environment, Value as JinjaValue};
use serde::Serialize;
use strand_codebook::Codebook;
use strand_directory::{
    is_within, Band, Cost, Delivery, Directory, Funding, GapKind, Level, OfferedTo, Opportunity,
    Payer,
};

pub use demand::{Demand, DemandError, GapRow, ThemeDemand};
pub use script_json::to_script_json;

/// The filters a page address may carry after `#`, as `name=value` pairs
/// joined by `&`:
///
/// | name | value | shows opportunities |
/// | --- | --- | --- |
/// | `trust` | a Trust's name | open to that Trust's staff: its own and external provision |
/// | `band` | `3`, `8a` (or `Band 3`) | open to that band |
/// | `theme` | a codebook id | addressing that theme or one of its sub-themes |
/// | `mode` | `classroom`, `online`, `blended`, `workplace` | delivered that way |
/// | `maxcost` | pounds (`0` for free) | whose fee is at most that |
/// | `workerpays` | `no` | the worker pays nothing towards |
///
/// An address after `#` without `=` (`#opp-NB-TNA`, `#theme-barriers.cost`)
/// is an ordinary link to a row or section and leaves the filters alone.
pub const FILTERS: &[&str] = &["trust", "band", "theme", "mode", "maxcost", "workerpays"];

/// The page's file name.
pub const INDEX: &str = "index.html";

/// Why the page could not be made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("directory page template failed: {0}")]
    Template(#[from] minijinja::Error),
    #[error("directory data could not be written as JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Everything the page is made from.
pub struct SiteInput<'a> {
    /// The page's heading.
    pub title: &'a str,
    pub directory: &'a Directory,
    /// The codebook the directory's themes are ids of: labels and
    /// definitions come from it.
    pub codebook: &'a Codebook,
    /// Demand per theme from the gap analysis, when there is one.
    pub demand: Option<&'a Demand>,
}

/// A file of the site, relative to its folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Renders the site: one self-contained `index.html`.
pub fn render(input: &SiteInput<'_>) -> Result<Vec<SiteFile>, Error> {
    let page = Page::build(input);
    let data = to_script_json(&ScriptData::build(input))?;
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    // Auto-escaping is chosen by the template's name: `.html` escapes.
    env.add_template(
        "directory.html",
        include_str!("../templates/directory.html"),
    )?;
    let html = env.get_template("directory.html")?.render(context! {
        page => &page,
        // Escaped for a <script> element by `to_script_json`; HTML
        // escaping would corrupt it (entities are not decoded there).
        data_json => JinjaValue::from_safe_string(data),
    })?;
    Ok(vec![SiteFile {
        name: INDEX.into(),
        bytes: html.into_bytes(),
    }])
}

/// A fee as a reader writes it: `Free`, `£450`, `£1,200.50`.
pub fn fee(cost: Cost) -> String {
    if cost.is_free() {
        return "Free".into();
    }
    let pounds = (cost.0 / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in pounds.chars().enumerate() {
        if i > 0 && (pounds.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match cost.0 % 100 {
        0 => format!("£{grouped}"),
        p => format!("£{grouped}.{p:02}"),
    }
}

fn delivery_label(d: Delivery) -> &'static str {
    match d {
        Delivery::Classroom => "Classroom",
        Delivery::Online => "Online",
        Delivery::Blended => "Blended (classroom and online)",
        Delivery::Workplace => "In the workplace",
    }
}

fn payer_label(p: Payer) -> &'static str {
    match p {
        Payer::Trust => "paid by the Trust",
        Payer::Worker => "paid by the worker",
        Payer::Shared => "shared by the Trust and the worker",
        Payer::Nobody => "no fee",
    }
}

fn funding_label(f: Funding) -> &'static str {
    match f {
        Funding::ApprenticeshipLevy => "apprenticeship levy",
        Funding::TrustCpd => "Trust CPD budget",
        Funding::TrustCore => "Trust training budget",
        Funding::National => "national NHS funding",
        Funding::SelfFunded => "self-funded",
        Funding::Free => "free to everyone",
    }
}

fn kind_label(k: GapKind) -> &'static str {
    match k {
        GapKind::Need => "a need",
        GapKind::Barrier => "a barrier",
        GapKind::Aspiration => "an aspiration",
    }
}

fn level_label(l: Level) -> String {
    match l {
        Level::None => "Not a qualification".into(),
        Level::Entry => "Entry level".into(),
        Level::Rqf(n) => format!("Level {n}"),
    }
}

fn entry_anchor(o: &Opportunity) -> String {
    format!("opp-{}", o.id)
}

/// Every theme the page names: those opportunities address, those the gap
/// analysis covers, and their ancestors (so `band4` can be chosen to see
/// every Band 4 route), in codebook order.
fn listed_themes<'c>(
    directory: &Directory,
    codebook: &'c Codebook,
) -> Vec<&'c strand_codebook::Code> {
    let mut ids: BTreeSet<&str> = BTreeSet::new();
    let named = directory
        .opportunities
        .iter()
        .flat_map(|o| o.themes.iter())
        .chain(directory.gap_themes.iter().map(|g| &g.theme));
    for id in named {
        ids.extend(codebook.lineage(id));
    }
    codebook
        .codes
        .iter()
        .filter(|c| ids.contains(c.id.as_str()))
        .collect()
}

#[derive(Serialize)]
struct Page {
    title: String,
    codebook_name: String,
    codebook_short_hash: String,
    total: usize,
    trusts: Vec<String>,
    bands: Vec<String>,
    modes: Vec<(String, String)>,
    theme_options: Vec<ThemeOption>,
    entries: Vec<Entry>,
    steps: Vec<Step>,
    themes: Vec<ThemeSection>,
    /// Rows in the gap table the demand came from; 0 without one.
    demand_rows: usize,
    has_demand: bool,
}

#[derive(Serialize)]
struct ThemeOption {
    id: String,
    label: String,
    /// Spaces before the label in the menu (a `<select>` cannot indent).
    indent: String,
}

#[derive(Serialize)]
struct Link {
    href: String,
    text: String,
    /// Shown after the link, to tell apart opportunities of the same
    /// title (each Trust's Level 3 certificate): whose staff it is for.
    note: String,
}

#[derive(Serialize)]
struct Entry {
    id: String,
    anchor: String,
    title: String,
    provider: String,
    open_to: String,
    bands: String,
    delivery: String,
    location: String,
    duration: String,
    fee: String,
    paid: String,
    level: String,
    entry_requirements: String,
    ksf: String,
    notes: String,
    step: Option<Link>,
    themes: Vec<Link>,
}

#[derive(Serialize)]
struct Step {
    anchor: String,
    text: String,
    entries: Vec<Link>,
}

#[derive(Serialize)]
struct ThemeSection {
    id: String,
    anchor: String,
    label: String,
    definition: String,
    /// "a need", "a barrier", "an aspiration", for gap themes.
    kind: Option<&'static str>,
    parent: Option<Link>,
    entries: Vec<Link>,
    demand: Option<DemandView>,
}

#[derive(Serialize)]
struct DemandView {
    cases: i64,
    total: i64,
    by_trust: Vec<(String, i64, i64)>,
    top: Option<TopGap>,
}

#[derive(Serialize)]
struct TopGap {
    rank: i64,
    trust: String,
    band: String,
    demand: i64,
    total: i64,
    gap_score: String,
}

impl Page {
    fn build(input: &SiteInput<'_>) -> Page {
        let dir = input.directory;
        let codebook = input.codebook;
        let label = |id: &str| {
            codebook
                .get(id)
                .map_or_else(|| id.to_string(), |c| c.label.clone())
        };

        let trusts: BTreeSet<String> = dir
            .opportunities
            .iter()
            .filter_map(|o| match &o.offered_to {
                OfferedTo::Trust(t) => Some(t.clone()),
                OfferedTo::External => None,
            })
            .collect();
        let bands: BTreeSet<&Band> = dir.opportunities.iter().flat_map(|o| &o.bands).collect();

        // Pathway steps in the order a worker climbs them: by the lowest
        // band of the opportunities on the step, then the lowest
        // qualification level (the Care Certificate, no qualification,
        // before a Level 3 apprenticeship open to the same bands), then by
        // name. The directory has no explicit order of steps; asking
        // education leads to number them would be one more column to keep.
        let mut by_step: BTreeMap<&str, Vec<&Opportunity>> = BTreeMap::new();
        for o in &dir.opportunities {
            if !o.pathway_step.is_empty() {
                by_step.entry(&o.pathway_step).or_default().push(o);
            }
        }
        let mut step_order: Vec<(&str, Vec<&Opportunity>)> = by_step.into_iter().collect();
        step_order.sort_by(|(a, oa), (b, ob)| {
            let band =
                |os: &[&Opportunity]| os.iter().filter_map(|o| o.bands.first()).min().cloned();
            let level = |os: &[&Opportunity]| os.iter().map(|o| o.level).min();
            band(oa)
                .cmp(&band(ob))
                .then(level(oa).cmp(&level(ob)))
                .then(a.cmp(b))
        });
        let step_anchor: BTreeMap<&str, String> = step_order
            .iter()
            .enumerate()
            .map(|(i, (s, _))| (*s, format!("step-{}", i + 1)))
            .collect();
        let link_to = |o: &Opportunity| Link {
            href: format!("#{}", entry_anchor(o)),
            text: o.title.clone(),
            note: match &o.offered_to {
                OfferedTo::Trust(t) => format!("{t} staff"),
                OfferedTo::External => "any Trust".into(),
            },
        };
        let steps = step_order
            .iter()
            .map(|(text, os)| Step {
                anchor: step_anchor[text].clone(),
                text: text.to_string(),
                entries: os.iter().map(|o| link_to(o)).collect(),
            })
            .collect();

        let entries = dir
            .opportunities
            .iter()
            .map(|o| Entry {
                id: o.id.clone(),
                anchor: entry_anchor(o),
                title: o.title.clone(),
                provider: o.provider.clone(),
                open_to: match &o.offered_to {
                    OfferedTo::Trust(t) => format!("{t} staff"),
                    OfferedTo::External => "Staff of any Trust (external)".into(),
                },
                bands: o
                    .bands
                    .iter()
                    .map(|b| b.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                delivery: delivery_label(o.delivery).into(),
                location: o.location.clone(),
                duration: o.duration.clone(),
                fee: fee(o.cost),
                paid: if o.cost.is_free() {
                    funding_label(o.funding).to_string()
                } else {
                    format!("{}; {}", payer_label(o.who_pays), funding_label(o.funding))
                },
                level: level_label(o.level),
                entry_requirements: o.entry_requirements.clone(),
                ksf: o
                    .ksf
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                notes: o.notes.clone(),
                step: (!o.pathway_step.is_empty()).then(|| Link {
                    href: format!("#{}", step_anchor[o.pathway_step.as_str()]),
                    text: o.pathway_step.clone(),
                    note: String::new(),
                }),
                themes: o
                    .themes
                    .iter()
                    .map(|t| Link {
                        href: format!("#theme-{t}"),
                        text: label(t),
                        note: String::new(),
                    })
                    .collect(),
            })
            .collect();

        let kinds: BTreeMap<&str, GapKind> = dir
            .gap_themes
            .iter()
            .map(|g| (g.theme.as_str(), g.kind))
            .collect();
        let listed = listed_themes(dir, codebook);
        let theme_options = listed
            .iter()
            .map(|c| ThemeOption {
                id: c.id.clone(),
                label: c.label.clone(),
                indent: "\u{a0}\u{a0}\u{a0}".repeat(c.depth()),
            })
            .collect();
        let themes = listed
            .iter()
            .map(|c| ThemeSection {
                id: c.id.clone(),
                anchor: format!("theme-{}", c.id),
                label: c.label.clone(),
                definition: c.definition.clone(),
                kind: kinds.get(c.id.as_str()).map(|k| kind_label(*k)),
                parent: c.parent.as_ref().map(|p| Link {
                    href: format!("#theme-{p}"),
                    text: label(p),
                    note: String::new(),
                }),
                entries: dir.addressing(&c.id).map(link_to).collect(),
                demand: input
                    .demand
                    .and_then(|d| d.themes.get(&c.id))
                    .map(|t| DemandView {
                        cases: t.cases,
                        total: t.total,
                        by_trust: t
                            .by_trust
                            .iter()
                            .map(|(trust, (d, n))| (trust.clone(), *d, *n))
                            .collect(),
                        top: (t.top.demand > 0).then(|| TopGap {
                            rank: t.top.rank,
                            trust: t.top.trust.clone(),
                            band: t.top.band.clone(),
                            demand: t.top.demand,
                            total: t.top.total,
                            gap_score: t.top.gap_score.clone(),
                        }),
                    }),
            })
            .collect();

        Page {
            title: input.title.to_string(),
            codebook_name: codebook.name.clone(),
            codebook_short_hash: codebook.short_hash().to_string(),
            total: dir.opportunities.len(),
            trusts: trusts.into_iter().collect(),
            bands: bands.into_iter().map(|b| b.to_string()).collect(),
            modes: Delivery::ALL
                .iter()
                .map(|d| (d.as_str().to_string(), delivery_label(*d).to_string()))
                .collect(),
            theme_options,
            entries,
            steps,
            themes,
            demand_rows: input.demand.map_or(0, |d| d.rows),
            has_demand: input.demand.is_some(),
        }
    }
}

/// What the page's script filters on, one record per opportunity in table
/// order.
#[derive(Serialize)]
struct ScriptData {
    opportunities: Vec<Filterable>,
}

#[derive(Serialize)]
struct Filterable {
    id: String,
    /// The Trust whose staff it is for; `null` when open to every Trust.
    trust: Option<String>,
    bands: Vec<String>,
    /// The themes it addresses and all their ancestors, so choosing a
    /// theme finds provision for its sub-themes too.
    themes: Vec<String>,
    mode: &'static str,
    cost_pence: u64,
    worker_pays: bool,
}

impl ScriptData {
    fn build(input: &SiteInput<'_>) -> ScriptData {
        let listed = listed_themes(input.directory, input.codebook);
        ScriptData {
            opportunities: input
                .directory
                .opportunities
                .iter()
                .map(|o| Filterable {
                    id: o.id.clone(),
                    trust: match &o.offered_to {
                        OfferedTo::Trust(t) => Some(t.clone()),
                        OfferedTo::External => None,
                    },
                    bands: o.bands.iter().map(|b| b.to_string()).collect(),
                    themes: listed
                        .iter()
                        .filter(|c| o.themes.iter().any(|t| is_within(t, &c.id)))
                        .map(|c| c.id.clone())
                        .collect(),
                    mode: o.delivery.as_str(),
                    cost_pence: o.cost.0,
                    worker_pays: o.who_pays.worker_pays(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fees_read_as_people_write_them() {
        for (pence, text) in [
            (0, "Free"),
            (45_000, "£450"),
            (100_000, "£1,000"),
            (120_050, "£1,200.50"),
            (1_500_000, "£15,000"),
            (123_456_789, "£1,234,567.89"),
            (5, "£0.05"),
        ] {
            assert_eq!(fee(Cost(pence)), text, "{pence}");
        }
    }
}
