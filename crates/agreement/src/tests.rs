#![allow(clippy::single_range_in_vec_init)] // ranges of coded characters, not a Vec built from a range
use super::*;

fn close(a: Option<f64>, b: f64) {
    let a = a.expect("defined");
    assert!((a - b).abs() < 1e-12, "{a} != {b}");
}

#[test]
fn kappa_matches_a_hand_computed_table() {
    // 10 units: both yes 4, both no 3, A yes B no 2, A no B yes 1.
    // po = 0.7; pA(yes) = 0.6, pB(yes) = 0.5; pe = 0.3 + 0.2 = 0.5;
    // kappa = (0.7 - 0.5) / 0.5 = 0.4.
    let mut units = vec![[Some(1), Some(1)]; 4];
    units.extend(vec![[Some(0), Some(0)]; 3]);
    units.extend(vec![[Some(1), Some(0)]; 2]);
    units.push([Some(0), Some(1)]);
    units.push([Some(1), None]); // one coder missing: not counted
    close(cohen_kappa(&units), 0.4);
    assert_eq!(cohen_kappa(&[[Some(1), Some(1)]; 3]), None);
    assert_eq!(cohen_kappa(&[[Some(1), None]]), None);
}

#[test]
fn alpha_matches_krippendorffs_worked_example() {
    // Krippendorff (2011), "Computing Krippendorff's alpha-reliability",
    // section B: four coders, twelve units, missing data; nominal alpha 0.743.
    let data: [[Option<u32>; 12]; 4] = [
        [
            Some(1),
            Some(2),
            Some(3),
            Some(3),
            Some(2),
            Some(1),
            Some(4),
            Some(1),
            Some(2),
            None,
            None,
            None,
        ],
        [
            Some(1),
            Some(2),
            Some(3),
            Some(3),
            Some(2),
            Some(2),
            Some(4),
            Some(1),
            Some(2),
            Some(5),
            None,
            Some(3),
        ],
        [
            None,
            Some(3),
            Some(3),
            Some(3),
            Some(2),
            Some(3),
            Some(4),
            Some(2),
            Some(2),
            Some(5),
            Some(1),
            None,
        ],
        [
            Some(1),
            Some(2),
            Some(3),
            Some(3),
            Some(2),
            Some(4),
            Some(4),
            Some(1),
            Some(2),
            Some(5),
            Some(1),
            None,
        ],
    ];
    let units: Vec<Vec<Value>> = (0..12)
        .map(|u| (0..4).map(|c| data[c][u]).collect())
        .collect();
    let alpha = krippendorff_alpha(&units).unwrap();
    assert!((alpha - 0.743).abs() < 0.0005, "{alpha}");
    assert_eq!(krippendorff_alpha(&[vec![Some(1), Some(1)]]), None);
    assert_eq!(krippendorff_alpha(&[vec![Some(1), None]]), None);
}

#[test]
fn percent_agreement_skips_units_with_one_coder() {
    let units = vec![
        vec![Some(1), Some(1), None],
        vec![Some(1), Some(0), Some(1)],
        vec![Some(0), None, None],
        vec![Some(0), Some(0), Some(0)],
    ];
    close(percent_agreement(&units), 2.0 / 3.0);
    assert_eq!(percent_agreement(&[vec![Some(1), None]]), None);
}

#[test]
fn character_counts_merge_overlaps_and_compute_nvivo_kappa() {
    // 100 characters; A codes 0..30 and 20..40 (merged 0..40), B codes 30..60.
    let c = CharacterCounts::from_ranges(100, &[0..30, 20..40], &[30..60]);
    assert_eq!(
        c,
        CharacterCounts {
            total: 100,
            both: 10,
            first_only: 30,
            second_only: 20
        }
    );
    // agree = both 10 + neither 40 = 0.5; pe = 0.4*0.3 + 0.6*0.7 = 0.54;
    // kappa = (0.5 - 0.54) / 0.46.
    close(c.percent_agreement(), 0.5);
    close(c.kappa(), (0.5 - 0.54) / 0.46);
    let nothing = CharacterCounts::from_ranges(50, &[], &[]);
    close(nothing.kappa(), 1.0);
    let (p, k) = character_agreement(&[c, nothing]);
    close(p, (0.5 * 100.0 + 50.0) / 150.0);
    close(k, ((0.5 - 0.54) / 0.46 * 100.0 + 50.0) / 150.0);
}
