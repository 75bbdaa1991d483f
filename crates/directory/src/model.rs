//! The directory's vocabulary: the typed values a cell may hold.

use std::fmt;
use std::path::PathBuf;

/// One learning opportunity: a course, qualification, apprenticeship,
/// scheme or training day that support workers could take up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opportunity {
    /// Stable id, unique across the directory (`NB-L3CMH`).
    pub id: String,
    pub title: String,
    pub provider: String,
    /// Who may take it up: one Trust's staff, or every Trust's.
    pub offered_to: OfferedTo,
    pub delivery: Delivery,
    /// Where it happens (empty for online provision).
    pub location: String,
    /// As written (`12 weeks`, `2 days`, `18 months`): durations are read
    /// by people, never computed on.
    pub duration: String,
    /// The fee for one place.
    pub cost: Cost,
    pub who_pays: Payer,
    pub funding: Funding,
    /// As written; empty when there are none.
    pub entry_requirements: String,
    pub level: Level,
    /// The Agenda for Change bands it is open to, ascending.
    pub bands: Vec<Band>,
    /// The step on a career pathway it supports (`Band 3 to Band 4
    /// assistant practitioner`); empty when it is not a step.
    pub pathway_step: String,
    /// The NHS Knowledge and Skills Framework dimensions it develops.
    pub ksf: Vec<Ksf>,
    /// The codebook codes (themes) it addresses, as written.
    pub themes: Vec<String>,
    pub notes: String,
    /// The row it was read from, for messages about it.
    pub origin: Origin,
}

impl Opportunity {
    /// Whether a worker of `trust` on `band` may take it up.
    pub fn open_to(&self, trust: &str, band: &Band) -> bool {
        self.offered_to.includes(trust) && self.bands.contains(band)
    }
}

/// The file and line an opportunity was read from, and the column its Trust
/// is in (checked later, against the cases).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: PathBuf,
    pub line: u64,
    pub trust_column: (usize, String),
}

/// Whose staff an opportunity is open to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum OfferedTo {
    /// Only the staff of this Trust (as the cases file names it).
    Trust(String),
    /// Staff of any Trust: national or regional provision, colleges and
    /// universities a worker can apply to directly.
    External,
}

impl OfferedTo {
    pub fn includes(&self, trust: &str) -> bool {
        match self {
            OfferedTo::Trust(t) => t == trust,
            OfferedTo::External => true,
        }
    }
}

impl fmt::Display for OfferedTo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OfferedTo::Trust(t) => f.write_str(t),
            OfferedTo::External => f.write_str("external"),
        }
    }
}

/// A cost in pence, so sums and comparisons are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cost(pub u64);

impl Cost {
    /// Reads pounds as a spreadsheet shows them: `0`, `250`, `1200.50`,
    /// `£1,200` (a pound sign and thousands commas are allowed, pence to
    /// two places at most, nothing negative).
    pub fn parse(s: &str) -> Option<Cost> {
        let s = s.trim();
        let s = s.strip_prefix('£').unwrap_or(s).trim();
        let (pounds, pence) = match s.split_once('.') {
            Some((p, d)) => (p, d),
            None => (s, ""),
        };
        if pounds.is_empty() || pence.len() > 2 {
            return None;
        }
        // Commas only as thousands separators: 1,200 but not 12,00.
        let groups: Vec<&str> = pounds.split(',').collect();
        let grouped_ok = groups.len() == 1
            || (!groups[0].is_empty()
                && groups[0].len() <= 3
                && groups[1..].iter().all(|g| g.len() == 3));
        let digits: String = groups.concat();
        if !grouped_ok
            || !digits.bytes().all(|b| b.is_ascii_digit())
            || !pence.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let pounds: u64 = digits.parse().ok()?;
        let pence: u64 = match pence.len() {
            0 => 0,
            1 => pence.parse::<u64>().ok()? * 10,
            _ => pence.parse().ok()?,
        };
        pounds.checked_mul(100)?.checked_add(pence).map(Cost)
    }

    pub fn pounds(self) -> f64 {
        self.0 as f64 / 100.0
    }

    pub fn is_free(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Display for Cost {
    /// `1200.50`, or `250` when there are no pence: plain numbers a
    /// spreadsheet reads as such.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(100) {
            write!(f, "{}", self.0 / 100)
        } else {
            write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
        }
    }
}

/// Declares a closed vocabulary read from one cell: its spellings, in the
/// order messages list them.
macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// Reads a cell, ignoring case and surrounding spaces.
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                $name::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s))
            }

            pub(crate) fn allowed() -> String {
                $name::ALL
                    .iter()
                    .map(|v| format!("`{}`", v.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// How an opportunity is delivered.
    Delivery {
        Classroom = "classroom",
        Online = "online",
        /// Some classroom or university days, some online or at work.
        Blended = "blended",
        /// Learnt and assessed on the job: workbooks, observation,
        /// mentoring.
        Workplace = "workplace",
    }
}

vocabulary! {
    /// Who pays the fee.
    Payer {
        /// The employing Trust, from whatever budget.
        Trust = "trust",
        /// The worker, in full.
        Worker = "worker",
        /// The Trust and the worker between them.
        Shared = "shared",
        /// Nobody: there is no fee.
        Nobody = "nobody",
    }
}

impl Payer {
    /// Whether the worker pays any of the fee.
    pub fn worker_pays(self) -> bool {
        matches!(self, Payer::Worker | Payer::Shared)
    }
}

vocabulary! {
    /// Where the money comes from.
    Funding {
        /// The employer's apprenticeship levy account.
        ApprenticeshipLevy = "apprenticeship-levy",
        /// The Trust's continuing professional development budget, bid for.
        TrustCpd = "trust-cpd",
        /// The Trust's core training budget (induction, mandatory, in-house
        /// programmes).
        TrustCore = "trust-core",
        /// National or regional NHS funding.
        National = "national",
        /// The worker's own money.
        SelfFunded = "self-funded",
        /// Free at the point of use (adult skills funding, charities).
        Free = "free",
    }
}

vocabulary! {
    /// The kinds of theme a gap analysis weighs demand for.
    GapKind {
        /// Something workers say they need to learn or be given.
        Need = "need",
        /// Something that stops them getting to learning.
        Barrier = "barrier",
        /// Somewhere they want to get to (a role, a qualification).
        Aspiration = "aspiration",
    }
}

/// An NHS Agenda for Change pay band: `2`, `3`, `8a`. Ordered as the pay
/// scale is (2 < 3 < 8a < 8b < 9).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Band(u8, u8);

impl Band {
    /// Reads `3`, `Band 3`, `band 8A`.
    pub fn parse(s: &str) -> Option<Band> {
        let s = s.trim();
        let s = match s.get(..4) {
            Some(p) if p.eq_ignore_ascii_case("band") => s[4..].trim(),
            _ => s,
        };
        let lower = s.to_ascii_lowercase();
        match lower.as_str() {
            "1" | "2" | "3" | "4" | "5" | "6" | "7" | "9" => Some(Band(lower.parse().ok()?, 0)),
            "8a" => Some(Band(8, 1)),
            "8b" => Some(Band(8, 2)),
            "8c" => Some(Band(8, 3)),
            "8d" => Some(Band(8, 4)),
            _ => None,
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        if self.1 > 0 {
            write!(f, "{}", (b'a' + self.1 - 1) as char)?;
        }
        Ok(())
    }
}

/// A Knowledge and Skills Framework dimension: core `C1`-`C6`, or specific
/// (`HWB1`-`HWB10` health and wellbeing, `EF1`-`EF3` estates and
/// facilities, `IK1`-`IK3` information and knowledge, `G1`-`G8` general).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ksf(String);

impl Ksf {
    pub fn parse(s: &str) -> Option<Ksf> {
        let upper = s.trim().to_ascii_uppercase();
        let split = upper.find(|c: char| c.is_ascii_digit())?;
        let (prefix, number) = upper.split_at(split);
        let n: u8 = number.parse().ok()?;
        if number.starts_with('0') {
            return None;
        }
        let max = match prefix {
            "C" => 6,
            "HWB" => 10,
            "EF" | "IK" => 3,
            "G" => 8,
            _ => return None,
        };
        (1..=max).contains(&n).then_some(Ksf(upper))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Ksf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A qualification level on the Regulated Qualifications Framework, or
/// none (a training day, a scheme, the Care Certificate, which is a
/// standard rather than a qualification).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    None,
    Entry,
    Rqf(u8),
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        let s = s.trim();
        let s = match s.get(..5) {
            Some(p) if p.eq_ignore_ascii_case("level") => s[5..].trim(),
            _ => s,
        };
        if s.eq_ignore_ascii_case("none") {
            return Some(Level::None);
        }
        if s.eq_ignore_ascii_case("entry") {
            return Some(Level::Entry);
        }
        match s.parse::<u8>() {
            Ok(n @ 1..=8) => Some(Level::Rqf(n)),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Level::None => f.write_str("none"),
            Level::Entry => f.write_str("entry"),
            Level::Rqf(n) => write!(f, "{n}"),
        }
    }
}

/// A codebook theme the gap analysis covers, and what kind of theme it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapTheme {
    pub theme: String,
    pub kind: GapKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn costs_read_as_spreadsheets_write_them() {
        let ok = [
            ("0", 0),
            ("250", 25_000),
            ("1200.50", 120_050),
            ("1200.5", 120_050),
            ("£1,200", 120_000),
            (" £ 15,000.00 ", 1_500_000),
        ];
        for (s, pence) in ok {
            assert_eq!(Cost::parse(s), Some(Cost(pence)), "{s}");
        }
        for bad in [
            "",
            "-5",
            "two hundred",
            "12,00",
            "1.234",
            "£",
            "1,2345",
            "1e3",
            ".5",
        ] {
            assert_eq!(Cost::parse(bad), None, "{bad}");
        }
        assert_eq!(Cost(120_050).to_string(), "1200.50");
        assert_eq!(Cost(25_000).to_string(), "250");
    }

    #[test]
    fn bands_follow_the_pay_scale() {
        assert_eq!(Band::parse("Band 3"), Band::parse("3"));
        assert_eq!(Band::parse("8A").unwrap().to_string(), "8a");
        assert!(Band::parse("3").unwrap() < Band::parse("8a").unwrap());
        assert!(Band::parse("8d").unwrap() < Band::parse("9").unwrap());
        for bad in ["0", "10", "8e", "three", "", "4.5"] {
            assert_eq!(Band::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn ksf_dimensions_and_levels() {
        assert_eq!(Ksf::parse("hwb5").unwrap().as_str(), "HWB5");
        for bad in ["C7", "HWB11", "C0", "C01", "X1", "C", "G9"] {
            assert_eq!(Ksf::parse(bad), None, "{bad}");
        }
        assert_eq!(Level::parse("Level 3"), Some(Level::Rqf(3)));
        assert_eq!(Level::parse("none"), Some(Level::None));
        assert_eq!(Level::parse("9"), None);
    }

    #[test]
    fn vocabularies_ignore_case() {
        assert_eq!(
            Funding::parse(" Apprenticeship-Levy"),
            Some(Funding::ApprenticeshipLevy)
        );
        assert_eq!(Payer::parse("employer"), None);
        assert!(Payer::Shared.worker_pays() && !Payer::Trust.worker_pays());
        assert_eq!(
            Delivery::allowed(),
            "`classroom`, `online`, `blended`, `workplace`"
        );
    }
}
