//! Every table of a study, each with a plain-English account of itself.

use strand_directory::Directory;
use strand_table::Table;
use strand_transcript::{Cases, CorpusWarning};

use crate::gap::{GapAttributes, EVIDENCE_PER_ROW};
use crate::prepare::Prepared;
use crate::{attributes, cooccurrence, framework, gap, Error, Input, Tally};

/// A finished table and what it says, for a reader who has not seen the
/// code: the workbook's "About" sheet and the report show this text.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyTable {
    pub table: Table,
    pub about: String,
}

/// Computes every table `strand analyse` writes, in the order a reader
/// should meet them: `summary`, `participants`, `prevalence`,
/// `prevalence_by_attribute`, `matrix_coding`, `cooccurrence`,
/// `framework_matrix`, `<trust>_summaries`, `exemplars`, `gap`,
/// `gap_supply`, `directory`. Each is sorted deterministically; see each
/// table's `about` for its rows and columns.
///
/// The directory's Trusts are not checked against the cases here (see
/// [`Directory::check_trusts`]); an opportunity of an unknown Trust simply
/// reaches nobody.
pub fn study(
    input: &Input<'_>,
    directory: &Directory,
    gap_attributes: GapAttributes<'_>,
) -> Result<Vec<StudyTable>, Error> {
    study_tally(
        crate::tally_corpus(input),
        &input.corpus.cases,
        &input.corpus.warnings,
        directory,
        gap_attributes,
    )
}

/// [`study`] of a corpus tallied document by document (see [`Tally`]):
/// `cases` and `warnings` are the corpus's, as
/// [`strand_transcript::Corpus`] would have them.
pub fn study_tally(
    tally: Tally<'_>,
    cases: &Cases,
    warnings: &[CorpusWarning],
    directory: &Directory,
    gap_attributes: GapAttributes<'_>,
) -> Result<Vec<StudyTable>, Error> {
    let p = Prepared::new(tally, cases)?;
    let base = crate::analyse_prepared(&p, gap_attributes.trust, warnings)?;
    let by_attribute = attributes::prevalence_by_attribute(&p)?;
    let matrix = attributes::matrix_coding(&by_attribute);
    let cooccurrence = cooccurrence::cooccurrence(&p);
    let framework = framework::framework_matrix(&p)?;
    let summaries = framework::summaries(&p, &by_attribute, gap_attributes.trust)?;
    let gap = gap::gap(&p, directory, gap_attributes)?;
    let directory = gap::directory_table(directory);
    let trust = gap_attributes.trust;
    let band = gap_attributes.band;
    let about = |table: Table, text: String| StudyTable { table, about: text };
    Ok(vec![
        about(
            base.summary,
            "The size of the study: documents, participants, turns, segments and words, the unit \
             segments were cut at, and how many segments and codings the codebook produced."
                .into(),
        ),
        about(
            base.participants,
            "How many participants have each value of each case attribute (for example how many \
             are in each Trust, role and band)."
                .into(),
        ),
        about(
            base.prevalence,
            "For every code in the codebook: how many participants (cases) voiced it, as a number \
             and a percentage of all participants, and in how many segments. A code counts for its \
             parent too: a segment about cost counts for barriers."
                .into(),
        ),
        about(
            by_attribute,
            "Prevalence broken down by every case attribute: for each code, attribute and value, \
             how many of the participants with that value voiced it, out of how many (cases_total), \
             the percentage, and in how many segments. Every combination is listed, zeros included."
                .into(),
        ),
        about(
            matrix,
            "The matrix coding query: one row per code, one column per attribute value (such as \
             trust=Eastvale or band=3), each cell the number of participants with that value who \
             voiced the code. The same numbers as prevalence_by_attribute, laid out for reading \
             across."
                .into(),
        ),
        about(
            cooccurrence,
            "Which codes were applied together, and how often: within one segment, one speaker \
             turn, or one participant's whole interview (unit). units: how many units had both \
             codes; cases: how many participants those units belong to; units_a and units_b: how \
             many units had each code; jaccard: both divided by either (1 = always together). \
             Codes are counted as coded, not rolled up to their parents."
                .into(),
        ),
        about(
            framework,
            "The framework matrix: one row per participant and theme they voiced, with their \
             attributes, how many of their segments speak to the theme, and the most \
             representative of them, quoted. Most representative means: coded with the most of \
             the theme's codes, then 8 to 45 words long, then the longer, then the earliest. \
             Negated mentions are never quoted."
                .into(),
        ),
        about(
            summaries,
            format!(
                "Theme summaries per {trust}: for each {trust} and code, how many of its \
                 participants voiced it (and the percentage), in how many segments, its rank \
                 among codes of the same level in that {trust} (1 = voiced by most), and the \
                 {trust}'s most representative quote for it."
            ),
        ),
        about(
            base.exemplars,
            "Up to three quotes per code, each from a different participant, chosen for being \
             of a readable length."
                .into(),
        ),
        about(
            gap.gap,
            format!(
                "The gap analysis. For each need, barrier and aspiration theme (directory/themes.csv) \
                 and each group of workers ({trust} and {band}): demand_cases is how many of the \
                 group voiced it (demand_pct of cases_total); supply_count is how many directory \
                 opportunities address it and are open to the group (their {trust}'s own or external, \
                 and aimed at their {band}); supply_score adds 1 for each that is free to the worker, \
                 0.5 if the cost is shared, 0.25 if the worker pays; worker_pays counts those the worker \
                 pays for. gap_score = demand_cases / (1 + supply_score): the higher, the more workers \
                 voice a need that little accessible provision meets. Rows are ranked by gap_score, \
                 then demand. evidence lists up to {EVIDENCE_PER_ROW} segment ids (one per participant, \
                 most representative first; evidence_segments counts them all) and quote is the first \
                 of them."
            ),
        ),
        about(
            gap.supply,
            format!(
                "The supply behind each row of the gap table: one line per theme, {trust}, {band} \
                 and opportunity open to that group, with its cost, who pays, funding route, entry \
                 requirements and the access weight it adds to the supply score."
            ),
        ),
        about(
            directory,
            "The learning-opportunity directory as read: every opportunity with its provider, \
             {trust} (or external), delivery, cost in pounds, who pays, funding route, entry \
             requirements, qualification level, target bands, career-pathway step, KSF dimensions \
             and the themes it addresses."
                .replace("{trust}", trust),
        ),
    ])
}
