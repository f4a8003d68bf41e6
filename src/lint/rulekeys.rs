//! The keys every rule of a pack has; the others are its matcher's. Shared by the loader
//! (src/lint/pack.rs) and build.rs, which moves the matcher's keys apart in the JSON it embeds.

pub(crate) const COMMON_KEYS: &[&str] = &[
    "id",
    "category",
    "level",
    "message",
    "why",
    "suggestions",
    "examples",
    "unless",
    "when",
    "kind",
];
