//! Lays an hcl-rs [`Body`] out the way people write Terraform (and `terraform fmt` keeps it):
//! two spaces per level, a blank line before and after every block, one-element lists on
//! one line, longer lists one element per line with a trailing comma, objects one item per
//! line.

use hcl::{Block, BlockLabel, Body, Expression, ObjectKey, Structure};

use super::escape::quote;

const INDENT: &str = "  ";

/// The body as Terraform text, before alignment.
pub(crate) fn layout(body: &Body) -> Result<String, hcl::Error> {
    let mut out = String::new();
    write_body(&mut out, body, 0)?;
    Ok(out)
}

fn write_body(out: &mut String, body: &Body, level: usize) -> Result<(), hcl::Error> {
    let mut previous: Option<&Structure> = None;
    for structure in body.iter() {
        // A blank line around every block, none between consecutive attributes.
        let blank_line =
            !matches!((previous, structure), (None, _) | (Some(Structure::Attribute(_)), Structure::Attribute(_)));
        if blank_line {
            out.push('\n');
        }
        match structure {
            Structure::Attribute(attribute) => {
                indent(out, level);
                out.push_str(attribute.key.as_str());
                out.push_str(" = ");
                write_expression(out, &attribute.expr, level)?;
                out.push('\n');
            }
            Structure::Block(block) => write_block(out, block, level)?,
        }
        previous = Some(structure);
    }
    Ok(())
}

fn write_block(out: &mut String, block: &Block, level: usize) -> Result<(), hcl::Error> {
    indent(out, level);
    out.push_str(block.identifier.as_str());
    for label in &block.labels {
        out.push(' ');
        match label {
            BlockLabel::String(s) => out.push_str(&quote(s)),
            BlockLabel::Identifier(ident) => out.push_str(&quote(ident.as_str())),
        }
    }
    if block.body.iter().next().is_none() {
        out.push_str(" {}\n");
        return Ok(());
    }
    out.push_str(" {\n");
    write_body(out, &block.body, level + 1)?;
    indent(out, level);
    out.push_str("}\n");
    Ok(())
}

fn write_expression(out: &mut String, expr: &Expression, level: usize) -> Result<(), hcl::Error> {
    match expr {
        Expression::String(s) => out.push_str(&quote(s)),
        Expression::Array(items) if items.len() > 1 || items.iter().any(is_multi_line) => {
            out.push_str("[\n");
            for item in items {
                indent(out, level + 1);
                write_expression(out, item, level + 1)?;
                out.push_str(",\n");
            }
            indent(out, level);
            out.push(']');
        }
        Expression::Array(items) => {
            out.push('[');
            for item in items {
                write_expression(out, item, level)?;
            }
            out.push(']');
        }
        Expression::Object(object) if object.is_empty() => out.push_str("{}"),
        Expression::Object(object) => {
            out.push_str("{\n");
            for (key, value) in object {
                indent(out, level + 1);
                match key {
                    ObjectKey::Identifier(ident) => out.push_str(ident.as_str()),
                    ObjectKey::Expression(Expression::String(s)) => out.push_str(&quote(s)),
                    other => out.push_str(&hcl::format::to_string(other)?),
                }
                out.push_str(" = ");
                write_expression(out, value, level + 1)?;
                out.push('\n');
            }
            indent(out, level);
            out.push('}');
        }
        other => out.push_str(&hcl::format::to_string(other)?),
    }
    Ok(())
}

/// Objects are written one item per line; so is any list holding one.
fn is_multi_line(expr: &Expression) -> bool {
    match expr {
        Expression::Object(object) => !object.is_empty(),
        Expression::Array(items) => items.len() > 1 || items.iter().any(is_multi_line),
        _ => false,
    }
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str(INDENT);
    }
}
