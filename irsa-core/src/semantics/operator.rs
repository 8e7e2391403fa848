//! Condition operators: what `ForAnyValue:StringLikeIfExists` means, and whether it holds for
//! the values a request has.

use super::Truth;

/// The set qualifier of an operator (`ForAnyValue:`, `ForAllValues:`, or none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// No prefix: the operator is meant for a single-valued key.
    Single,
    /// `ForAnyValue:`: at least one request value must match (false for a missing key).
    ForAnyValue,
    /// `ForAllValues:`: every request value must match (true for a missing key).
    ForAllValues,
}

/// How a string operator compares one policy value with one request value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparison {
    /// `StringEquals`: exact, case-sensitive (`*` and `?` are literal).
    Equals,
    /// `StringEqualsIgnoreCase`: exact, ignoring case.
    EqualsIgnoreCase,
    /// `StringLike`: case-sensitive, `*` any run of characters, `?` one character.
    Like,
}

impl Comparison {
    /// Whether the policy value `policy` matches the request value `request`.
    ///
    /// ```
    /// use irsa_core::semantics::Comparison;
    ///
    /// assert!(Comparison::Like.matches("system:serviceaccount:ns:*", "system:serviceaccount:ns:app"));
    /// assert!(!Comparison::Equals.matches("system:serviceaccount:ns:*", "system:serviceaccount:ns:app"));
    /// assert!(Comparison::EqualsIgnoreCase.matches("Sts.AmazonAWS.com", "sts.amazonaws.com"));
    /// ```
    pub fn matches(self, policy: &str, request: &str) -> bool {
        match self {
            Comparison::Equals => policy == request,
            Comparison::EqualsIgnoreCase => {
                policy.eq_ignore_ascii_case(request)
                    || (!policy.is_ascii() || !request.is_ascii()) && policy.to_lowercase() == request.to_lowercase()
            }
            Comparison::Like => super::glob_match(policy, request),
        }
    }
}

/// What an operator tests, without its set qualifier and `IfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BaseOperator {
    /// A string operator, `negated` for the `Not` forms (`StringNotEquals`, `StringNotLike`, ...).
    String {
        /// How values are compared.
        comparison: Comparison,
        /// Whether it is the negated form (values NORed).
        negated: bool,
    },
    /// `Null`: `"true"` asks for the key to be absent, `"false"` for it to be present.
    Null,
    /// An operator irsa does not evaluate (numeric, date, ARN, IP, Bool, Binary, or unknown):
    /// its outcome is never guessed.
    Unevaluated,
}

/// A condition operator, parsed: `ForAnyValue:StringNotLikeIfExists` is `ForAnyValue`, a
/// negated `Like`, and `IfExists`.
///
/// ```
/// use irsa_core::semantics::{BaseOperator, Comparison, Operator, SetQualifier};
///
/// let op = Operator::parse("ForAnyValue:StringNotLikeIfExists");
/// assert_eq!(op.set, SetQualifier::ForAnyValue);
/// assert_eq!(op.base, BaseOperator::String { comparison: Comparison::Like, negated: true });
/// assert!(op.if_exists);
/// assert_eq!(op.base_name, "StringNotLike");
/// assert!(!op.requires_match());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operator<'s> {
    /// The operator as written.
    pub text: &'s str,
    /// The operator without its set qualifier and `IfExists` (`StringLike`).
    pub base_name: &'s str,
    /// The set qualifier.
    pub set: SetQualifier,
    /// What it tests.
    pub base: BaseOperator,
    /// Whether it ends in `IfExists` (a missing key makes it true).
    pub if_exists: bool,
}

/// The values a request has for a condition key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyValues<'r> {
    /// The key is in the request, with these values (one for a single-valued key).
    Present(&'r [String]),
    /// The key is not in the request.
    Absent,
    /// irsa does not know whether the request has the key: never guessed.
    Unknown,
}

impl<'s> Operator<'s> {
    /// Parses an operator name. Names are case-sensitive, as IAM's documentation writes them;
    /// an unknown name parses as [`BaseOperator::Unevaluated`].
    pub fn parse(text: &'s str) -> Operator<'s> {
        let (set, rest) = if let Some(rest) = text.strip_prefix("ForAnyValue:") {
            (SetQualifier::ForAnyValue, rest)
        } else if let Some(rest) = text.strip_prefix("ForAllValues:") {
            (SetQualifier::ForAllValues, rest)
        } else {
            (SetQualifier::Single, text)
        };
        let (if_exists, base_name) = match rest.strip_suffix("IfExists") {
            Some(base) => (true, base),
            None => (false, rest),
        };
        let string = |comparison, negated| BaseOperator::String { comparison, negated };
        let base = match base_name {
            "StringEquals" => string(Comparison::Equals, false),
            "StringNotEquals" => string(Comparison::Equals, true),
            "StringEqualsIgnoreCase" => string(Comparison::EqualsIgnoreCase, false),
            "StringNotEqualsIgnoreCase" => string(Comparison::EqualsIgnoreCase, true),
            "StringLike" => string(Comparison::Like, false),
            "StringNotLike" => string(Comparison::Like, true),
            // `NullIfExists` is not an operator: IAM documents IfExists for every operator but Null.
            "Null" if !if_exists && set == SetQualifier::Single => BaseOperator::Null,
            _ => BaseOperator::Unevaluated,
        };
        Operator { text, base_name, set, base, if_exists }
    }

    /// Whether the operator needs a request value to match one of its values: a string
    /// operator that is not negated (`StringEquals`, `ForAnyValue:StringLike`, ...). Negations,
    /// `Null` and unevaluated operators do not.
    pub fn requires_match(&self) -> bool {
        matches!(self.base, BaseOperator::String { negated: false, .. })
    }

    /// The comparison of a string operator.
    pub fn comparison(&self) -> Option<Comparison> {
        match self.base {
            BaseOperator::String { comparison, .. } => Some(comparison),
            _ => None,
        }
    }

    /// Whether the operator is a negation (`StringNotEquals`, `StringNotLike`, ...).
    pub fn is_negated(&self) -> bool {
        matches!(self.base, BaseOperator::String { negated: true, .. })
    }

    /// Whether the condition holds for a key with `request` values, by IAM's documented rules:
    /// values ORed (NORed for a negation); a missing key is false for a positive operator, true
    /// for a negated one and for `IfExists` and `ForAllValues:`, false for `ForAnyValue:` (even
    /// with `IfExists`: "for no matching key or a null dataset, the condition returns false",
    /// and AWS denied a role whose only Allow had `ForAnyValue:StringEqualsIfExists` on a
    /// missing key, which is what iam-simulate answers too). A single-valued operator on a key
    /// with several values has no documented answer: it is [`Truth::Unknown`], whatever the
    /// values.
    ///
    /// ```
    /// use irsa_core::semantics::{KeyValues, Operator, Truth};
    ///
    /// let values = ["system:serviceaccount:ns:*".to_owned()];
    /// let sub = ["system:serviceaccount:ns:app".to_owned()];
    /// assert_eq!(Operator::parse("StringLike").holds(&values, KeyValues::Present(&sub)), Truth::True);
    /// assert_eq!(Operator::parse("StringNotLike").holds(&values, KeyValues::Absent), Truth::True);
    /// assert_eq!(Operator::parse("ForAnyValue:StringLikeIfExists").holds(&values, KeyValues::Absent), Truth::False);
    /// let auds = ["sts.amazonaws.com".to_owned(), "other".to_owned()];
    /// let eks = ["sts.amazonaws.com".to_owned()];
    /// assert_eq!(Operator::parse("StringEquals").holds(&eks, KeyValues::Present(&auds)), Truth::Unknown);
    /// assert_eq!(Operator::parse("ForAnyValue:StringEquals").holds(&eks, KeyValues::Present(&auds)), Truth::True);
    /// ```
    pub fn holds<P: AsRef<str>>(&self, policy: &[P], request: KeyValues<'_>) -> Truth {
        match self.base {
            BaseOperator::Unevaluated => Truth::Unknown,
            BaseOperator::Null => {
                // Values are ORed: `["true", "false"]` holds either way. A value that is not a
                // boolean has no documented meaning.
                let wants = |b: &str| policy.iter().any(|v| v.as_ref().eq_ignore_ascii_case(b));
                if policy.iter().any(|v| !["true", "false"].iter().any(|b| v.as_ref().eq_ignore_ascii_case(b))) {
                    return Truth::Unknown;
                }
                match request {
                    KeyValues::Unknown => Truth::Unknown,
                    KeyValues::Absent => Truth::from(wants("true")),
                    KeyValues::Present(_) => Truth::from(wants("false")),
                }
            }
            BaseOperator::String { comparison, negated } => match request {
                KeyValues::Unknown => Truth::Unknown,
                KeyValues::Absent | KeyValues::Present([]) => Truth::from(match self.set {
                    SetQualifier::ForAnyValue => false,
                    SetQualifier::ForAllValues => true,
                    SetQualifier::Single => self.if_exists || negated,
                }),
                KeyValues::Present(values) => {
                    let matches = |r: &String| policy.iter().any(|p| comparison.matches(p.as_ref(), r));
                    let any = values.iter().any(matches);
                    let all = values.iter().all(matches);
                    match (self.set, negated) {
                        (SetQualifier::ForAnyValue, false) => Truth::from(any),
                        (SetQualifier::ForAnyValue, true) => Truth::from(!all),
                        (SetQualifier::ForAllValues, false) => Truth::from(all),
                        (SetQualifier::ForAllValues, true) => Truth::from(!any),
                        (SetQualifier::Single, _) if values.len() == 1 => Truth::from(any != negated),
                        // Several values: IAM documents that such keys "require a condition set
                        // operator", not what happens without one (iam-simulate says the
                        // condition never matches; AWS has said so in a talk, not in its docs).
                        (SetQualifier::Single, _) => Truth::Unknown,
                    }
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    /// `operator` with `policy` values against a request key with `request` values (`None`:
    /// absent).
    fn check(operator: &str, policy: &[&str], request: Option<&[&str]>, expected: Truth) {
        let request_values = request.map(strings);
        let key = match &request_values {
            Some(values) => KeyValues::Present(values),
            None => KeyValues::Absent,
        };
        assert_eq!(Operator::parse(operator).holds(policy, key), expected, "{operator} {policy:?} {request:?}");
    }

    #[test]
    fn missing_keys() {
        use Truth::{False as F, True as T};
        for (operator, expected) in [
            ("StringEquals", F),
            ("StringLike", F),
            ("StringNotEquals", T),
            ("StringNotLike", T),
            ("StringEqualsIfExists", T),
            ("StringNotEqualsIfExists", T),
            ("ForAnyValue:StringEquals", F),
            ("ForAnyValue:StringEqualsIfExists", F),
            ("ForAnyValue:StringNotEquals", F),
            ("ForAllValues:StringEquals", T),
            ("ForAllValues:StringNotLike", T),
            ("ForAllValues:StringLikeIfExists", T),
        ] {
            check(operator, &["a"], None, expected);
        }
        check("Null", &["true"], None, T);
        check("Null", &["false"], None, F);
        check("Null", &["true"], Some(&["a"]), F);
        check("Null", &["true", "false"], Some(&["a"]), T);
        check("Null", &["true", "false"], None, T);
        check("Null", &["yes"], None, Truth::Unknown);
        assert_eq!(Operator::parse("NullIfExists").base, BaseOperator::Unevaluated);
        assert_eq!(Operator::parse("NumericLessThan").holds(&["1"], KeyValues::Absent), Truth::Unknown);
        assert_eq!(Operator::parse("StringEquals").holds(&["1"], KeyValues::Unknown), Truth::Unknown);
    }

    #[test]
    fn several_request_values() {
        use Truth::{False as F, True as T, Unknown as U};
        let both: &[&str] = &["a", "b"];
        for (operator, policy, expected) in [
            // A single-valued operator on several values: never decided.
            ("StringEquals", &["a", "b"][..], U),
            ("StringEquals", &["c"][..], U),
            ("StringEquals", &["a"][..], U),
            ("StringNotEquals", &["a"][..], U),
            ("StringNotEquals", &["c"][..], U),
            ("ForAnyValue:StringEquals", &["a"][..], T),
            ("ForAllValues:StringEquals", &["a"][..], F),
            ("ForAllValues:StringEquals", &["a", "b", "c"][..], T),
            ("ForAnyValue:StringNotEquals", &["a"][..], T),
            ("ForAnyValue:StringNotEquals", &["a", "b"][..], F),
            ("ForAllValues:StringNotEquals", &["a"][..], F),
            ("ForAllValues:StringNotEquals", &["c"][..], T),
        ] {
            check(operator, policy, Some(both), expected);
        }
    }

    #[test]
    fn comparisons() {
        for (operator, policy, request, expected) in [
            ("StringEquals", "ns:*", "ns:app", false),
            ("StringEquals", "ns:*", "ns:*", true),
            ("StringLike", "ns:*", "ns:app", true),
            ("StringLike", "NS:*", "ns:app", false),
            ("StringEqualsIgnoreCase", "NS:APP", "ns:app", true),
            ("StringEqualsIgnoreCase", "ÜBER", "über", true),
            ("StringNotEqualsIgnoreCase", "NS:APP", "ns:app", false),
            ("StringNotLike", "ns:?pp", "ns:app", false),
        ] {
            let truth = Truth::from(expected);
            check(operator, &[policy], Some(&[request]), truth);
        }
    }
}
