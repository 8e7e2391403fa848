//! `Deserialize` for the validated input types: each reads a string and checks it with its
//! `FromStr`, so a spec file's bad value is reported where it stands.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::{AccountId, LegacyPrincipal, OidcProvider, Partition, PolicyArn, RoleName, RolePath, ServiceAccount};

struct FromStrVisitor<T>(PhantomData<T>);

impl<T> Visitor<'_> for FromStrVisitor<T>
where
    T: FromStr<Err = crate::Error>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(|e: crate::Error| E::custom(e.message()))
    }
}

macro_rules! string_serde {
    ($($ty:ty),* $(,)?) => {$(
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str(FromStrVisitor(PhantomData))
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }
    )*};
}

string_serde!(LegacyPrincipal, OidcProvider, Partition, PolicyArn, RoleName, RolePath, ServiceAccount);

impl Serialize for AccountId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AccountId {
    /// A string of 12 digits; an unquoted YAML number is accepted when it has 12 digits.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AccountVisitor;

        impl Visitor<'_> for AccountVisitor {
            type Value = AccountId;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a 12-digit account ID")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<AccountId, E> {
                v.parse().map_err(|e: crate::Error| E::custom(e.message()))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<AccountId, E> {
                let digits = v.to_string();
                digits.parse().map_err(|_| {
                    E::custom(format!(
                        "invalid account ID `{digits}`: an AWS account ID is exactly 12 digits; quote it (\"012345678901\") so a leading zero is kept"
                    ))
                })
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<AccountId, E> {
                Err(E::custom(format!("invalid account ID `{v}`: an AWS account ID is exactly 12 digits")))
            }
        }

        deserializer.deserialize_any(AccountVisitor)
    }
}

impl<'de> Deserialize<'de> for crate::Audience {
    /// `auto`, `none`, one value, or a list of values.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let values = crate::policy::OneOrMany::<String>::deserialize(deserializer)?;
        crate::Audience::parse_flags(values.as_slice()).map_err(|e| de::Error::custom(e.message()))
    }
}
