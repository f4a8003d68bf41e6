//! `.appeal.yaml`, found from the current directory upward, and the rule set it and the flags
//! describe. Flags win over the config.

use super::input::{Failure, describe_io};
use appeal::lint::{Linter, Options, PackSource, Severity, embedded_packs, embedded_packs_for};
use appeal::text::Lang;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = ".appeal.yaml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Extra rule-pack directories, relative to the config file.
    #[serde(default)]
    pub lints: Vec<PathBuf>,
    /// Rule ids or pack ids to switch off.
    #[serde(default)]
    pub disable: Vec<String>,
    pub fail_on: Option<Severity>,
    /// The support form's character limit.
    pub max_chars: Option<usize>,
    /// New limits for metric rules, by rule id.
    #[serde(default)]
    pub limits: BTreeMap<String, usize>,
    /// Where the config was found (directory).
    #[serde(skip)]
    pub dir: Option<PathBuf>,
}

impl Config {
    /// Finds and reads the nearest `.appeal.yaml`; no file is an empty config.
    pub fn discover() -> Result<Config, Failure> {
        let Ok(cwd) = std::env::current_dir() else {
            return Ok(Config::default());
        };
        for dir in cwd.ancestors() {
            let path = dir.join(FILE_NAME);
            if path.is_file() {
                return Self::read(&path);
            }
        }
        Ok(Config::default())
    }

    fn read(path: &Path) -> Result<Config, Failure> {
        let name = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|e| Failure::msg(describe_io(&name, &e)))?;
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        let mut config: Config = appeal::yaml::parse(&text).map_err(|e| {
            Failure::msg(format!(
                "{name}:{}:{}: {} (keys: lints, disable, fail_on, max_chars, limits)",
                e.line.unwrap_or(1),
                e.column.unwrap_or(1),
                e.message
            ))
        })?;
        config.dir = path.parent().map(Path::to_owned);
        Ok(config)
    }
}

/// The rule set for a run: embedded packs, the config's `lints` dirs, then `--lints` dirs.
/// With `langs`, only the embedded packs of those languages (see [`embedded_packs_for`]).
pub fn load_linter(
    config: &Config,
    extra_dirs: &[PathBuf],
    disable: &[String],
    max_chars: Option<usize>,
    langs: Option<&[Lang]>,
) -> Result<Linter, Failure> {
    let mut user = Vec::new();
    let config_dirs = config
        .lints
        .iter()
        .map(|d| config.dir.as_deref().unwrap_or(Path::new(".")).join(d));
    for dir in config_dirs.chain(extra_dirs.iter().cloned()) {
        user.extend(read_pack_dir(&dir)?);
    }
    let options = Options {
        disable: config.disable.iter().chain(disable).cloned().collect(),
        limits: config.limits.clone(),
        max_chars: max_chars.or(config.max_chars),
    };
    let load = |embedded: Vec<PackSource>| {
        let sources: Vec<PackSource> = embedded.into_iter().chain(user.iter().cloned()).collect();
        Linter::new(&sources, &options).map_err(|e| Failure::msg(e.to_string()))
    };
    match langs {
        // A failure with some packs left out is checked with all of them: `disable` may name
        // a rule of a pack that was left out, and an error should not depend on the letter.
        Some(langs) => {
            load(embedded_packs_for(|l| langs.contains(&l))).or_else(|_| load(embedded_packs()))
        }
        None => load(embedded_packs()),
    }
}

/// The `.yaml` packs of a directory, in name order, as user packs.
pub fn read_pack_dir(dir: &Path) -> Result<Vec<PackSource>, Failure> {
    let name = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Failure::msg(match e.kind() {
            std::io::ErrorKind::NotFound => format!("{name}: no such rule-pack directory"),
            _ => describe_io(&name, &e),
        })
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(Failure::msg(format!(
            "{name}: no .yaml rule packs in this directory"
        )));
    }
    paths
        .into_iter()
        .map(|p| {
            let path = p.display().to_string();
            let text =
                std::fs::read_to_string(&p).map_err(|e| Failure::msg(describe_io(&path, &e)))?;
            Ok(PackSource {
                path,
                text: text.into(),
                embedded: false,
            })
        })
        .collect()
}
