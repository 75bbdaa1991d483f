//! The directory page rendered from the small fixture directory
//! (`tests/fixtures/small`, see its README for the hand-made numbers).

use std::path::{Path, PathBuf};

use strand_codebook::Codebook;
use strand_directory::Directory;
use strand_site::{render, Demand, SiteInput};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small")
}

fn codebook() -> Codebook {
    Codebook::read(&fixture().join("codebook.toml")).unwrap()
}

fn demand(codebook: &Codebook) -> Demand {
    let path = fixture().join("gap.csv");
    Demand::from_gap_csv(&path, &std::fs::read(&path).unwrap(), codebook).unwrap()
}

fn page(with_demand: bool) -> String {
    let codebook = codebook();
    let directory = Directory::read(&fixture(), &codebook).unwrap();
    let demand = demand(&codebook);
    let files = render(&SiteInput {
        title: "Learning opportunities (test)",
        directory: &directory,
        codebook: &codebook,
        demand: with_demand.then_some(&demand),
    })
    .unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].name, "index.html");
    String::from_utf8(files[0].bytes.clone()).unwrap()
}

/// The JSON the page's script reads.
fn script_data(html: &str) -> serde_json::Value {
    let start = html
        .find(r#"<script type="application/json" id="directory-data">"#)
        .unwrap();
    let rest = &html[start..];
    let open = rest.find('>').unwrap() + 1;
    let close = rest.find("</script>").unwrap();
    serde_json::from_str(&rest[open..close]).unwrap()
}

#[test]
fn the_page() {
    insta::assert_snapshot!(page(true));
}

#[test]
fn same_inputs_same_bytes() {
    assert_eq!(page(true), page(true));
}

#[test]
fn markup_from_the_directory_is_text() {
    let html = page(true);
    assert!(html.contains("Coaching &lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; mentoring"));
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<script>document.title"));
    // Exactly two script elements: the data and the page's own script.
    assert_eq!(html.matches("<script").count(), 2);
    assert_eq!(html.matches("</script>").count(), 2);
    // The Trust's `&` is escaped in attributes and text alike.
    assert!(html.contains(r#"<option value="Beta &amp; Co">Beta &amp; Co</option>"#));
}

#[test]
fn quotes_in_the_gap_table_never_reach_the_page() {
    let html = page(true);
    assert!(!html.contains("SECRET"));
    assert!(!html.contains("T01:t6.s1"));
}

#[test]
fn the_script_gets_what_it_filters_on() {
    let html = page(false);
    let data = script_data(&html);
    let ops = data["opportunities"].as_array().unwrap();
    let ids: Vec<&str> = ops.iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["A-AP", "A-CC", "B-COACH", "X-ONLINE"]);
    let by_id = |id: &str| ops.iter().find(|o| o["id"] == id).unwrap().clone();
    let online = by_id("X-ONLINE");
    assert_eq!(online["trust"], serde_json::Value::Null);
    assert_eq!(online["bands"], serde_json::json!(["2", "3", "4"]));
    // Codebook order, with the parent a sub-theme implies.
    assert_eq!(
        online["themes"],
        serde_json::json!(["barriers", "barriers.cost", "barriers.study_leave"])
    );
    assert_eq!(online["cost_pence"], 0);
    assert_eq!(online["worker_pays"], false);
    let coach = by_id("B-COACH");
    assert_eq!(coach["trust"], "Beta & Co");
    assert_eq!(coach["mode"], "online");
    assert_eq!(coach["cost_pence"], 12_050);
    assert_eq!(coach["worker_pays"], true);
    assert_eq!(
        coach["themes"],
        serde_json::json!(["manager", "manager.unsupportive"])
    );
    assert_eq!(by_id("A-AP")["cost_pence"], 700_000);
    // Every record has its row.
    for id in ids {
        assert!(html.contains(&format!(r#"<tr id="opp-{id}">"#)), "{id}");
    }
}

#[test]
fn a_hostile_trust_name_cannot_leave_the_data_element() {
    let codebook = codebook();
    let hostile = "</script><script>document.title='X'</script>\u{2028}&";
    let csv = format!(
        "id,title,provider,trust,delivery,duration,cost_gbp,who_pays,funding,level,bands,themes\n\
         H-1,Course,Provider,\"{hostile}\",online,1 day,0,nobody,free,none,3,barriers.cost\n"
    );
    let directory = Directory::parse(
        &[(Path::new("h.csv"), csv.as_bytes())],
        (
            Path::new("themes.csv"),
            b"theme,kind\nbarriers.cost,barrier\n",
        ),
        &codebook,
    )
    .unwrap();
    let files = render(&SiteInput {
        title: "t",
        directory: &directory,
        codebook: &codebook,
        demand: None,
    })
    .unwrap();
    let html = String::from_utf8(files[0].bytes.clone()).unwrap();
    assert_eq!(html.matches("<script").count(), 2);
    let json_start = html.find(r#"id="directory-data">"#).unwrap();
    let json_end = json_start + html[json_start..].find("</script>").unwrap();
    assert!(!html[json_start..json_end].contains('\u{2028}'));
    assert!(html.contains(r#""trust":"\u003c/script\u003e\u003cscript\u003edocument.title='X'\u003c/script\u003e\u2028\u0026""#));
    assert_eq!(script_data(&html)["opportunities"][0]["trust"], hostile);
}

#[test]
fn pathway_steps_run_up_the_bands_and_link_both_ways() {
    let html = page(false);
    let start = html
        .find("Start of the support-worker pathway</h3>")
        .unwrap();
    let band4 = html
        .find("Band 3 to Band 4 assistant practitioner</h3>")
        .unwrap();
    assert!(start < band4);
    assert!(html.contains(r##"<a href="#step-1">Start of the support-worker pathway</a>"##));
    assert!(html.contains(r##"<a href="#step-2">Band 3 to Band 4 assistant practitioner</a>"##));
    assert!(html.contains(r##"<section class="step" id="step-2" aria-labelledby="step-2-h">"##));
    assert!(html.contains(
        r##"<li><a href="#opp-A-AP">Assistant practitioner programme</a> <span class="muted">(Alpha staff)</span></li>"##
    ));
}

#[test]
fn themes_carry_labels_definitions_kinds_and_demand() {
    let html = page(true);
    let section = |id: &str| {
        let start = html
            .find(&format!(r#"<section class="theme" id="theme-{id}""#))
            .unwrap_or_else(|| panic!("no section for {id}"));
        let end = start + html[start..].find("</section>").unwrap();
        html[start..end].to_string()
    };
    let cost = section("barriers.cost");
    assert!(cost.contains("Cost <span class=\"kind\">a barrier</span>"));
    assert!(cost.contains("Having to pay for training or its travel."));
    assert!(cost.contains(
        "Voiced by 2 of 4 workers interviewed (Alpha: 2 of 3; Beta &amp; Co: 0 of 1). Largest gap: Alpha, Band 2 (1 of 1 workers; gap score 0.333, rank 4 of 9)."
    ));
    assert!(cost.contains("Addressed by 2 opportunities"));
    assert!(cost.contains(r##"href="#theme=barriers.cost""##));
    let band4 = section("band4");
    assert!(band4.contains("Voiced by 3 of 4 workers interviewed (Alpha: 2 of 3; Beta &amp; Co: 1 of 1). Largest gap: Alpha, Band 3 (2 of 2 workers; gap score 1, rank 1 of 9)."));
    assert!(band4.contains("an aspiration"));
    // The parent of an addressed theme is listed, with both its children's
    // provision.
    let barriers = section("barriers");
    assert!(barriers.contains("Addressed by 2 opportunities"));
    assert!(barriers.contains(
        r##"<li><a href="#opp-X-ONLINE">Online study skills</a> <span class="muted">(any Trust)</span></li>"##
    ));
    assert!(!barriers.contains("class=\"kind\""));
    // A gap theme nothing addresses says so.
    let supportive = section("manager.supportive");
    assert!(supportive.contains("No opportunity in the directory addresses this."));
    assert!(supportive.contains(r##"Part of <a href="#theme-manager">Line manager</a>"##));
    assert!(!supportive.contains("Voiced by"));
    // The table links each opportunity's themes by label.
    assert!(html
        .contains(r##"<li><a href="#theme-manager.unsupportive">Unsupportive manager</a></li>"##));
    // Without the analysis, no demand.
    assert!(!page(false).contains("Voiced by"));
}

#[test]
fn costs_and_filters_are_shown_as_readers_expect() {
    let html = page(false);
    assert!(html.contains(
        r#"<td><span class="amount">£7,000</span><p class="detail">paid by the Trust; apprenticeship levy</p></td>"#
    ));
    assert!(html.contains(r#"<td><span class="amount">£120.50</span><p class="detail">shared by the Trust and the worker; Trust CPD budget</p></td>"#));
    assert!(html.contains(
        r#"<td><span class="amount">Free</span><p class="detail">free to everyone</p></td>"#
    ));
    // Filter menus: Trusts and bands from the directory, themes indented
    // under their parents.
    assert!(html.contains(r#"<option value="Alpha">Alpha</option>"#));
    assert!(!html.contains(r#"<option value="external">"#));
    for b in ["2", "3", "4"] {
        assert!(html.contains(&format!(r#"<option value="{b}">Band {b}</option>"#)));
    }
    assert!(html.contains("<option value=\"barriers.cost\">\u{a0}\u{a0}\u{a0}Cost</option>"));
    // Every control has a label.
    for id in [
        "f-trust",
        "f-band",
        "f-theme",
        "f-mode",
        "f-maxcost",
        "f-workerpays",
    ] {
        assert!(html.contains(&format!(r#"<label for="{id}">"#)), "{id}");
        assert!(html.contains(&format!(r#"id="{id}""#)), "{id}");
    }
    assert!(html.contains(r#"Showing <strong id="shown">4</strong> of 4 opportunities"#));
}

#[test]
fn headings_descend_one_level_at_a_time() {
    let html = page(true);
    let mut last = 0;
    let mut seen = 0;
    for (i, _) in html.match_indices("<h") {
        let Some(level) = html[i + 2..].chars().next().and_then(|c| c.to_digit(10)) else {
            continue;
        };
        assert!(level <= last + 1, "h{level} after h{last}");
        last = level;
        seen += 1;
    }
    assert!(seen > 5);
}

#[test]
fn gap_tables_are_checked() {
    let codebook = codebook();
    let path = Path::new("analysis/gap.csv");
    let e = Demand::from_gap_csv(path, b"rank,theme\n1,band4\n", &codebook).unwrap_err();
    assert_eq!(
        e.to_string(),
        "analysis/gap.csv:1: missing column `label`: expected the gap table `strand analyse` writes (gap.csv)"
    );
    let header = "rank,kind,theme,label,trust,band,cases_total,demand_cases,gap_score\n";
    let e = Demand::from_gap_csv(
        path,
        format!("{header}1,need,band4,B,Alpha,3,2,2,1\n2,need,band5,B,Alpha,3,2,2,1\n").as_bytes(),
        &codebook,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "analysis/gap.csv:3: column 3 (theme): theme `band5` is not in the codebook; was the analysis made with another codebook?"
    );
    let e = Demand::from_gap_csv(
        path,
        format!("{header}1,need,band4,B,Alpha,3,two,2,1\n").as_bytes(),
        &codebook,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "analysis/gap.csv:2: column 7 (cases_total): `two` is not a whole number"
    );
    // The fixture's numbers, by hand (see its README).
    let d = demand(&codebook);
    assert_eq!(d.rows, 9);
    let cost = &d.themes["barriers.cost"];
    assert_eq!((cost.cases, cost.total), (2, 4));
    assert_eq!(cost.by_trust["Alpha"], (2, 3));
    assert_eq!(cost.by_trust["Beta & Co"], (0, 1));
    assert_eq!((cost.top.rank, cost.top.band.as_str()), (4, "2"));
    let leave = &d.themes["barriers.study_leave"];
    assert_eq!((leave.top.rank, leave.top.trust.as_str()), (3, "Beta & Co"));
}
