use std::path::Path;

use super::*;

fn codebook() -> Codebook {
    Codebook::parse(
        Path::new("codebook.toml"),
        r#"
name = "t"
language = "eng"
unit = "sentence"

[[code]]
id = "barriers"
label = "Barriers"
[[code]]
id = "barriers.cost"
label = "Cost"
[[code]]
id = "band4"
label = "Band 4"
[[code]]
id = "band4.nursing_associate"
label = "NA"
"#,
    )
    .unwrap()
}

const HEADER: &str = "id,title,provider,trust,delivery,location,duration,cost_gbp,who_pays,funding,entry_requirements,level,bands,pathway_step,ksf,themes,notes\n";

const THEMES: &str = "theme,kind\nbarriers.cost,barrier\nband4.nursing_associate,aspiration\n";

fn parse(files: &[(&str, &str)], themes: &str) -> Result<Directory, Errors> {
    let sources: Vec<(&Path, &[u8])> = files
        .iter()
        .map(|(p, t)| (Path::new(*p), t.as_bytes()))
        .collect();
    Directory::parse(
        &sources,
        (Path::new("themes.csv"), themes.as_bytes()),
        &codebook(),
    )
}

fn messages(e: Errors) -> Vec<String> {
    e.iter().map(|e| e.to_string()).collect()
}

const NA: &str = "NB-TNA,Trainee nursing associate,Northbrook L&D,Northbrook,blended,Northbrook,24 months,\"£15,000\",trust,apprenticeship-levy,Level 2 English and maths,5,3;4,Band 3 to Band 4 nursing associate,C1;HWB5,band4.nursing_associate,\n";
const FREE: &str = "EXT-L2,Level 2 Certificate in Mental Health Work,College,external,online,,12 weeks,0,nobody,free,,2,Band 2; band 3,,C2,barriers.cost;barriers,\n";

#[test]
fn reads_a_valid_directory() {
    let d = parse(
        &[
            ("b.csv", &format!("{HEADER}{NA}")),
            ("a.csv", &format!("\u{feff}{HEADER}{FREE}")),
        ],
        THEMES,
    )
    .unwrap();
    let ids: Vec<&str> = d.opportunities.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["EXT-L2", "NB-TNA"]);
    let na = &d.opportunities[1];
    assert_eq!(na.cost, Cost(1_500_000));
    assert_eq!(na.offered_to, OfferedTo::Trust("Northbrook".into()));
    assert_eq!(na.funding, Funding::ApprenticeshipLevy);
    assert_eq!(na.level, Level::Rqf(5));
    assert_eq!(
        na.bands.iter().map(|b| b.to_string()).collect::<Vec<_>>(),
        ["3", "4"]
    );
    assert_eq!(na.origin.line, 2);
    assert!(na.open_to("Northbrook", &Band::parse("3").unwrap()));
    assert!(!na.open_to("Eastvale", &Band::parse("3").unwrap()));
    assert!(!na.open_to("Northbrook", &Band::parse("2").unwrap()));
    let free = &d.opportunities[0];
    assert!(free.open_to("Eastvale", &Band::parse("2").unwrap()));
    assert_eq!(free.themes, ["barriers.cost", "barriers"]);
    assert_eq!(
        d.gap_themes,
        [
            GapTheme {
                theme: "barriers.cost".into(),
                kind: GapKind::Barrier
            },
            GapTheme {
                theme: "band4.nursing_associate".into(),
                kind: GapKind::Aspiration
            },
        ]
    );
    // Addressing a sub-theme addresses its parent; not the other way.
    let band4: Vec<&str> = d.addressing("band4").map(|o| o.id.as_str()).collect();
    assert_eq!(band4, ["NB-TNA"]);
    let cost: Vec<&str> = d
        .addressing("barriers.cost")
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(cost, ["EXT-L2"]);
    assert!(is_within("band4.nursing_associate", "band4"));
    assert!(!is_within("band4x", "band4"));
}

#[test]
fn every_bad_cell_is_named_by_file_line_and_column() {
    let rows = format!(
        "{HEADER}\
X1,T,P,Northbrook,webinar,,1 day,two hundred,trust,trust-cpd,,3,3;10,,C9,barriers.costs,\n\
X2,,P,Northbrook,online,,1 day,0,worker,trust-core,,none,3,,,band4,\n\
X3,T,P,Northbrook,online,,1 day,250,nobody,free,,level 9,3,,,barrier.cost,\n\
X1,T,P,external,online,,1 day,0,nobody,free,,none,2,,,band4,\n"
    );
    let err = parse(&[("dir/nb.csv", &rows)], THEMES).unwrap_err();
    assert_eq!(
        messages(err),
        [
            "dir/nb.csv:2: column 5 (delivery): `webinar` is not allowed here: expected one of `classroom`, `online`, `blended`, `workplace`",
            "dir/nb.csv:2: column 8 (cost_gbp): `two hundred` is not a cost: expected pounds, such as 0, 250 or 1200.50",
            "dir/nb.csv:2: column 13 (bands): `10` is not an Agenda for Change band: expected 1 to 7, 8a to 8d or 9",
            "dir/nb.csv:2: column 15 (ksf): `C9` is not a KSF dimension: expected a core dimension C1 to C6 or a specific one (HWB1-HWB10, EF1-EF3, IK1-IK3, G1-G8)",
            "dir/nb.csv:2: column 16 (themes): unknown theme `barriers.costs`: no code with that id in the codebook (did you mean `barriers.cost`?)",
            "dir/nb.csv:3: column 2 (title): this is empty; it must be given",
            "dir/nb.csv:3: column 9 (who_pays): who_pays is `worker` but cost_gbp is 0; a free place is paid by `nobody`",
            "dir/nb.csv:4: column 9 (who_pays): who_pays is `nobody` but cost_gbp is 250; say who pays the fee (`trust`, `worker` or `shared`)",
            "dir/nb.csv:4: column 10 (funding): funding is `free` but cost_gbp is 250",
            "dir/nb.csv:4: column 12 (level): `level 9` is not a qualification level: expected `none`, `entry` or an RQF level 1 to 8",
            "dir/nb.csv:4: column 16 (themes): unknown theme `barrier.cost`: no code with that id in the codebook (did you mean `barriers.cost`?)",
        ]
    );
}

#[test]
fn duplicate_ids_name_both_places() {
    let err = parse(
        &[
            ("a.csv", &format!("{HEADER}{FREE}")),
            (
                "b.csv",
                &format!("{HEADER}{NA}{}", FREE.replace("External", "x")),
            ),
        ],
        THEMES,
    )
    .unwrap_err();
    assert_eq!(
        messages(err),
        ["b.csv:3: column 1 (id): duplicate id `EXT-L2`: already used at a.csv:2"]
    );
}

#[test]
fn header_problems() {
    let header = HEADER
        .replace("cost_gbp", "cost")
        .replace(",notes", ",notes,notes");
    let err = parse(&[("a.csv", &header)], "theme\nbarriers\n").unwrap_err();
    assert_eq!(
        messages(err),
        [
            "a.csv:1: column 8 (cost): unknown column `cost`; the columns are: id, title, provider, trust, delivery, location, duration, cost_gbp, who_pays, funding, entry_requirements, level, bands, pathway_step, ksf, themes, notes",
            "a.csv:1: column 18 (notes): column `notes` appears twice",
            "a.csv:1: missing column `cost_gbp`; the columns are: id, title, provider, trust, delivery, location, duration, cost_gbp, who_pays, funding, entry_requirements, level, bands, pathway_step, ksf, themes, notes",
            "themes.csv:1: missing column `kind`; the columns are: theme, kind, notes",
        ]
    );
}

#[test]
fn ragged_rows_and_bad_bytes() {
    let err = parse(&[("a.csv", &format!("{HEADER}a,b\n"))], THEMES).unwrap_err();
    assert_eq!(
        messages(err),
        ["a.csv:2: this row has 2 cells, the header 17"]
    );
    let mut bytes = HEADER.as_bytes().to_vec();
    bytes.extend(NA.replace("Northbrook L&D", "Caf\u{e9}").bytes());
    // Latin-1 é, as an old Excel would save it.
    let at = bytes.windows(2).position(|w| w == [0xC3, 0xA9]).unwrap();
    bytes.splice(at..at + 2, [0xE9]);
    let err = Directory::parse(
        &[(Path::new("a.csv"), &bytes)],
        (Path::new("themes.csv"), THEMES.as_bytes()),
        &codebook(),
    )
    .unwrap_err();
    assert_eq!(
        messages(err),
        ["a.csv:2: column 3 (provider): this cell is not UTF-8 text; in Excel, save as `CSV UTF-8 (comma delimited)`"]
    );
}

#[test]
fn theme_list_is_checked() {
    let err = parse(
        &[("a.csv", &format!("{HEADER}{FREE}"))],
        "theme,kind\nbarriers.cost,barrier\nbarriers.cost,need\nbarriers.money,barrier\nband4,hope\n,need\n",
    )
    .unwrap_err();
    assert_eq!(
        messages(err),
        [
            "themes.csv:3: column 1 (theme): theme `barriers.cost` is listed twice; first at line 2",
            "themes.csv:4: column 1 (theme): unknown theme `barriers.money`: no code with that id in the codebook",
            "themes.csv:5: column 2 (kind): `hope` is not allowed here: expected one of `need`, `barrier`, `aspiration`",
            "themes.csv:6: column 1 (theme): this is empty; it must be given",
        ]
    );
}

#[test]
fn trusts_are_checked_against_the_cases() {
    let d = parse(&[("a.csv", &format!("{HEADER}{NA}{FREE}"))], THEMES).unwrap();
    assert!(d.check_trusts(&["Northbrook", "Eastvale"]).is_ok());
    let err = d.check_trusts(&["Eastvale", "Northbrok"]).unwrap_err();
    assert_eq!(
        messages(err),
        ["a.csv:2: column 4 (trust): unknown Trust `Northbrook`: the cases name `Eastvale`, `Northbrok`; use one of them, or `external` for provision open to every Trust"]
    );
}

#[test]
fn reads_a_folder_and_reports_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let err = Directory::read(dir.path(), &codebook()).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!(
            "cannot read {}",
            dir.path().join("opportunities").display()
        )),
        "{err}"
    );
    std::fs::create_dir(dir.path().join("opportunities")).unwrap();
    let err = Directory::read(dir.path(), &codebook()).unwrap_err();
    assert!(matches!(err[0], Error::NoOpportunities { .. }));
    std::fs::write(
        dir.path().join("opportunities/nb.csv"),
        format!("{HEADER}{NA}"),
    )
    .unwrap();
    std::fs::write(dir.path().join("themes.csv"), THEMES).unwrap();
    let d = Directory::read(dir.path(), &codebook()).unwrap();
    assert_eq!(d.opportunities.len(), 1);
}

/// The sample directory shipped at the top of the workspace stays valid
/// against the default codebook and the sample study's Trusts.
#[test]
fn sample_directory_is_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let codebook = Codebook::read(&root.join("codebooks/str-training.toml")).unwrap();
    let d = Directory::read(&root.join("directory"), &codebook).unwrap_or_else(|e| panic!("{e}"));
    d.check_trusts(&["Northbrook", "Eastvale"]).unwrap();
    assert!(d.opportunities.len() >= 15);
    for kind in GapKind::ALL {
        assert!(d.gap_themes.iter().any(|g| g.kind == *kind), "{kind}");
    }
}
