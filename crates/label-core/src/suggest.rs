//! "Did you mean …?": the known word nearest a mistyped one, for config keys and label names.

/// How alike two words must be (Jaro-Winkler, 0 to 1) to be offered: the threshold clap uses
/// for mistyped subcommands and flags.
const ALIKE: f64 = 0.8;

/// The candidate most like `word`, if any is alike enough.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(word, candidate), candidate))
        .filter(|(score, _)| *score >= ALIKE)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn offers_the_nearest_alike_word_only() {
        let keys = ["ttl_seconds", "max_entries", "negative_ttl_seconds"];
        assert_eq!(closest("ttl_secnds", keys), Some("ttl_seconds"));
        assert_eq!(closest("max_entrys", keys), Some("max_entries"));
        assert_eq!(closest("colour", keys), None);
        assert_eq!(closest("VIP ", ["VIP", "Newsletter"]), Some("VIP"));
    }
}
