//! Composing a letter: a Tera environment over the templates embedded from `templates/`, plus
//! any a user supplies (same name replaces, new names add), rendered with typed facts.
//!
//! Templates are `LANG/SCENARIO.txt`, each extending `LANG/base.txt`, whose blocks are the parts
//! of a letter (DOMAIN.md's shape). Autoescape is off: letters are plain text, and Tera inserts a
//! value as text, never as template source, so a fact holding `{{` stays literal. A value the
//! facts do not have is an error (Tera is strict about undefined values), never an empty gap.

mod filters;

use crate::facts::{Facts, Scenario};
use crate::text::Lang;
use include_dir::{Dir, include_dir};
use std::collections::BTreeMap;
use tera::{Context, ErrorKind, Tera};

static EMBEDDED: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// A template's name (its path under `templates/`, with `/`) and source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSource {
    pub name: String,
    pub text: String,
}

/// The templates compiled into the binary, in name order.
pub fn embedded_templates() -> Vec<TemplateSource> {
    fn collect(dir: &Dir<'_>, out: &mut Vec<TemplateSource>) {
        for f in dir.files() {
            if let Some(text) = f.contents_utf8() {
                out.push(TemplateSource {
                    name: f.path().to_string_lossy().replace('\\', "/"),
                    text: text.to_owned(),
                });
            }
        }
        for d in dir.dirs() {
            collect(d, out);
        }
    }
    let mut out = Vec::new();
    collect(&EMBEDDED, &mut out);
    out.retain(|t| !t.name.ends_with(".md"));
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The template a scenario renders in a language.
pub fn template_name(scenario: Scenario, lang: Lang) -> String {
    format!("{lang}/{scenario}.txt")
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    /// A syntax or rendering error at a place in a template (1-based, columns in characters).
    #[error("template {template}:{line}:{column}: {message}")]
    Template {
        template: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// An error Tera does not place (a missing parent, an inheritance loop).
    #[error("templates: {0}")]
    Other(String),
    #[error("no template `{name}` for scenario {scenario} in {lang}")]
    Missing {
        name: String,
        scenario: Scenario,
        lang: Lang,
    },
}

/// A composed letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub text: String,
    pub lang: Lang,
    pub scenario: Scenario,
}

/// The template set, loaded once.
pub struct Composer {
    tera: Tera,
    sources: BTreeMap<String, String>,
}

impl std::fmt::Debug for Composer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Composer")
            .field("templates", &self.sources.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Composer {
    /// The embedded templates only.
    pub fn embedded() -> Result<Composer, ComposeError> {
        Composer::new(Vec::new())
    }

    /// The embedded templates, with `user` templates replacing those of the same name and adding
    /// the others.
    pub fn new(user: Vec<TemplateSource>) -> Result<Composer, ComposeError> {
        let mut sources: BTreeMap<String, String> = embedded_templates()
            .into_iter()
            .map(|t| (t.name, t.text))
            .collect();
        sources.extend(user.into_iter().map(|t| (t.name, t.text)));
        let mut tera = Tera::default();
        tera.autoescape_on(Vec::<&str>::new());
        filters::register(&mut tera);
        // All at once: Tera resolves `extends` across the batch, whatever the order.
        tera.add_raw_templates(sources.iter())
            .map_err(|e| convert(&sources, "", e))?;
        Ok(Composer { tera, sources })
    }

    /// Template names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.sources.keys().map(String::as_str)
    }

    pub fn source(&self, name: &str) -> Option<&str> {
        self.sources.get(name).map(String::as_str)
    }

    /// Renders the letter for `facts`: normalised whitespace, ending with one newline.
    pub fn compose(&self, facts: &Facts) -> Result<Letter, ComposeError> {
        let (scenario, lang) = (facts.scenario(), facts.lang());
        let name = template_name(scenario, lang);
        if !self.sources.contains_key(&name) {
            return Err(ComposeError::Missing {
                name,
                scenario,
                lang,
            });
        }
        let context =
            Context::from_serialize(facts).map_err(|e| convert(&self.sources, &name, e))?;
        let raw = self
            .tera
            .render(&name, &context)
            .map_err(|e| convert(&self.sources, &name, e))?;
        Ok(Letter {
            text: normalise(&raw),
            lang,
            scenario,
        })
    }
}

/// Tidies what templates leave behind: trailing spaces, runs of blank lines, leading blank
/// lines. Paragraphs stay separated by exactly one blank line; the text ends with one newline.
fn normalise(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut blank_run = 0;
    for line in raw.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() && blank_run > 0 {
            out.push('\n');
        }
        blank_run = 0;
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A Tera error as a `ComposeError`, with the line and column recomputed in characters from the
/// template source (Tera's columns are not what a Japanese line needs).
fn convert(sources: &BTreeMap<String, String>, rendering: &str, e: tera::Error) -> ComposeError {
    let report = match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => r,
        _ => return ComposeError::Other(chain(&e)),
    };
    let template = if report.filename().is_empty() {
        rendering.to_owned()
    } else {
        report.filename().to_owned()
    };
    let span = report.span();
    let (line, column) = match sources.get(&template) {
        Some(src) if span.range.start <= src.len() && src.is_char_boundary(span.range.start) => {
            let before = &src[..span.range.start];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, column)
        }
        _ => (span.start_line, span.start_col + 1),
    };
    let mut message = report.message().to_owned();
    if let Some(source) = std::error::Error::source(&e) {
        message = format!("{message}: {source}");
    }
    ComposeError::Template {
        template,
        line,
        column,
        message,
    }
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn composer_with(name: &str, text: &str) -> Result<Composer, ComposeError> {
        Composer::new(vec![TemplateSource {
            name: name.into(),
            text: text.into(),
        }])
    }

    fn facts() -> Facts {
        let src = crate::facts::skeleton(Scenario::SecurityLock, Lang::Ja);
        crate::facts::parse(&src).unwrap().facts
    }

    #[test]
    fn a_missing_value_is_an_error_naming_template_and_line() {
        let c = composer_with(
            "ja/security-lock.txt",
            "出品者ID：{{ seller.merchant_id }}\nストア名：{{ seller.shop }}\n",
        )
        .unwrap();
        match c.compose(&facts()).unwrap_err() {
            ComposeError::Template { template, line, .. } => {
                assert_eq!(template, "ja/security-lock.txt");
                assert_eq!(line, 2);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_absent_optional_fact_is_undefined_not_empty() {
        let c = composer_with("ja/security-lock.txt", "{{ request }}\n").unwrap();
        assert!(c.compose(&facts()).is_err());
        let c = composer_with(
            "ja/security-lock.txt",
            "{% if request %}{{ request }}{% else %}なし{% endif %}\n",
        )
        .unwrap();
        assert_eq!(c.compose(&facts()).unwrap().text, "なし\n");
    }

    #[test]
    fn syntax_errors_count_columns_in_characters() {
        let err = composer_with("ja/x.txt", "ストア名：{{ seller. }}\n").unwrap_err();
        match err {
            ComposeError::Template {
                template,
                line,
                column,
                ..
            } => {
                assert_eq!((template.as_str(), line), ("ja/x.txt", 1));
                assert!(column > 5 && column < 20, "{column}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn normalise_keeps_one_blank_line_and_ends_with_a_newline() {
        assert_eq!(normalise("\n\na  \n\n\n\nb\n\n"), "a\n\nb\n");
        assert_eq!(normalise("a\nb"), "a\nb\n");
    }
}
