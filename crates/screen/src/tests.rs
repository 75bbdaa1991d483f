use super::*;
use crate::screen::nhs_mod11;

/// One screen for all tests: compiling the rules once is the intended use,
/// and unoptimised test builds compile Unicode classes slowly.
fn screen() -> &'static Screen {
    static SCREEN: std::sync::OnceLock<Screen> = std::sync::OnceLock::new();
    SCREEN.get_or_init(|| {
        let names = ["Mary", "Mary Ann", "John Smith", "Siân", "O'Brien"].map(String::from);
        let places = ["Leeds", "St Mary's Hospital", "Hebden Bridge"].map(String::from);
        Screen::new(&names, &places).unwrap()
    })
}

/// The kinds and matched texts of every finding, for compact assertions.
fn found(text: &str) -> Vec<(Kind, &str)> {
    screen()
        .scan(text)
        .into_iter()
        .map(|f| (f.kind, &text[f.span]))
        .collect()
}

fn kinds_of(kind: Kind, text: &str) -> Vec<&str> {
    found(text)
        .into_iter()
        .filter(|(k, _)| *k == kind)
        .map(|(_, s)| s)
        .collect()
}

fn assert_finds(kind: Kind, text: &str, expected: &str) {
    assert_eq!(found(text), [(kind, expected)], "in {text:?}");
}

fn assert_none(kind: Kind, text: &str) {
    assert!(
        kinds_of(kind, text).is_empty(),
        "{kind} found in {text:?}: {:?}",
        found(text)
    );
}

// --- e-mail and URLs --------------------------------------------------------

#[test]
fn emails() {
    assert_finds(
        Kind::Email,
        "write to mary.smith@nhs.net.",
        "mary.smith@nhs.net",
    );
    assert_finds(
        Kind::Email,
        "j_o+tag@Example.co.uk",
        "j_o+tag@Example.co.uk",
    );
    assert_finds(Kind::Email, "(a@b-c.org)", "a@b-c.org");
    assert_finds(Kind::Email, "é maría.lópez@nhs.net", "maría.lópez@nhs.net");
    for text in [
        "@handle on twitter",
        "meet @ 3pm",
        "user@localhost",
        "a@b.c",
        "email me at",
    ] {
        assert_none(Kind::Email, text);
    }
}

#[test]
fn urls() {
    assert_finds(
        Kind::Url,
        "see https://example.org/a?b=1.",
        "https://example.org/a?b=1",
    );
    assert_finds(Kind::Url, "HTTP://x.y", "HTTP://x.y");
    assert_finds(Kind::Url, "on www.trust.nhs.uk, then", "www.trust.nhs.uk");
    assert_finds(Kind::Url, "(http://a.b/c)", "http://a.b/c");
    for text in [
        "http is a protocol",
        "the www was slow",
        "https:// alone",
        "example.com",
        "www.",
    ] {
        assert_none(Kind::Url, text);
    }
}

#[test]
fn an_email_wins_over_the_name_inside_it() {
    assert_finds(Kind::Email, "mary@leeds.ac.uk", "mary@leeds.ac.uk");
    assert_finds(Kind::Url, "www.leeds.gov.uk", "www.leeds.gov.uk");
}

// --- phone numbers ----------------------------------------------------------

#[test]
fn phone_numbers() {
    for number in [
        "07700 900123",
        "07700900123",
        "07700 900 123",
        "07700-900-123",
        "020 7946 0958",
        "0161 496 0000",
        "0161-496-0000",
        "(0161) 496 0000",
        "(01632) 960 001",
        "0300 123 4567",
        "+44 7700 900123",
        "+447700900123",
        "+44 20 7946 0958",
        "+44 (0)20 7946 0958",
        "+44 (0) 161 496 0000",
        "016977 3456",
    ] {
        assert_finds(Kind::Phone, &format!("call me on {number}, ok"), number);
        assert_finds(Kind::Phone, number, number);
    }
}

#[test]
fn not_phone_numbers() {
    for text in [
        "in 2019 and 2020",
        "Band 3 nurse",
        "band 7, 8 hours",
        "ref 123456789012345",
        "ref 012345678901234",
        "0800 123 4567",
        "07700 9001",
        "01 02 03 04 05",
        "x07700900123",
        "07700900123x",
        "0161-496-0000-12",
        "12/03/1985",
        "score 0 out of 10",
    ] {
        assert_none(Kind::Phone, text);
    }
}

#[test]
fn a_phone_number_keeps_its_own_digits_only() {
    assert_finds(Kind::Phone, "07700 900123 12 times", "07700 900123");
    assert_eq!(kinds_of(Kind::Phone, "0 07700 900123"), ["07700 900123"]);
    assert_eq!(kinds_of(Kind::Phone, "2010 07700 900123"), ["07700 900123"]);
    assert_eq!(
        kinds_of(Kind::Phone, "07700 900123 or 020 7946 0958"),
        ["07700 900123", "020 7946 0958"]
    );
}

// --- NHS numbers ------------------------------------------------------------

#[test]
fn mod11() {
    for valid in ["9434765919", "4010232137", "4505577104", "1000000060"] {
        assert!(nhs_mod11(valid.as_bytes()), "{valid}");
    }
    // Wrong check digit; a check digit of 10 (never issued); wrong lengths.
    for invalid in [
        "9434765918",
        "9434765910",
        "1000000011",
        "1000000010",
        "943476591",
        "94347659190",
        "94347659a9",
    ] {
        assert!(!nhs_mod11(invalid.as_bytes()), "{invalid}");
    }
}

#[test]
fn nhs_numbers() {
    for number in ["943 476 5919", "9434765919", "943-476-5919", "401 023 2137"] {
        assert_finds(Kind::NhsNumber, &format!("NHS no. {number}."), number);
        assert_finds(Kind::NhsNumber, number, number);
    }
}

#[test]
fn not_nhs_numbers() {
    for text in [
        "943 476 5918",
        "9434765918",
        "943 476-5919",
        "94 3476 5919",
        "19434765919",
        "9434765919x",
        "1-943-476-5919",
        "123 456 7890",
    ] {
        assert_none(Kind::NhsNumber, text);
    }
}

#[test]
fn ten_digits_failing_the_check_may_still_be_a_phone_number() {
    assert!(!nhs_mod11(b"0123456780"));
    assert_finds(Kind::Phone, "0123456780", "0123456780");
    // Valid both ways: the checksum is the stronger evidence.
    assert_finds(Kind::NhsNumber, "0112345670", "0112345670");
}

// --- National Insurance numbers --------------------------------------------

#[test]
fn ni_numbers() {
    for number in [
        "AB123456C",
        "AB 12 34 56 C",
        "ab123456d",
        "JG 103759 A",
        "ZA 12 34 56 A",
    ] {
        assert_finds(Kind::NiNumber, &format!("NI: {number}."), number);
    }
}

#[test]
fn not_ni_numbers() {
    for text in [
        "DA123456A", // D is never a first letter
        "AD123456A", // nor a second
        "AO123456A", // O is never a second letter
        "QQ123456C",
        "VA123456C",
        "BG123456A", // excluded prefixes
        "GB123456A",
        "NK123456A",
        "KN123456A",
        "TN123456A",
        "NT123456A",
        "ZZ123456A",
        "AB123456E", // suffix only A-D
        "AB12345C",
        "XAB123456C",
        "AB123456CD",
    ] {
        assert_none(Kind::NiNumber, text);
    }
}

// --- postcodes --------------------------------------------------------------

#[test]
fn postcodes() {
    for code in [
        "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A 1BB", "W1A 0AX",
    ] {
        assert_finds(Kind::Postcode, &format!("lives at {code}, near"), code);
        let bare = code.replace(' ', "");
        assert_finds(Kind::Postcode, &bare, &bare);
        let lower = code.to_lowercase();
        if lower != "b33 8th" {
            assert_finds(Kind::Postcode, &lower, &lower);
        }
    }
    // Deliberately missed: in lower case it reads as an ordinal ("B1 4th").
    assert_none(Kind::Postcode, "b33 8th");
    assert_finds(Kind::Postcode, "EH1 1ST", "EH1 1ST");
}

#[test]
fn not_postcodes() {
    for text in [
        "the M1 motorway",
        "on the A4 2nd floor",
        "ward B1, 4th door",
        "an MP3 1st edition",
        "the B12 3rd",
        "at 2pm",
        "Q1 1AA",   // Q never starts a postcode
        "SW1A 1CA", // C never appears in the inward code
        "covid19 test",
        "ABC1 1AA",
        "SW1A 1AAB",
        "fine thanks",
    ] {
        assert_none(Kind::Postcode, text);
    }
}

// --- dates of birth ---------------------------------------------------------

#[test]
fn dates_of_birth() {
    for (text, date) in [
        ("I was born on 12/03/1985 in", "12/03/1985"),
        ("DOB: 12-03-85", "12-03-85"),
        ("D.O.B. 12.3.1985", "12.3.1985"),
        ("date of birth 12 March 1985.", "12 March 1985"),
        ("Date of Birth: 1985-03-12", "1985-03-12"),
        ("born March 12th 1985", "March 12th 1985"),
        ("born March 12th, 1985", "March 12th, 1985"),
        ("my birthday's the 3rd of May", "3rd of May"),
        ("born on the 3rd of Sept. 1990", "3rd of Sept. 1990"),
        ("BORN 03/12/1985", "03/12/1985"),
        ("born in the US on 12/25/1985", "12/25/1985"),
    ] {
        assert_finds(Kind::DateOfBirth, text, date);
    }
}

#[test]
fn dates_that_are_not_dates_of_birth() {
    for text in [
        "the course started on 12/03/2019",
        "12 March 1985 was when I qualified",
        "born in 1985",
        "born in March",
        // The date is too far from the word.
        "born, and then a long time later, many years on, I moved on 12/03/1999",
        // The date comes before the word.
        "12/03/1985 was when she was born",
        "stubborn about 12/03/2019",
        "newborn unit from 12/03/2019",
        "born 32/13/1985",
        "born 12/03-1985",
        "DOB 2019-13-01",
    ] {
        assert_none(Kind::DateOfBirth, text);
    }
}

#[test]
fn a_trigger_claims_only_the_next_date() {
    let text = "born 01/02/1980; the course ran from 03/04/2019 for a long, long while";
    assert_eq!(kinds_of(Kind::DateOfBirth, text), ["01/02/1980"]);
    let text = "born 1/2/1980, DOB 2/3/1981";
    assert_eq!(kinds_of(Kind::DateOfBirth, text), ["1/2/1980", "2/3/1981"]);
}

// --- names and places -------------------------------------------------------

#[test]
fn names_and_places() {
    assert_eq!(
        found("Mary Ann met John Smith in LEEDS at St Mary's Hospital."),
        [
            (Kind::Name, "Mary Ann"),
            (Kind::Name, "John Smith"),
            (Kind::Place, "LEEDS"),
            (Kind::Place, "St Mary's Hospital"),
        ]
    );
}

#[test]
fn longest_entry_wins_and_falls_back_to_shorter_ones() {
    assert_finds(Kind::Name, "mary ann said", "mary ann");
    // "Mary Ann" is not a whole word here, but "Mary" is.
    assert_finds(Kind::Name, "Mary Annette said", "Mary");
    assert_finds(Kind::Name, "Mary's view", "Mary");
}

#[test]
fn names_are_whole_words() {
    for text in ["Maryland", "rosemary", "Leedsian", "johnsmith", "SiânX"] {
        assert!(found(text).is_empty(), "{text}: {:?}", found(text));
    }
    assert_finds(Kind::Name, "(Mary)", "Mary");
    assert_finds(Kind::Name, "Mary-Jane", "Mary");
}

#[test]
fn names_fold_case_and_line_breaks_beyond_ascii() {
    assert_finds(Kind::Name, "SIÂN said", "SIÂN");
    assert_finds(Kind::Name, "é o'brien", "o'brien");
    assert_finds(Kind::Name, "then John\nSmith said", "John\nSmith");
    assert_finds(Kind::Place, "Zoë in hebden  bridge", "hebden  bridge");
    assert_finds(Kind::Place, "in Hebden \r\n Bridge", "Hebden \r\n Bridge");
    assert_finds(Kind::Name, "John  Smith", "John  Smith");
}

#[test]
fn an_entry_on_both_lists_is_a_name() {
    let s = Screen::new(&["Jordan".into()], &["jordan".into()]).unwrap();
    let f = s.scan("Jordan");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].kind, Kind::Name);
}

#[test]
fn bad_list_entries_are_errors_without_the_entry() {
    let err = Screen::new(&["Mary".into(), "  ".into()], &[]).unwrap_err();
    assert!(matches!(
        err,
        Error::EmptyEntry {
            list: "names",
            index: 2
        }
    ));
    let err = Screen::new(&[], &["Leeds".into(), "--".into()]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "places list, entry 2: no letters or digits; expected a name or place"
    );
}

#[test]
fn empty_lists_still_screen_patterns() {
    let s = Screen::new(&[], &[]).unwrap();
    assert_eq!(s.scan("07700 900123").len(), 1);
    assert!(s.scan("").is_empty());
}

// --- positions, overlaps ----------------------------------------------------

#[test]
fn findings_at_the_very_start_and_end() {
    let text = "Mary rang 07700 900123";
    let f = screen().scan(text);
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].span, 0..4);
    assert_eq!(f[1].span.end, text.len());
}

#[test]
fn lines_and_columns_count_characters() {
    let text = "Interviewer: Hello.\nP07: Siân rang 07700 900123\n\n  é é SW1A 1AA";
    let f = screen().scan(text);
    let at: Vec<(Kind, usize, usize)> = f.iter().map(|f| (f.kind, f.line, f.column)).collect();
    assert_eq!(
        at,
        [
            (Kind::Name, 2, 6),
            (Kind::Phone, 2, 16),
            (Kind::Postcode, 4, 7)
        ]
    );
    assert_eq!(&text[f[2].span.clone()], "SW1A 1AA");
}

#[test]
fn overlaps_keep_the_longer_then_the_earlier_kind() {
    // A name inside an e-mail address: the address is longer.
    assert_eq!(
        found("john.smith@x.org"),
        [(Kind::Email, "john.smith@x.org")]
    );
    // A place inside a URL.
    assert_eq!(
        found("www.leeds.ac.uk/x"),
        [(Kind::Url, "www.leeds.ac.uk/x")]
    );
    // Equal spans: NHS number before phone.
    assert_eq!(found("0112345670"), [(Kind::NhsNumber, "0112345670")]);
}

#[test]
fn findings_are_sorted_and_disjoint() {
    let text = "Mary (mary@x.org, 07700 900123) born 1/2/1980 in Leeds LS1 4AP; NHS 943 476 5919, NI AB123456C, www.x.org";
    let f = screen().scan(text);
    assert_eq!(f.len(), 9, "{:?}", found(text));
    for pair in f.windows(2) {
        assert!(pair[0].span.end <= pair[1].span.start);
    }
    let kinds: Vec<Kind> = f.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [
            Kind::Name,
            Kind::Email,
            Kind::Phone,
            Kind::DateOfBirth,
            Kind::Place,
            Kind::Postcode,
            Kind::NhsNumber,
            Kind::NiNumber,
            Kind::Url
        ]
    );
}

// --- privacy ----------------------------------------------------------------

#[test]
fn a_finding_never_shows_its_value() {
    let text = "x\nring 07700 900123";
    let f = &screen().scan(text)[0];
    assert_eq!(f.to_string(), "line 2, column 6: UK phone number");
    for shown in [f.to_string(), format!("{f:?}"), format!("{f:#?}")] {
        assert!(!shown.contains("07700"), "{shown}");
        assert!(!shown.contains("900123"), "{shown}");
    }
}

#[test]
fn debug_of_screen_and_redactor_hides_the_lists() {
    let s = screen();
    let shown = format!("{s:?}");
    assert!(
        !shown.contains("Mary") && !shown.to_lowercase().contains("mary"),
        "{shown}"
    );
    let mut r = Redactor::new();
    let text = "Mary";
    r.redact(text, &s.scan(text));
    assert!(!format!("{r:?}").contains("Mary"));
}

// --- redaction --------------------------------------------------------------

#[test]
fn redaction_is_consistent_across_documents() {
    let s = screen();
    let mut r = Redactor::new();
    let first = "Mary said John Smith works in Leeds. MARY agreed.";
    let second = "john smith, not Mary Ann, rang 07700 900123 from hebden bridge.";
    let a = r.redact(first, &s.scan(first));
    let b = r.redact(second, &s.scan(second));
    assert_eq!(
        a,
        "[Name 1] said [Name 2] works in [Place 1]. [Name 1] agreed."
    );
    assert_eq!(b, "[Name 2], not [Name 3], rang [phone] from [Place 2].");
    assert_eq!(
        r.key(),
        [
            ("Mary".to_string(), "[Name 1]".to_string()),
            ("John Smith".into(), "[Name 2]".into()),
            ("Mary Ann".into(), "[Name 3]".into()),
            ("Leeds".into(), "[Place 1]".into()),
            ("hebden bridge".into(), "[Place 2]".into()),
        ]
    );
}

#[test]
fn redaction_is_deterministic() {
    let s = screen();
    let docs = ["Leeds then Mary", "Siân and Mary Ann", "O'Brien in Leeds"];
    let run = || {
        let mut r = Redactor::new();
        let out: Vec<String> = docs.iter().map(|d| r.redact(d, &s.scan(d))).collect();
        (out, r.key())
    };
    assert_eq!(run(), run());
}

#[test]
fn every_kind_gets_a_label() {
    let s = screen();
    let text = "a@b.org https://x.y 943 476 5919 AB123456C 07700 900123 born 1/2/1980 M1 1AE";
    let mut r = Redactor::new();
    assert_eq!(
        r.redact(text, &s.scan(text)),
        "[email] [URL] [NHS number] [NI number] [phone] born [date of birth] [postcode]"
    );
    assert!(r.key().is_empty());
}

#[test]
fn key_sorts_by_pseudonym_number() {
    let names: Vec<String> = (1..=11).map(|i| format!("Person{i}")).collect();
    let s = Screen::new(&names, &[]).unwrap();
    let text = names.join(" ");
    let mut r = Redactor::new();
    r.redact(&text, &s.scan(&text));
    let pseudonyms: Vec<String> = r.key().into_iter().map(|(_, p)| p).collect();
    assert_eq!(pseudonyms[1], "[Name 2]");
    assert_eq!(pseudonyms[10], "[Name 11]");
}

#[test]
fn overlapping_findings_redact_their_union() {
    let text = "abcdefgh";
    let f = |start, end| Finding {
        kind: Kind::Phone,
        span: start..end,
        line: 1,
        column: start + 1,
    };
    let mut r = Redactor::new();
    assert_eq!(r.redact(text, &[f(4, 7), f(1, 5)]), "a[phone]h");
    assert_eq!(r.redact(text, &[]), text);
}
