//! `appeal init`: a commented facts file for a scenario, written from the schema so it documents
//! every fact. Required facts carry example values (the skeleton composes as it is); optional
//! ones are commented out, so nothing is claimed that the seller did not write.

use super::Scenario;
use super::schema::{Field, Kind};
use crate::text::Lang;
use std::fmt::Write;

/// The skeleton for `scenario` in `lang`, ending with a newline.
pub fn skeleton(scenario: Scenario, lang: Lang) -> String {
    let info = scenario.info();
    let mut out = String::new();
    let _ = writeln!(out, "# appeal facts: {scenario} ({lang})");
    let _ = writeln!(out, "# {}", info.summary);
    out.push_str(
        "# Replace the example values, then run: appeal compose THIS_FILE\n\
         # Facts marked (optional) are commented out: remove the leading `# ` to use one.\n\
         # Dates are YYYY-MM-DD. Never write passwords or full card or bank numbers:\n\
         # the last four digits are enough.\n",
    );
    let _ = writeln!(out, "scenario: {scenario}");
    let _ = writeln!(out, "lang: {lang}");
    for field in info.fields {
        out.push('\n');
        write_field(&mut out, field, lang, 0, !field.required);
    }
    out
}

fn note(field: &Field) -> String {
    let need = match (field.required, field.kind) {
        (true, Kind::List(_) | Kind::TextList) => "required, one or more",
        (true, _) => "required",
        (false, _) => "optional",
    };
    format!("{} ({need})", field.doc)
}

fn scalar(value: &str) -> String {
    crate::yaml::to_string(&value)
        .map(|s| s.trim_end().to_owned())
        .unwrap_or_else(|_| format!("{value:?}"))
}

/// Writes one field at `depth` (two spaces each). `off` comments the lines out.
fn write_field(out: &mut String, field: &Field, lang: Lang, depth: usize, off: bool) {
    let pad = "  ".repeat(depth);
    let hash = if off { "# " } else { "" };
    let _ = writeln!(out, "{pad}# {}", note(field));
    match field.kind {
        Kind::Group(sub) => {
            let _ = writeln!(out, "{pad}{hash}{}:", field.name);
            for f in sub {
                write_field(out, f, lang, depth + 1, off || !f.required);
            }
        }
        Kind::List(sub) => {
            let _ = writeln!(out, "{pad}{hash}{}:", field.name);
            for f in sub {
                let _ = writeln!(out, "{pad}  #   {}: {}", f.name, note(f));
            }
            // The first key carries the dash; the schema keeps it required, so the dash is live
            // whenever the list is.
            for (i, f) in sub.iter().enumerate() {
                let dash = if i == 0 { "- " } else { "  " };
                let h = if off || !f.required { "# " } else { "" };
                let _ = writeln!(
                    out,
                    "{pad}  {h}{dash}{}: {}",
                    f.name,
                    scalar(f.example(lang))
                );
            }
        }
        Kind::TextList => {
            let _ = writeln!(out, "{pad}{hash}{}:", field.name);
            let _ = writeln!(out, "{pad}  {hash}- {}", scalar(field.example(lang)));
        }
        Kind::Text | Kind::Date | Kind::MerchantId | Kind::CaseId => {
            let _ = writeln!(
                out,
                "{pad}{hash}{}: {}",
                field.name,
                scalar(field.example(lang))
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_skeleton_parses_and_documents_every_fact() {
        for scenario in Scenario::ALL {
            for lang in Lang::ALL {
                let text = skeleton(scenario, lang);
                let parsed = crate::facts::parse(&text)
                    .unwrap_or_else(|e| panic!("{scenario} {lang}: {e:?}\n{text}"));
                assert_eq!(parsed.facts.scenario(), scenario);
                assert_eq!(parsed.facts.lang(), lang);
                fn names(fields: &[Field], out: &mut Vec<&'static str>) {
                    for f in fields {
                        out.push(f.name);
                        if let Kind::Group(s) | Kind::List(s) = f.kind {
                            names(s, out);
                        }
                    }
                }
                fn first_keys_required(fields: &[Field]) {
                    for f in fields {
                        if let Kind::List(s) = f.kind {
                            assert!(s[0].required, "{}: first key must be required", f.name);
                        }
                        if let Kind::Group(s) | Kind::List(s) = f.kind {
                            first_keys_required(s);
                        }
                    }
                }
                first_keys_required(scenario.info().fields);
                let mut all = Vec::new();
                names(scenario.info().fields, &mut all);
                for name in all {
                    assert!(text.contains(&format!("{name}:")), "{scenario}: {name}");
                }
            }
        }
    }
}
