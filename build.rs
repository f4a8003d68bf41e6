//! Parses the embedded packs' scanning patterns once, at build time, so `appeal lint` does not
//! (see src/lint/hircode.rs), and tells cargo to rerun when an embedded folder changes
//! (include_dir! does not notice a file *added* to one). It also trains the sentence models of
//! `metric: score` rules on tests/corpus (src/lint/train.rs).

#[allow(dead_code)] // only `Folded::new`: training sees sentences folded as the engine does
#[path = "src/text/fold.rs"]
mod fold;
#[allow(dead_code)] // only the tree encoding is needed here
#[path = "src/lint/hircode.rs"]
mod hircode;
#[allow(dead_code)] // only `Leads::of` and `encode` are needed here
#[path = "src/lint/leads.rs"]
mod leads;
#[allow(dead_code)] // only the features are needed here, to train on
#[path = "src/lint/learn.rs"]
mod learn;
#[allow(dead_code)] // only the encoder and the compiler settings are needed here
#[path = "src/lint/nfacode.rs"]
mod nfacode;
#[path = "src/lint/rulekeys.rs"]
mod rulekeys;
#[path = "src/lint/train.rs"]
mod train;
#[allow(dead_code)] // only `parse` and `key_lines` are needed here
#[path = "src/yaml.rs"]
mod yaml;

use regex_automata::dfa::{StartKind, dense};
use regex_automata::nfa::thompson;
use regex_syntax::hir::Hir;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A branch's DFA is embedded when its sparse form is at most this big: nearly every branch of
/// the shipped packs. The rest (long gaps over any character before a long list of words) get
/// their NFA embedded instead (nfacode.rs), made a lazy DFA at run time when a letter holds
/// their prefix and needles. At 16 KB the binary was 2.5 MB smaller and a Japanese letter cost
/// 25% more instructions.
const MAX_EMBEDDED_DFA: usize = 64 << 10;

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=lints");
    println!("cargo:rerun-if-changed=src/lint/hircode.rs");
    println!("cargo:rerun-if-changed=src/lint/nfacode.rs");
    println!("cargo:rerun-if-changed=src/lint/rulekeys.rs");
    for path in [
        "tests/corpus",
        "src/lint/learn.rs",
        "src/lint/train.rs",
        "src/text/fold.rs",
    ] {
        println!("cargo:rerun-if-changed={path}");
    }
    let mut patterns = BTreeSet::new();
    // The `regex` rules' patterns whose suggestions name capture groups.
    let mut expanding = BTreeSet::new();
    // Per language (Japanese, English), the patterns of the rules that can run in it.
    let mut scoped: [BTreeSet<String>; 2] = Default::default();
    // Each pack's text, and as JSON when it parses: loading reads the JSON (several times
    // faster than YAML) when the text is exactly this one. The texts are embedded from here,
    // as `&str`, so the binary does not validate them as UTF-8 again at every start.
    let mut packs = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir("lints")
        .map(|dir| dir.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for path in files {
        if !path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            continue;
        }
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        // A pack that is not UTF-8 is not embedded; `cargo test` loads every shipped pack.
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        // A pack that does not parse is reported, with its line, when the binary loads it.
        let Ok(pack) = yaml::parse::<yaml::Value>(&text) else {
            packs.push((name, text, None));
            continue;
        };
        collect(&pack, &mut patterns);
        collect_expanding(&pack, &mut expanding);
        let lang = pack
            .get("lang")
            .and_then(|l| l.as_str())
            .unwrap_or_default();
        for (scope, name) in scoped.iter_mut().zip(["ja", "en"]) {
            if lang == name || lang == "any" {
                collect(&pack, scope);
            }
        }
        packs.push((name, text, Some(pack)));
    }
    // Per language, the patterns its plans hold, in the order patterns.rs's `PatternIndex`
    // gives them ids: the scan's, then the `unless` patterns'.
    let plan_lists = plan_lists(packs.iter().filter_map(|(_, _, pack)| pack.as_ref()));
    // Each pattern's place in `PATTERNS`, which the JSON names instead of the pattern: reading
    // the patterns' escaped text was most of loading the shipped packs.
    let numbers: BTreeMap<&str, u32> = patterns
        .iter()
        .enumerate()
        .map(|(i, p)| (p.as_str(), i as u32))
        .collect();
    let mut converted = Vec::new();
    let mut examples = Vec::new();
    for (name, text, pack) in packs {
        let Some(pack) = pack else {
            converted.push((name, text, String::new(), Vec::new(), String::new()));
            continue;
        };
        let lang = pack
            .get("lang")
            .and_then(|l| l.as_str())
            .unwrap_or_default()
            .to_owned();
        let json = serde_json::to_string(&typed_json(&pack, &numbers, &mut examples))
            .expect("a YAML value serialises");
        // Each rule's line, as the YAML path finds it (values carry no positions).
        let ids = yaml::key_lines(&text, "id");
        let rules = pack.get("rules").and_then(|r| r.as_sequence());
        let lines: Vec<usize> = rules
            .into_iter()
            .flatten()
            .map(|r| {
                let id = r.get("id").and_then(|v| v.as_str()).unwrap_or_default();
                ids.get(id).copied().unwrap_or(1)
            })
            .collect();
        converted.push((name, text, json, lines, lang));
    }
    let mut code = String::from(
        "/// (file name, the YAML text, the pack as JSON or empty, each rule's line, its `lang` as\n\
         /// written or empty)\n\
         pub(crate) static PACKS: &[(&str, &str, &str, &[u32], &str)] = &[\n",
    );
    for (name, text, json, lines, lang) in converted {
        code.push_str(&format!(
            "    ({name:?}, {text:?}, {json:?}, &{lines:?}, {lang:?}),\n"
        ));
    }
    code.push_str("];\n");
    code.push_str(
        "/// Every pattern of the packs, sorted: the JSON names one by its place here.\n\
         pub(crate) static PATTERNS: &[&str] = &[\n",
    );
    for pattern in &patterns {
        code.push_str(&format!("    {pattern:?},\n"));
    }
    code.push_str("];\n");
    code.push_str(
        "/// Rules' examples as JSON: the packs' JSON names them by their place here.\n\
         pub(crate) static EXAMPLES: &[&str] = &[\n",
    );
    for json in &examples {
        code.push_str(&format!("    {json:?},\n"));
    }
    code.push_str("];\n");
    let mut out = Vec::new();
    // Where each entry starts: the patterns come sorted, so the binary looks one up by binary
    // search instead of hashing every pattern's text into a table first.
    let mut index = Vec::new();
    // Where each pattern's branches are in `out`, for the plans.
    let mut placed: BTreeMap<String, Vec<Placed>> = BTreeMap::new();
    for pattern in patterns {
        // A pattern that does not parse is left to the run-time parser, which reports it.
        let Ok(hir) = hircode::parse(&pattern) else {
            continue;
        };
        let branches = hircode::branches(&hir);
        let mut code = Vec::new();
        hircode::encode_branches(&branches, &mut code);
        index.extend_from_slice(&(out.len() as u32).to_le_bytes());
        hircode::put(&mut out, pattern.len() as u32);
        out.extend_from_slice(pattern.as_bytes());
        hircode::put(&mut out, code.len() as u32);
        let code_at = out.len();
        out.extend_from_slice(&code);
        let at = |part: &[u8]| {
            let from = code_at + (part.as_ptr() as usize - code.as_ptr() as usize);
            (from as u32, part.len() as u32)
        };
        let mut places: Vec<Placed> = hircode::split_branches(&mut &code[..])
            .expect("an encoded pattern splits")
            .iter()
            .zip(&branches)
            .map(|(e, b)| Placed {
                prefixes: b.prefixes.clone(),
                start: b.start,
                tree: at(e.tree),
                caseless: e.caseless.map(at),
                leads: at(e.leads),
                needles: at(e.needles),
                automata: [(0, 0); 2],
            })
            .collect();
        // Per branch, its anchored DFA (empty: none), as patterns.rs checks a branch, and its
        // NFA (empty: none), which the binary rebuilds when the branch gets a lazy DFA: its DFA
        // was too big, or it is checked often (compiling the hot ones from their trees was a
        // fifth of linting a large text).
        hircode::put(&mut out, branches.len() as u32);
        for (b, place) in branches.iter().zip(&mut places) {
            // A branch without prefixes gets its NFA (of its tree as written: it runs on the
            // text itself) but no DFA: patterns.rs simulates it on an `unless` sentence.
            let nfa = match &b.prefixes {
                Some(_) => anchored_nfa(b.caseless.as_ref().unwrap_or(&b.hir)),
                None => anchored_nfa(&b.hir),
            };
            let dfa = (b.prefixes.as_ref())
                .and(nfa.as_ref())
                .and_then(anchored_dfa)
                .unwrap_or_default();
            let nfa = nfa
                .and_then(|nfa| nfacode::encode(&nfa))
                .unwrap_or_default();
            for (blob, at) in [dfa, nfa].into_iter().zip(&mut place.automata) {
                hircode::put(&mut out, blob.len() as u32);
                *at = (out.len() as u32, blob.len() as u32);
                out.extend_from_slice(&blob);
            }
        }
        placed.insert(pattern, places);
    }
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut automaton_literals = Vec::new();
    for (scope, name) in scoped.iter().zip(["ja", "en"]) {
        let (literals, automaton) = prefix_automaton(scope);
        let dir = Path::new(&out_dir);
        let mut list = Vec::new();
        hircode::each_lead(&literals, |l| list.push(l.to_vec()));
        automaton_literals.push(list);
        std::fs::write(dir.join(format!("prefixes-{name}.bin")), literals).expect("writable");
        std::fs::write(dir.join(format!("prefixes-{name}.ac")), automaton).expect("writable");
    }
    for (lists, name) in plan_lists.iter().zip(["ja", "en"]) {
        for (list, kind) in lists.iter().zip(["scan", "unless"]) {
            let plan = plan(list, &placed, &automaton_literals, &out).unwrap_or_default();
            let path = Path::new(&out_dir).join(format!("plan-{name}-{kind}.bin"));
            std::fs::write(path, plan).expect("writable");
        }
    }
    // The two languages train at once: cross-validation is most of a build that changed the
    // corpus (about 2 s optimised).
    std::thread::scope(|scope| {
        for (name, script) in [("ja", learn::Script::Ja), ("en", learn::Script::En)] {
            let out_dir = &out_dir;
            scope.spawn(move || {
                let (model, cuts) = trained_model(name, script);
                let dir = Path::new(out_dir);
                std::fs::write(dir.join(format!("model-{name}.bin")), model).expect("writable");
                std::fs::write(dir.join(format!("model-{name}.max")), cuts).expect("writable");
            });
        }
    });
    // Each as regex.rs's capture reader compiles it (`PikeVM::new`), which was a tenth of
    // linting a letter that broke such a rule: Unicode classes (`\p{Han}`) compile slowly.
    let mut captures = Vec::new();
    for pattern in &expanding {
        let nfa = thompson::Compiler::new().build(&hircode::ascii_classes(pattern));
        if let Some(code) = nfa.ok().and_then(|nfa| nfacode::encode(&nfa)) {
            hircode::put(&mut captures, pattern.len() as u32);
            captures.extend_from_slice(pattern.as_bytes());
            hircode::put(&mut captures, code.len() as u32);
            captures.extend_from_slice(&code);
        }
    }
    std::fs::write(Path::new(&out_dir).join("captures.bin"), captures).expect("writable");
    std::fs::write(Path::new(&out_dir).join("patterns.bin"), out).expect("OUT_DIR is writable");
    std::fs::write(Path::new(&out_dir).join("patterns.idx"), index).expect("OUT_DIR is writable");
    std::fs::write(Path::new(&out_dir).join("packs.rs"), code).expect("OUT_DIR is writable");
}

/// Where one branch of a pattern is in patterns.bin: (offset, length) of its encoded tree,
/// caseless tree, leads and needles, and of its DFA and NFA (length 0: none).
struct Placed {
    prefixes: Option<Vec<Vec<u8>>>,
    start: hircode::Start,
    tree: (u32, u32),
    caseless: Option<(u32, u32)>,
    leads: (u32, u32),
    needles: (u32, u32),
    automata: [(u32, u32); 2],
}

/// Per language (Japanese, English), the patterns of its scan and of its `unless` plan, in the
/// order `PatternIndex::build` numbers them: rule by rule, pack by pack, a `regex` rule's
/// `pattern` or a `require` rule's `any`, then `when`; and each rule's `unless`.
fn plan_lists<'a>(packs: impl Iterator<Item = &'a yaml::Value>) -> [[Vec<String>; 2]; 2] {
    let mut lists: [[Vec<String>; 2]; 2] = Default::default();
    let strings = |rule: &yaml::Value, key: &str| -> Vec<String> {
        let list = rule.get(key).and_then(|l| l.as_sequence());
        let items = list.into_iter().flatten().filter_map(|p| p.as_str());
        items.map(str::to_owned).collect()
    };
    for pack in packs {
        let lang = pack
            .get("lang")
            .and_then(|l| l.as_str())
            .unwrap_or_default();
        let rules = pack.get("rules").and_then(|r| r.as_sequence());
        for rule in rules.into_iter().flatten() {
            let kind = rule.get("kind").and_then(|k| k.as_str());
            let mut scanned = match kind {
                Some("regex") => rule
                    .get("pattern")
                    .and_then(|p| p.as_str())
                    .map(str::to_owned)
                    .into_iter()
                    .collect(),
                Some("require") => strings(rule, "any"),
                _ => Vec::new(),
            };
            scanned.extend(strings(rule, "when"));
            for (lists, name) in lists.iter_mut().zip(["ja", "en"]) {
                if lang == name || lang == "any" {
                    lists[0].extend(scanned.iter().cloned());
                    lists[1].extend(strings(rule, "unless"));
                }
            }
        }
    }
    lists
}

/// What patterns.rs's `Plan::build` derives for `list`, for `Plan::embedded` to read: the
/// patterns, the automaton whose literals it uses (0 Japanese, 1 English), its literals (their
/// places in that automaton's list), the (literal, branch) pairs, the branches with prefixes
/// (the pattern's place in `list`, then where their parts are in patterns.bin, and whether
/// their prefixes follow their first character) and those
/// without (place, tree), and each literal's `Leads` (leads.rs). `None` when a pattern is not in patterns.bin or a literal is in
/// neither automaton: the binary then builds the plan itself.
fn plan(
    list: &[String],
    placed: &BTreeMap<String, Vec<Placed>>,
    automaton_literals: &[Vec<Vec<u8>>],
    prebuilt: &[u8],
) -> Option<Vec<u8>> {
    let mut literals: Vec<&[u8]> = Vec::new();
    let mut literal_index: BTreeMap<&[u8], u32> = BTreeMap::new();
    let mut pairs = Vec::new();
    let mut anchored = Vec::new();
    let mut rest = Vec::new();
    for (at, source) in list.iter().enumerate() {
        for branch in placed.get(source)? {
            let Some(prefixes) = &branch.prefixes else {
                rest.push((at, branch));
                continue;
            };
            let b = anchored.len() as u32;
            for lit in prefixes {
                let n = *literal_index.entry(lit).or_insert_with(|| {
                    literals.push(lit);
                    literals.len() as u32 - 1
                });
                pairs.push((n, b));
            }
            anchored.push((at, branch));
        }
    }
    // As `Prefixes::of` picks: the first automaton that holds every literal.
    let automata = automaton_literals.iter().enumerate();
    // An empty list makes no automaton.
    let mut automata = automata.filter(|(_, all)| !all.is_empty());
    let (lang, places) = automata.find_map(|(i, all)| {
        let places: Option<Vec<u32>> = literals
            .iter()
            .map(|l| {
                all.binary_search_by(|a| a[..].cmp(l))
                    .ok()
                    .map(|p| p as u32)
            })
            .collect();
        Some((i, places?))
    })?;
    let mut out = Vec::new();
    // Numbers as little-endian `u32`s, the patterns as `hircode::take` reads them.
    let put = |out: &mut Vec<u8>, n: u32| out.extend_from_slice(&n.to_le_bytes());
    put(&mut out, list.len() as u32);
    for source in list {
        hircode::put(&mut out, source.len() as u32);
        out.extend_from_slice(source.as_bytes());
    }
    put(&mut out, lang as u32);
    put(&mut out, places.len() as u32);
    places.iter().for_each(|&p| put(&mut out, p));
    put(&mut out, pairs.len() as u32);
    for &(lit, b) in &pairs {
        put(&mut out, lit);
        put(&mut out, b);
    }
    let place = |out: &mut Vec<u8>, (from, len): (u32, u32)| {
        put(out, from);
        put(out, len);
    };
    put(&mut out, anchored.len() as u32);
    for &(at, branch) in &anchored {
        put(&mut out, at as u32);
        place(&mut out, branch.tree);
        // 0: no caseless tree, else 1 and its place.
        put(&mut out, u32::from(branch.caseless.is_some()));
        if let Some(caseless) = branch.caseless {
            place(&mut out, caseless);
        }
        // Bit 0: the prefixes follow the first character; bit 1: a match starts at `\b`.
        put(&mut out, branch.start.code());
        place(&mut out, branch.leads);
        place(&mut out, branch.needles);
        place(&mut out, branch.automata[0]);
        place(&mut out, branch.automata[1]);
    }
    put(&mut out, rest.len() as u32);
    for (at, branch) in rest {
        put(&mut out, at as u32);
        place(&mut out, branch.tree);
        place(&mut out, branch.automata[1]);
    }
    // Per literal, where its `Leads` start after this index, then each one encoded.
    let mut starts = vec![Vec::new(); literals.len()];
    for &(lit, b) in &pairs {
        starts[lit as usize].push(b);
    }
    let mut encoded = Vec::new();
    for (lit, branches) in literals.iter().zip(&starts) {
        put(&mut out, encoded.len() as u32);
        let leads_of = |b: u32| {
            let (from, len) = anchored[b as usize].1.leads;
            &prebuilt[from as usize..(from + len) as usize]
        };
        leads::Leads::of(lit, branches, leads_of).encode(&mut encoded);
    }
    out.extend_from_slice(&encoded);
    Some(out)
}

/// The sentence model of one language, trained on tests/corpus/{lang}.yaml, and the `max` that
/// cross-validation gives each category (a test holds the packs' `score` rules to them). Without
/// a corpus (a copy of the sources without tests/), a model that scores every sentence 0:
/// `score` rules then find nothing, rather than the build failing.
fn trained_model(lang: &str, script: learn::Script) -> (Vec<u8>, Vec<u8>) {
    let path = format!("tests/corpus/{lang}.yaml");
    let samples = std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|text| train::samples(&text));
    match samples {
        Ok(mut samples) => {
            for s in &mut samples {
                s.text = fold::Folded::new(&s.text).text.into_owned();
            }
            let cuts = train::cuts(&samples, script).map(|c| c.max);
            (train::train(&samples, script), cuts.to_vec())
        }
        Err(e) => {
            println!("cargo:warning={path}: {e}; `metric: score` rules will find nothing");
            let mut bytes = vec![0u8; learn::MODEL_BYTES];
            for c in 0..learn::CATEGORIES.len() {
                bytes[c * 4..c * 4 + 4].copy_from_slice(&(-100f32).to_le_bytes());
            }
            (bytes, vec![99; learn::CATEGORIES.len()])
        }
    }
}

/// Every prefix literal of every branch of `patterns` (sorted, as `hircode::put_literals`
/// encodes a list), and a serialised Aho-Corasick automaton of them whose values are their
/// indices. A plan whose literals are all among them searches with it instead of building its
/// own automaton, which was a quarter of linting a letter (patterns.rs, `Prefixes`).
fn prefix_automaton(patterns: &BTreeSet<String>) -> (Vec<u8>, Vec<u8>) {
    let mut literals = BTreeSet::new();
    for pattern in patterns {
        let Ok(hir) = hircode::parse(pattern) else {
            continue;
        };
        for branch in hircode::branches(&hir) {
            literals.extend(branch.prefixes.into_iter().flatten());
        }
    }
    let literals: Vec<Vec<u8>> = literals.into_iter().collect();
    let mut list = Vec::new();
    hircode::put_literals(&mut list, Some(&literals));
    let automaton = daachorse::DoubleArrayAhoCorasick::<u32>::new(&literals)
        .map(|pma| pma.serialize())
        .unwrap_or_default();
    (list, automaton)
}

/// A branch's NFA, compiled as `patterns.rs` compiles one.
fn anchored_nfa(hir: &Hir) -> Option<thompson::NFA> {
    thompson::Compiler::new()
        .configure(nfacode::config())
        .build_from_hir(hir)
        .ok()
}

/// A branch's anchored DFA, serialised sparse for the target's byte order, when it is small;
/// built as `patterns.rs` builds the lazy one (leftmost-first).
fn anchored_dfa(nfa: &thompson::NFA) -> Option<Vec<u8>> {
    // Small limits: a branch that needs more is left to the lazy DFA, quickly.
    let dfa = dense::Builder::new()
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Anchored)
                .dfa_size_limit(Some(1 << 20))
                .determinize_size_limit(Some(4 << 20)),
        )
        .build_from_nfa(nfa)
        .ok()?
        .to_sparse()
        .ok()?;
    let bytes = match std::env::var("CARGO_CFG_TARGET_ENDIAN").as_deref() {
        Ok("big") => dfa.to_bytes_big_endian(),
        _ => dfa.to_bytes_little_endian(),
    };
    (bytes.len() <= MAX_EMBEDDED_DFA).then_some(bytes)
}

/// The pack as JSON, each rule's keys under `rule` and its matcher's under `matcher` by kind
/// (pack.rs's `JsonRuleDef`): `{"id": …, "kind": "regex", "pattern": …}` becomes `{"rule":
/// {"id": …}, "matcher": {"regex": {"pattern": …}}}`. A rule that does not fit (no kind) is
/// left as it is, and fails to load from the JSON, so the pack is read from its YAML, which
/// reports the error. A `regex` rule's `pattern` and a rule's `unless` become numbers, their
/// places in `numbers`, `unless` beside `rule`: `{"rule": …, "unless": [3, 9], "matcher":
/// {"regex": {"pattern": 12}}}`. Examples that are well formed move to `examples` (as JSON),
/// named by their place there beside `rule`, `rule` keeping an empty `examples`: linting
/// never reads them.
fn typed_json(
    pack: &yaml::Value,
    numbers: &BTreeMap<&str, u32>,
    examples: &mut Vec<String>,
) -> serde_json::Value {
    let mut json = serde_json::to_value(pack).expect("a YAML value serialises as JSON");
    let rules = json.get_mut("rules").and_then(|r| r.as_array_mut());
    for rule in rules.into_iter().flatten() {
        let Some(fields) = rule.as_object_mut() else {
            continue;
        };
        let Some(serde_json::Value::String(kind)) = fields.remove("kind") else {
            continue;
        };
        let (mut common, mut own): (serde_json::Map<_, _>, serde_json::Map<_, _>) =
            std::mem::take(fields)
                .into_iter()
                .partition(|(k, _)| rulekeys::COMMON_KEYS.contains(&k.as_str()));
        let number = |value: &serde_json::Value| {
            let n = numbers.get(value.as_str()?)?;
            Some(serde_json::Value::from(*n))
        };
        if kind == "regex"
            && let Some(n) = own.get("pattern").and_then(number)
        {
            own.insert("pattern".into(), n);
        }
        if let Some(list) = common.get("unless").and_then(|l| l.as_array()) {
            let list: Option<Vec<_>> = list.iter().map(number).collect();
            if let Some(list) = list {
                common.remove("unless");
                fields.insert("unless".into(), serde_json::Value::Array(list));
            }
        }
        if let Some(ex) = common.get_mut("examples")
            && plain_examples(ex)
        {
            let moved = std::mem::replace(ex, serde_json::json!({}));
            fields.insert("examples".into(), examples.len().into());
            examples.push(serde_json::to_string(&moved).expect("JSON serialises"));
        }
        let mut matcher = serde_json::Map::new();
        matcher.insert(kind, serde_json::Value::Object(own));
        fields.insert("rule".into(), serde_json::Value::Object(common));
        fields.insert("matcher".into(), serde_json::Value::Object(matcher));
    }
    json
}

/// Whether a rule's `examples` are ones pack.rs's `ExamplesDef` reads and accepts: only `bad`
/// and `good`, neither empty, good ones strings, bad ones strings or `{text, fixed}` with a
/// string `text` and a string or no `fixed`. Others stay in the rule, where loading (from the
/// YAML) reports them.
fn plain_examples(examples: &serde_json::Value) -> bool {
    use serde_json::Value;
    let Some(map) = examples.as_object() else {
        return false;
    };
    let list = |key: &str| match map.get(key) {
        Some(Value::Array(list)) if !list.is_empty() => Some(list),
        _ => None,
    };
    let (Some(bad), Some(good)) = (list("bad"), list("good")) else {
        return false;
    };
    let bad_ok = |b: &Value| match b {
        Value::String(_) => true,
        Value::Object(m) => {
            m.keys().all(|k| k == "text" || k == "fixed")
                && m.get("text").is_some_and(Value::is_string)
                && m.get("fixed").is_none_or(|f| f.is_string() || f.is_null())
        }
        _ => false,
    };
    map.len() == 2 && bad.iter().all(bad_ok) && good.iter().all(Value::is_string)
}

/// The `pattern` of each `regex` rule with a suggestion that names a capture group (`$1`,
/// `${a}`), as regex.rs's `Pattern::compile` tells.
fn collect_expanding(pack: &yaml::Value, out: &mut BTreeSet<String>) {
    let rules = pack.get("rules").and_then(|r| r.as_sequence());
    for rule in rules.into_iter().flatten() {
        let suggestions = rule.get("suggestions").and_then(|s| s.as_sequence());
        let mut texts = suggestions.into_iter().flatten();
        let expands = texts.any(|s| {
            s.get("text")
                .and_then(|t| t.as_str())
                .is_some_and(|t| t.contains('$'))
        });
        let regex = rule.get("kind").and_then(|k| k.as_str()) == Some("regex");
        if let Some(pattern) = rule.get("pattern").and_then(|p| p.as_str())
            && regex
            && expands
        {
            out.insert(pattern.to_owned());
        }
    }
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
