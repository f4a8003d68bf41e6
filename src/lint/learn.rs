//! Sentence scores learned from the labelled corpus, for `metric: score` rules.
//!
//! Rules written for phrasings stop generalising: on sentences written by people who never saw
//! the packs, blame, sarcasm and vague promises were caught 0.6-0.8 of the time however many
//! phrasings were added. A linear model over character n-grams sums many weak signs (a polite
//! ending after a complaint, a wish with no date) that no single pattern names.
//!
//! This file is shared with build.rs (`#[path]`): build.rs trains one logistic regression per
//! language and category on tests/corpus (see train.rs) and embeds the weights; the engine reads
//! them through [`Model`]. Both sides turn a sentence into features with the same [`features`].
//!
//! A model is bytes, all little-endian `f32`: [`CATEGORIES`] biases, then per bucket its inverse
//! document frequency followed by one weight per category. A bucket's seven numbers sit
//! together, so an n-gram touches one cache line of the 1.8 MB table: with the frequencies in a
//! table of their own it touched two, and scoring is mostly those misses.

/// The sentence-level categories a model scores, in the order of its weights.
pub const CATEGORIES: [&str; 6] = [
    "blame",
    "unauthorized-access",
    "demand",
    "emotional",
    "sarcasm",
    "vague",
];

/// Where a category's weights sit in a model: its index in [`CATEGORIES`], `None` for a category
/// no model scores.
pub fn category_index(category: &str) -> Option<usize> {
    CATEGORIES.iter().position(|&c| c == category)
}

/// N-grams are hashed into this many buckets. 2^16 scored as well as 2^18 and 2^20 on unseen
/// sentences, and keeps each model at 1.8 MB.
pub const BUCKETS: usize = 1 << 16;

/// How a language is cut into features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Character 1- to 3-grams: Japanese has no spaces, and short n-grams catch conjugations.
    /// In 5-fold cross-validation (recall at precision 0.97, summed over the six categories),
    /// 1-3 scored 5.24, 1-4 5.06, 1-5 4.93, 2-3 5.15 and 1-2 5.17: longer n-grams learn the
    /// corpus's own sentences rather than their shape.
    Ja,
    /// Character 2- to 4-grams inside each word (padded with spaces, so a word's start and end
    /// are features), plus words and word pairs. Cross-validated as for Japanese: 2-4 5.01, 2-5
    /// 4.94, 3-5 4.93, 2-3 5.04 but with blame at 0.58 against 0.64; word triples added 4.90.
    En,
}

/// The hashed features of one sentence: (bucket, `1 + ln(count)`), each bucket once, in the
/// order of its first n-gram.
pub fn features(text: &str, script: Script) -> Vec<(u32, f32)> {
    SCRATCH.with_borrow_mut(|scratch| {
        let Scratch {
            chars,
            padded,
            buckets,
            counts,
        } = scratch;
        // Lowercase and one space for any run of spaces; width is already folded by the caller.
        chars.clear();
        for c in text.chars() {
            let c = if c.is_whitespace() {
                ' '
            } else {
                c.to_ascii_lowercase()
            };
            if c != ' ' || chars.last().is_some_and(|&l| l != ' ') {
                chars.push(c);
            }
        }
        while chars.last() == Some(&' ') {
            chars.pop();
        }
        buckets.clear();
        match script {
            Script::Ja => grams(chars, 1..=3, 0, buckets),
            Script::En => {
                for word in chars.split(|&c| c == ' ').filter(|w| !w.is_empty()) {
                    padded.clear();
                    padded.push(' ');
                    padded.extend_from_slice(word);
                    padded.push(' ');
                    grams(padded, 2..=4, 1, buckets);
                }
                // Words as a tokenizer for search would cut them: runs of two or more letters
                // or digits ("don't" gives "don").
                let words: Vec<&[char]> = chars
                    .split(|c| !c.is_alphanumeric())
                    .filter(|w| w.len() >= 2)
                    .collect();
                for (i, w) in words.iter().enumerate() {
                    buckets.push(hash(2, w.iter().copied()));
                    if let Some(next) = words.get(i + 1) {
                        let pair = w.iter().chain([&' ']).chain(next.iter());
                        buckets.push(hash(3, pair.copied()));
                    }
                }
            }
        }
        // Counted in a table the size of the buckets rather than sorted: sorting was half the
        // cost of scoring a sentence. The table is all zeros again when this returns.
        counts.resize(BUCKETS, 0);
        let mut out: Vec<(u32, f32)> = Vec::with_capacity(buckets.len());
        for &b in buckets.iter() {
            let n = &mut counts[b as usize];
            if *n == 0 {
                out.push((b, 0.0));
            }
            *n = n.saturating_add(1);
        }
        for (b, tf) in &mut out {
            *tf = match std::mem::take(&mut counts[*b as usize]) {
                1 => 1.0,
                n => 1.0 + f32::from(n).ln(),
            };
        }
        out
    })
}

/// Buffers `features` reuses from one sentence to the next.
#[derive(Default)]
struct Scratch {
    chars: Vec<char>,
    padded: Vec<char>,
    buckets: Vec<u32>,
    /// Per bucket, how often the sentence being cut holds it.
    counts: Vec<u16>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Every n-gram of `chars` with a length in `sizes`, hashed with `tag`. The n-grams that start
/// at one character share their hash's prefix, so each start costs one step per size.
fn grams(chars: &[char], sizes: std::ops::RangeInclusive<usize>, tag: u8, out: &mut Vec<u32>) {
    let (shortest, longest) = (*sizes.start(), *sizes.end());
    for start in 0..chars.len() {
        let mut h = seed(tag);
        for (len, &c) in chars[start..].iter().take(longest).enumerate() {
            h = step(h, c);
            if len + 1 >= shortest {
                out.push(finish(h));
            }
        }
    }
}

/// A hash of a kind tag and some characters. FNV-1a, one step per character, and a final mix so
/// that the low bits (the bucket) depend on every bit: stable across builds and platforms,
/// unlike std's hasher, because build.rs and the binary must agree.
fn hash(tag: u8, chars: impl Iterator<Item = char>) -> u32 {
    finish(chars.fold(seed(tag), step))
}

fn seed(tag: u8) -> u64 {
    0xcbf2_9ce4_8422_2325 ^ u64::from(tag)
}

fn step(h: u64, c: char) -> u64 {
    (h ^ u64::from(c)).wrapping_mul(0x0100_0000_01b3)
}

fn finish(mut h: u64) -> u32 {
    h ^= h >> 29;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 32;
    (h % BUCKETS as u64) as u32
}

/// A trained model's bytes (see the module doc).
#[derive(Debug, Clone, Copy)]
pub struct Model<'b> {
    bytes: &'b [u8],
}

/// The size of a model's bytes.
pub const MODEL_BYTES: usize = 4 * (CATEGORIES.len() + BUCKETS * (1 + CATEGORIES.len()));

impl<'b> Model<'b> {
    /// `None` unless `bytes` has a model's size.
    pub fn new(bytes: &'b [u8]) -> Option<Self> {
        (bytes.len() == MODEL_BYTES).then_some(Model { bytes })
    }

    fn f32_at(&self, index: usize) -> f32 {
        let b = &self.bytes[index * 4..index * 4 + 4];
        f32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }

    /// Where bucket `bucket`'s inverse document frequency is (in `f32`s); its weights follow.
    fn bucket_at(bucket: usize) -> usize {
        CATEGORIES.len() + bucket * (1 + CATEGORIES.len())
    }

    fn idf(&self, bucket: usize) -> f32 {
        self.f32_at(Self::bucket_at(bucket))
    }

    /// The probability, per category of [`CATEGORIES`], that the sentence belongs to it.
    pub fn scores(&self, text: &str, script: Script) -> [f32; CATEGORIES.len()] {
        let n = CATEGORIES.len();
        let x = weighted(features(text, script), |b| self.idf(b));
        let mut z: [f32; CATEGORIES.len()] = std::array::from_fn(|c| self.f32_at(c));
        for (b, v) in x {
            let at = 4 * (Self::bucket_at(b as usize) + 1);
            let weights = self.bytes[at..at + 4 * n].chunks_exact(4);
            for (z, w) in z.iter_mut().zip(weights) {
                *z += v * f32::from_le_bytes([w[0], w[1], w[2], w[3]]);
            }
        }
        z.map(|z| 1.0 / (1.0 + (-z).exp()))
    }
}

/// Term frequencies times inverse document frequencies, scaled to unit length.
pub fn weighted(mut x: Vec<(u32, f32)>, idf: impl Fn(usize) -> f32) -> Vec<(u32, f32)> {
    x.iter_mut().for_each(|(b, v)| *v *= idf(*b as usize));
    let norm = x.iter().map(|&(_, v)| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        x.iter_mut().for_each(|(_, v)| *v /= norm);
    }
    x
}
