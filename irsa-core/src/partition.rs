//! AWS partitions: their names, DNS suffixes and region naming.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ErrorKind};

/// An AWS partition, the first field of every ARN.
///
/// ```
/// use irsa_core::Partition;
///
/// let cn: Partition = "aws-cn".parse().unwrap();
/// assert_eq!(cn.dns_suffix(), "amazonaws.com.cn");
/// assert_eq!(Partition::for_region("cn-north-1"), Some(Partition::AwsCn));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Partition {
    /// `aws`: the commercial regions.
    #[default]
    Aws,
    /// `aws-cn`: the China regions.
    AwsCn,
    /// `aws-us-gov`: AWS GovCloud (US).
    AwsUsGov,
    /// `aws-iso`: US ISO East/West.
    AwsIso,
    /// `aws-iso-b`: US ISOB.
    AwsIsoB,
    /// `aws-iso-e`: EU ISOE.
    AwsIsoE,
    /// `aws-iso-f`: US ISOF.
    AwsIsoF,
    /// `aws-eusc`: the AWS European Sovereign Cloud.
    AwsEusc,
}

impl Partition {
    /// Every partition, in the order of [`Partition::name`]'s documentation.
    pub const ALL: [Partition; 8] = [
        Partition::Aws,
        Partition::AwsCn,
        Partition::AwsUsGov,
        Partition::AwsIso,
        Partition::AwsIsoB,
        Partition::AwsIsoE,
        Partition::AwsIsoF,
        Partition::AwsEusc,
    ];

    /// The partition's name as ARNs spell it (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso`,
    /// `aws-iso-b`, `aws-iso-e`, `aws-iso-f`, `aws-eusc`).
    pub fn name(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
            Partition::AwsIso => "aws-iso",
            Partition::AwsIsoB => "aws-iso-b",
            Partition::AwsIsoE => "aws-iso-e",
            Partition::AwsIsoF => "aws-iso-f",
            Partition::AwsEusc => "aws-eusc",
        }
    }

    /// The DNS suffix of the partition's service endpoints (`amazonaws.com`,
    /// `amazonaws.com.cn`, ...), as in the AWS SDKs' `partitions.json`.
    pub fn dns_suffix(self) -> &'static str {
        match self {
            Partition::Aws | Partition::AwsUsGov => "amazonaws.com",
            Partition::AwsCn => "amazonaws.com.cn",
            Partition::AwsIso => "c2s.ic.gov",
            Partition::AwsIsoB => "sc2s.sgov.gov",
            Partition::AwsIsoE => "cloud.adc-e.uk",
            Partition::AwsIsoF => "csp.hci.ic.gov",
            Partition::AwsEusc => "amazonaws.eu",
        }
    }

    /// The partition a region name belongs to, by the partitions' region naming
    /// (`cn-*` is aws-cn, `us-gov-*` aws-us-gov, `us-iso-*` aws-iso, ...), or `None` when the
    /// name is not shaped like a region (`<area>-<word>-<digits>`).
    pub fn for_region(region: &str) -> Option<Partition> {
        const PREFIXES: [(&str, Partition); 7] = [
            ("us-gov-", Partition::AwsUsGov),
            ("us-isob-", Partition::AwsIsoB),
            ("us-isof-", Partition::AwsIsoF),
            ("us-iso-", Partition::AwsIso),
            ("eu-isoe-", Partition::AwsIsoE),
            ("eusc-", Partition::AwsEusc),
            ("cn-", Partition::AwsCn),
        ];
        const AWS_AREAS: [&str; 9] = ["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"];
        for (prefix, partition) in PREFIXES {
            if let Some(rest) = region.strip_prefix(prefix) {
                return is_word_dash_digits(rest).then_some(partition);
            }
        }
        let (area, rest) = region.split_once('-')?;
        (AWS_AREAS.contains(&area) && is_word_dash_digits(rest)).then_some(Partition::Aws)
    }
}

/// `<word>-[<word>-...]<digits>`, the tail of every region name (`west-1`, `de-east-1`).
fn is_word_dash_digits(s: &str) -> bool {
    match s.rsplit_once('-') {
        Some((words, digits)) => {
            words.split('-').all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase()))
                && !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Partition {
    type Err = Error;

    fn from_str(s: &str) -> Result<Partition, Error> {
        Partition::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| Error::new(ErrorKind::Partition, s, format!("expected one of {}", partition_list())))
    }
}

/// The partition names, comma-separated, for error messages.
pub(crate) fn partition_list() -> String {
    Partition::ALL.map(Partition::name).join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_map_to_their_partitions() {
        let check = |region: &str, expected: Option<Partition>| {
            assert_eq!(Partition::for_region(region), expected, "{region}");
        };
        check("eu-west-1", Some(Partition::Aws));
        check("ap-southeast-2", Some(Partition::Aws));
        check("il-central-1", Some(Partition::Aws));
        check("cn-north-1", Some(Partition::AwsCn));
        check("cn-northwest-1", Some(Partition::AwsCn));
        check("us-gov-west-1", Some(Partition::AwsUsGov));
        check("us-iso-east-1", Some(Partition::AwsIso));
        check("us-isob-east-1", Some(Partition::AwsIsoB));
        check("eu-isoe-west-1", Some(Partition::AwsIsoE));
        check("us-isof-south-1", Some(Partition::AwsIsoF));
        check("eusc-de-east-1", Some(Partition::AwsEusc));
        check("eu-west", None);
        check("xx-west-1", None);
        check("EU-WEST-1", None);
        check("us-gov-west-", None);
        check("", None);
    }

    #[test]
    fn names_round_trip() {
        for p in Partition::ALL {
            assert_eq!(p.name().parse::<Partition>().unwrap(), p);
        }
        let err = "aws-bogus".parse::<Partition>().unwrap_err();
        assert!(err.rule().contains("aws-us-gov"), "{err}");
    }
}
