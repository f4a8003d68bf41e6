//! Parses the embedded packs' scanning patterns once, at build time, so `appeal lint` does not
//! (see src/lint/hircode.rs), and tells cargo to rerun when an embedded folder changes
//! (include_dir! does not notice a file *added* to one).

#[allow(dead_code)] // only the tree encoding is needed here
#[path = "src/lint/hircode.rs"]
mod hircode;
#[allow(dead_code)] // only `parse` is needed here
#[path = "src/yaml.rs"]
mod yaml;

use std::collections::BTreeSet;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=lints");
    println!("cargo:rerun-if-changed=src/lint/hircode.rs");
    let mut patterns = BTreeSet::new();
    // Each pack as JSON, keyed by a hash of its YAML text: loading reads JSON (several times
    // faster than YAML) when the text is exactly what was built.
    let mut packs = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir("lints")
        .map(|dir| dir.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for path in files {
        if !path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            continue;
        }
        // A pack that does not parse is reported, with its line, when the binary loads it.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if let Ok(pack) = yaml::parse::<yaml::Value>(&text) {
            collect(&pack, &mut patterns);
            let json = serde_json::to_string(&pack).expect("a YAML value serialises as JSON");
            packs.push((fnv1a(text.as_bytes()), json));
        }
    }
    let mut out = Vec::new();
    for pattern in patterns {
        // A pattern that does not parse is left to the run-time parser, which reports it.
        let Ok(hir) = hircode::parse(&pattern) else {
            continue;
        };
        let mut code = Vec::new();
        hircode::encode_branches(&hircode::branches(&hir), &mut code);
        hircode::put(&mut out, pattern.len() as u32);
        out.extend_from_slice(pattern.as_bytes());
        hircode::put(&mut out, code.len() as u32);
        out.extend_from_slice(&code);
    }
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("patterns.bin"), out).expect("OUT_DIR is writable");
    let mut code = String::from(
        "/// (FNV-1a of the YAML text, the pack as JSON)\npub(crate) static PACKS: &[(u64, &str)] = &[\n",
    );
    for (hash, json) in packs {
        code.push_str(&format!("    ({hash}, {json:?}),\n"));
    }
    code.push_str("];\n");
    std::fs::write(Path::new(&out_dir).join("packs.rs"), code).expect("OUT_DIR is writable");
}

/// The hash `pack.rs` looks a pack's text up by (it has a copy: keep the two the same).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Every pattern a rule runs: a `regex` rule's `pattern`, `require`'s `any`, `when` and
/// `unless`.
fn collect(pack: &yaml::Value, out: &mut BTreeSet<String>) {
    let Some(rules) = pack.get("rules").and_then(|r| r.as_sequence()) else {
        return;
    };
    for rule in rules {
        if let Some(p) = rule.get("pattern").and_then(|p| p.as_str()) {
            out.insert(p.to_owned());
        }
        for key in ["any", "when", "unless"] {
            let list = rule.get(key).and_then(|l| l.as_sequence());
            out.extend(
                list.into_iter()
                    .flatten()
                    .filter_map(|p| p.as_str())
                    .map(str::to_owned),
            );
        }
    }
}
