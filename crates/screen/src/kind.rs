use std::fmt;
use std::str::FromStr;

use crate::Error;

/// The sort of identifying detail a [`Finding`](crate::Finding) is.
///
/// Variants are declared in precedence order: when two equally long
/// candidates overlap, the earlier kind wins. A number that passes the NHS
/// checksum is stronger evidence than the same digits read as a phone
/// number, and a pattern rule is more specific than a list entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Email,
    Url,
    NhsNumber,
    NiNumber,
    Phone,
    DateOfBirth,
    Postcode,
    Name,
    Place,
    /// A speaker label that is neither a pseudonymous id nor a role word
    /// (`Alex Smith (00:02:00):`). Found by the caller, which knows the
    /// transcript's turns; redacted like a listed name.
    SpeakerName,
}

impl Kind {
    /// Every kind, in precedence order.
    pub const ALL: [Kind; 10] = [
        Kind::Email,
        Kind::Url,
        Kind::NhsNumber,
        Kind::NiNumber,
        Kind::Phone,
        Kind::DateOfBirth,
        Kind::Postcode,
        Kind::Name,
        Kind::Place,
        Kind::SpeakerName,
    ];

    /// A stable, lower-case id, for configuration files and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Url => "url",
            Kind::NhsNumber => "nhs_number",
            Kind::NiNumber => "ni_number",
            Kind::Phone => "phone",
            Kind::DateOfBirth => "date_of_birth",
            Kind::Postcode => "postcode",
            Kind::Name => "name",
            Kind::Place => "place",
            Kind::SpeakerName => "speaker_name",
        }
    }

    /// A plain-English description, for messages to researchers.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Email => "e-mail address",
            Kind::Url => "web address",
            Kind::NhsNumber => "NHS number",
            Kind::NiNumber => "National Insurance number",
            Kind::Phone => "UK phone number",
            Kind::DateOfBirth => "date of birth",
            Kind::Postcode => "UK postcode",
            Kind::Name => "name from the names list",
            Kind::Place => "place from the places list",
            Kind::SpeakerName => "speaker label that may be a name",
        }
    }

    /// The bracketed label that replaces a detail of this kind in redacted
    /// text. Names and places get numbered pseudonyms instead (see
    /// [`Redactor`](crate::Redactor)), so their labels are only the stem.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Email => "email",
            Kind::Url => "URL",
            Kind::NhsNumber => "NHS number",
            Kind::NiNumber => "NI number",
            Kind::Phone => "phone",
            Kind::DateOfBirth => "date of birth",
            Kind::Postcode => "postcode",
            Kind::Name => "Name",
            Kind::Place => "Place",
            Kind::SpeakerName => "Name",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Kind, Error> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| Error::UnknownKind { id: s.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(kind.as_str().parse::<Kind>().unwrap(), kind);
            assert_eq!(kind.to_string(), kind.as_str());
        }
        let ids: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            ids,
            [
                "email",
                "url",
                "nhs_number",
                "ni_number",
                "phone",
                "date_of_birth",
                "postcode",
                "name",
                "place",
                "speaker_name"
            ]
        );
    }

    #[test]
    fn unknown_id_is_an_error() {
        let err = "Email".parse::<Kind>().unwrap_err();
        assert!(matches!(err, Error::UnknownKind { .. }));
        assert!(err.to_string().contains("expected one of email"));
        assert!("".parse::<Kind>().is_err());
    }

    #[test]
    fn descriptions() {
        assert_eq!(Kind::Phone.describe(), "UK phone number");
        assert_eq!(Kind::NhsNumber.describe(), "NHS number");
    }
}
