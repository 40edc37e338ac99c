//! "Did you mean" suggestions: the closest candidate by edit distance.

/// The candidate closest to `name`, if any is close enough to be a likely
/// typo: within a third of the name's length (at least one edit).
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let len = name.chars().count();
    if len < 3 {
        return None; // Too short for a suggestion to mean anything.
    }
    let limit = (len / 3).max(1);
    let upper = name.starts_with(|c: char| c.is_ascii_uppercase());
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        // A capitalised name is a class; a lower-case one is not: suggest alike.
        let same_case = c.starts_with(|c: char| c.is_ascii_uppercase()) == upper;
        if c == name || !(same_case || c.eq_ignore_ascii_case(name)) {
            continue;
        }
        let d = distance(name, c);
        if d <= limit && best.is_none_or(|(bd, bc)| d < bd || (d == bd && c < bc)) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance with adjacent transpositions counted as one edit.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos() {
        let names = ["count", "total", "print"];
        assert_eq!(closest("cuont", names.iter().copied()), Some("count"));
        assert_eq!(closest("prnt", names.iter().copied()), Some("print"));
        assert_eq!(closest("zebra", names.iter().copied()), None);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
