//! The Terraform functions IAM code uses, for hcl-rs' evaluator.
//!
//! Each is a plain function of its arguments (hcl-rs' `Func` holds no state), with Terraform's
//! semantics: `replace` takes a `/regex/` in RE2 syntax (the `regex` crate's, with `$1`
//! captures), sets are lists without duplicates, `jsonencode` writes what Terraform writes.

use hcl::Value;
use hcl::eval::{Context, FuncArgs, FuncDef, ParamType};

/// Declares every function of this module in `ctx`.
pub(super) fn declare(ctx: &mut Context<'_>) {
    let s = || ParamType::String;
    let any = || ParamType::Any;
    let list = || ParamType::Array(Box::new(ParamType::Any));
    let defs: Vec<(&str, FuncDef)> = vec![
        ("replace", FuncDef::builder().params([s(), s(), s()]).build(replace)),
        ("format", FuncDef::builder().param(s()).variadic_param(any()).build(format)),
        ("join", FuncDef::builder().param(s()).variadic_param(list()).build(join)),
        ("split", FuncDef::builder().params([s(), s()]).build(split)),
        ("concat", FuncDef::builder().variadic_param(list()).build(concat)),
        ("flatten", FuncDef::builder().param(list()).build(flatten)),
        ("distinct", FuncDef::builder().param(list()).build(distinct)),
        ("toset", FuncDef::builder().param(list()).build(distinct)),
        ("compact", FuncDef::builder().param(list()).build(compact)),
        ("tolist", FuncDef::builder().param(list()).build(identity)),
        ("tomap", FuncDef::builder().param(any()).build(identity)),
        ("keys", FuncDef::builder().param(any()).build(keys)),
        ("values", FuncDef::builder().param(any()).build(values)),
        ("lookup", FuncDef::builder().params([any(), s()]).variadic_param(any()).build(lookup)),
        ("merge", FuncDef::builder().variadic_param(any()).build(merge)),
        ("coalesce", FuncDef::builder().variadic_param(any()).build(coalesce)),
        ("length", FuncDef::builder().param(any()).build(length)),
        ("element", FuncDef::builder().params([list(), ParamType::Number]).build(element)),
        ("contains", FuncDef::builder().params([list(), any()]).build(contains)),
        ("lower", FuncDef::builder().param(s()).build(lower)),
        ("upper", FuncDef::builder().param(s()).build(upper)),
        ("trimprefix", FuncDef::builder().params([s(), s()]).build(trimprefix)),
        ("trimsuffix", FuncDef::builder().params([s(), s()]).build(trimsuffix)),
        ("startswith", FuncDef::builder().params([s(), s()]).build(startswith)),
        ("endswith", FuncDef::builder().params([s(), s()]).build(endswith)),
        ("jsonencode", FuncDef::builder().param(any()).build(jsonencode)),
        ("jsondecode", FuncDef::builder().param(s()).build(jsondecode)),
        ("anytrue", FuncDef::builder().param(list()).build(anytrue)),
        ("alltrue", FuncDef::builder().param(list()).build(alltrue)),
        ("regex", FuncDef::builder().params([s(), s()]).build(regex_first)),
        ("regexall", FuncDef::builder().params([s(), s()]).build(regexall)),
    ];
    for (name, def) in defs {
        ctx.declare_func(name, def);
    }
}

/// The names of the functions [`declare`] declares.
pub(super) const NAMES: &[&str] = &[
    "replace",
    "format",
    "join",
    "split",
    "concat",
    "flatten",
    "distinct",
    "toset",
    "compact",
    "tolist",
    "tomap",
    "keys",
    "values",
    "lookup",
    "merge",
    "coalesce",
    "length",
    "element",
    "contains",
    "lower",
    "upper",
    "trimprefix",
    "trimsuffix",
    "startswith",
    "endswith",
    "jsonencode",
    "jsondecode",
    "anytrue",
    "alltrue",
    "regex",
    "regexall",
];

fn arg(args: &FuncArgs, index: usize) -> Result<&Value, String> {
    args.get(index).ok_or_else(|| format!("argument {} is missing", index + 1))
}

fn text(args: &FuncArgs, index: usize) -> Result<&str, String> {
    arg(args, index)?.as_str().ok_or_else(|| format!("argument {} is not a string", index + 1))
}

fn items(value: &Value) -> Result<&Vec<Value>, String> {
    value.as_array().ok_or_else(|| "a list or set is expected".to_owned())
}

/// `replace(string, substring, replacement)`: a substring between slashes is a regular
/// expression (RE2 syntax), whose replacement may name captures as `$1` or `${1}`.
fn replace(args: FuncArgs) -> Result<Value, String> {
    let (string, search, replacement) = (text(&args, 0)?, text(&args, 1)?, text(&args, 2)?);
    match search.strip_prefix('/').and_then(|s| s.strip_suffix('/')).filter(|_| search.len() > 1) {
        Some(pattern) => Ok(Value::from(compile(pattern)?.replace_all(string, replacement).into_owned())),
        None if search.is_empty() => Ok(Value::from(string)),
        None => Ok(Value::from(string.replace(search, replacement))),
    }
}

/// `format(spec, values...)`: `%s`, `%d`, `%v` and `%%` (what IAM code uses).
fn format(args: FuncArgs) -> Result<Value, String> {
    let spec = text(&args, 0)?;
    let mut values = args.iter().skip(1);
    let mut out = String::new();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('s' | 'd' | 'v') => {
                let value = values.next().ok_or("format: fewer values than verbs")?;
                out.push_str(&scalar(value)?);
            }
            other => return Err(format!("format: the verb %{} is not supported", other.unwrap_or(' '))),
        }
    }
    Ok(Value::from(out))
}

/// A string, number or boolean as Terraform turns it into a string.
fn scalar(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err("a string, number or bool is expected".to_owned()),
    }
}

fn join(args: FuncArgs) -> Result<Value, String> {
    let separator = text(&args, 0)?;
    let mut parts = Vec::new();
    for list in args.iter().skip(1) {
        for item in items(list)? {
            parts.push(scalar(item)?);
        }
    }
    Ok(Value::from(parts.join(separator)))
}

fn split(args: FuncArgs) -> Result<Value, String> {
    let (separator, string) = (text(&args, 0)?, text(&args, 1)?);
    if string.is_empty() {
        return Ok(Value::Array(Vec::new()));
    }
    Ok(Value::Array(string.split(separator).map(Value::from).collect()))
}

fn concat(args: FuncArgs) -> Result<Value, String> {
    let mut out = Vec::new();
    for list in args.iter() {
        out.extend(items(list)?.iter().cloned());
    }
    Ok(Value::Array(out))
}

fn flatten(args: FuncArgs) -> Result<Value, String> {
    fn walk(value: &Value, out: &mut Vec<Value>) {
        match value {
            Value::Array(items) => items.iter().for_each(|item| walk(item, out)),
            other => out.push(other.clone()),
        }
    }
    let mut out = Vec::new();
    walk(arg(&args, 0)?, &mut out);
    Ok(Value::Array(out))
}

fn distinct(args: FuncArgs) -> Result<Value, String> {
    let mut out: Vec<Value> = Vec::new();
    for item in items(arg(&args, 0)?)? {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    Ok(Value::Array(out))
}

fn compact(args: FuncArgs) -> Result<Value, String> {
    let kept = items(arg(&args, 0)?)?.iter().filter(|v| !matches!(v, Value::Null) && v.as_str() != Some(""));
    Ok(Value::Array(kept.cloned().collect()))
}

fn identity(args: FuncArgs) -> Result<Value, String> {
    arg(&args, 0).cloned()
}

fn object(value: &Value) -> Result<&hcl::Map<String, Value>, String> {
    value.as_object().ok_or_else(|| "a map or object is expected".to_owned())
}

fn keys(args: FuncArgs) -> Result<Value, String> {
    let mut keys: Vec<&String> = object(arg(&args, 0)?)?.keys().collect();
    keys.sort();
    Ok(Value::Array(keys.into_iter().map(|k| Value::from(k.as_str())).collect()))
}

fn values(args: FuncArgs) -> Result<Value, String> {
    let map = object(arg(&args, 0)?)?;
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    Ok(Value::Array(keys.into_iter().filter_map(|k| map.get(k).cloned()).collect()))
}

fn lookup(args: FuncArgs) -> Result<Value, String> {
    let (map, key) = (object(arg(&args, 0)?)?, text(&args, 1)?);
    match (map.get(key), args.get(2)) {
        (Some(value), _) => Ok(value.clone()),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(format!("the map has no key `{key}` and no default was given")),
    }
}

fn merge(args: FuncArgs) -> Result<Value, String> {
    let mut out = hcl::Map::new();
    for value in args.iter().filter(|v| !matches!(v, Value::Null)) {
        for (key, value) in object(value)? {
            out.insert(key.clone(), value.clone());
        }
    }
    Ok(Value::Object(out))
}

fn coalesce(args: FuncArgs) -> Result<Value, String> {
    args.iter()
        .find(|v| !matches!(v, Value::Null) && v.as_str() != Some(""))
        .cloned()
        .ok_or_else(|| "no non-null, non-empty argument".to_owned())
}

fn length(args: FuncArgs) -> Result<Value, String> {
    let n = match arg(&args, 0)? {
        Value::Array(items) => items.len(),
        Value::Object(map) => map.len(),
        Value::String(s) => s.chars().count(),
        _ => return Err("length of a list, map or string".to_owned()),
    };
    Ok(Value::from(n as u64))
}

fn element(args: FuncArgs) -> Result<Value, String> {
    let list = items(arg(&args, 0)?)?;
    let index = arg(&args, 1)?.as_u64().ok_or("the index is not a whole number")?;
    if list.is_empty() {
        return Err("element of an empty list".to_owned());
    }
    let index = usize::try_from(index).map_err(|_| "the index is too large".to_owned())? % list.len();
    list.get(index).cloned().ok_or_else(|| "no such element".to_owned())
}

fn contains(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(items(arg(&args, 0)?)?.contains(arg(&args, 1)?)))
}

fn lower(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::from(text(&args, 0)?.to_lowercase()))
}

fn upper(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::from(text(&args, 0)?.to_uppercase()))
}

fn trimprefix(args: FuncArgs) -> Result<Value, String> {
    let (s, prefix) = (text(&args, 0)?, text(&args, 1)?);
    Ok(Value::from(s.strip_prefix(prefix).unwrap_or(s)))
}

fn trimsuffix(args: FuncArgs) -> Result<Value, String> {
    let (s, suffix) = (text(&args, 0)?, text(&args, 1)?);
    Ok(Value::from(s.strip_suffix(suffix).unwrap_or(s)))
}

fn startswith(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(text(&args, 0)?.starts_with(text(&args, 1)?)))
}

fn endswith(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(text(&args, 0)?.ends_with(text(&args, 1)?)))
}

/// Terraform's `jsonencode`: compact JSON, object keys sorted.
fn jsonencode(args: FuncArgs) -> Result<Value, String> {
    let json = to_json(arg(&args, 0)?);
    serde_json::to_string(&json).map(Value::from).map_err(|e| e.to_string())
}

fn to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => n
            .as_i64()
            .map(serde_json::Value::from)
            .or_else(|| n.as_u64().map(serde_json::Value::from))
            .or_else(|| n.as_f64().and_then(serde_json::Number::from_f64).map(serde_json::Value::Number))
            .unwrap_or(serde_json::Value::Null),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Array(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Value::Object(map) => {
            // serde_json's map is sorted (no preserve_order feature), as Terraform's output is.
            serde_json::Value::Object(map.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

fn jsondecode(args: FuncArgs) -> Result<Value, String> {
    let json: serde_json::Value = serde_json::from_str(text(&args, 0)?).map_err(|e| e.to_string())?;
    Ok(from_json(json))
}

/// A JSON value as an HCL value.
pub(super) fn from_json(json: serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map(Value::from)
            .or_else(|| n.as_u64().map(Value::from))
            .or_else(|| n.as_f64().and_then(hcl::Number::from_f64).map(Value::Number))
            .unwrap_or(Value::Null),
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(items) => Value::Array(items.into_iter().map(from_json).collect()),
        serde_json::Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, from_json(v))).collect()),
    }
}

fn anytrue(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(items(arg(&args, 0)?)?.iter().any(|v| matches!(v, Value::Bool(true)))))
}

fn alltrue(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::Bool(items(arg(&args, 0)?)?.iter().all(|v| matches!(v, Value::Bool(true)))))
}

/// A compiled RE2 pattern, with Terraform's error words; compiled once per thread (hcl-rs'
/// functions hold no state, and a module called a thousand times asks for the same patterns).
fn compile(pattern: &str) -> Result<regex::Regex, String> {
    thread_local! {
        static COMPILED: std::cell::RefCell<std::collections::HashMap<String, regex::Regex>> = Default::default();
    }
    COMPILED.with(|compiled| {
        if let Some(regex) = compiled.borrow().get(pattern) {
            return Ok(regex.clone());
        }
        let regex = regex::Regex::new(pattern).map_err(|e| format!("`{pattern}` is not a regular expression: {e}"))?;
        let mut compiled = compiled.borrow_mut();
        // Bounded: patterns come from the input.
        if compiled.len() < 256 {
            compiled.insert(pattern.to_owned(), regex.clone());
        }
        Ok(regex)
    })
}

fn pattern(args: &FuncArgs) -> Result<regex::Regex, String> {
    compile(text(args, 0)?)
}

/// One match as Terraform gives it: the matched text without capture groups, the list of
/// the groups with them.
fn captures(regex: &regex::Regex, found: &regex::Captures<'_>) -> Value {
    if regex.captures_len() == 1 {
        return Value::from(found.get(0).map_or("", |m| m.as_str()));
    }
    Value::Array(found.iter().skip(1).map(|g| g.map_or(Value::Null, |m| Value::from(m.as_str()))).collect())
}

fn regex_first(args: FuncArgs) -> Result<Value, String> {
    let regex = pattern(&args)?;
    let string = text(&args, 1)?;
    let found = regex.captures(string).ok_or_else(|| "the pattern does not match the string".to_owned())?;
    Ok(captures(&regex, &found))
}

fn regexall(args: FuncArgs) -> Result<Value, String> {
    let regex = pattern(&args)?;
    let string = text(&args, 1)?;
    Ok(Value::Array(regex.captures_iter(string).map(|found| captures(&regex, &found)).collect()))
}
