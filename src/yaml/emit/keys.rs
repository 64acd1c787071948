//! go-yaml v2's mapping key order (`keyList.Less` for string keys): runes
//! compared one by one; letters by code point; a non-letter before a letter;
//! otherwise the digit runs at the difference compared as numbers.

use super::unicode;

/// Go's `unicode.IsLetter` (general category L*).
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        in_table(c, unicode::LETTERS)
    }
}

/// Go's `unicode.IsDigit` (category Nd, not only ASCII).
fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        in_table(c, unicode::DIGITS)
    }
}

fn in_table(c: char, table: &[(u32, u32)]) -> bool {
    let c = c as u32;
    table
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Whether key `a` sorts before key `b`.
pub(crate) fn less(a: &str, b: &str) -> bool {
    less_ascii(a.as_bytes(), b.as_bytes()).unwrap_or_else(|| less_chars(a, b))
}

/// [`less_chars`] decided on bytes, when the runes it looks at are ASCII
/// (the common case); `None` sends the pair to [`less_chars`].
fn less_ascii(a: &[u8], b: &[u8]) -> Option<bool> {
    let Some(i) = a.iter().zip(b).position(|(x, y)| x != y) else {
        // One is a prefix of the other: fewer runes first.
        return Some(a.len() < b.len());
    };
    let (ca, cb) = (a[i], b[i]);
    if !ca.is_ascii() || !cb.is_ascii() {
        return None;
    }
    let (la, lb) = (ca.is_ascii_alphabetic(), cb.is_ascii_alphabetic());
    if la && lb {
        return Some(ca < cb);
    }
    if la || lb {
        return Some(lb);
    }
    // The digit run of the common prefix just before `i`: a non-ASCII rune
    // there may be a digit, left to the general path.
    let mut prev_digits_nonzero = false;
    for &c in a[..i].iter().rev() {
        if !c.is_ascii() {
            return None;
        }
        if !c.is_ascii_digit() {
            break;
        }
        prev_digits_nonzero |= c != b'0';
    }
    let seed = i64::from((ca == b'0' || cb == b'0') && prev_digits_nonzero);
    // The digit runs from `i`; one ending at a non-ASCII rune may go on
    // with a non-ASCII digit.
    let run = |s: &[u8]| {
        let mut n = seed;
        let mut len = 0usize;
        for &c in &s[i..] {
            if !c.is_ascii_digit() {
                return c.is_ascii().then_some((n, len));
            }
            n = n.wrapping_mul(10).wrapping_add(i64::from(c - b'0'));
            len += 1;
        }
        Some((n, len))
    };
    let (an, alen) = run(a)?;
    let (bn, blen) = run(b)?;
    Some(if an != bn {
        an < bn
    } else if alen != blen {
        alen < blen
    } else {
        ca < cb
    })
}

/// [`less`] rune by rune, for any keys.
fn less_chars(a: &str, b: &str) -> bool {
    let mut ai = a.chars();
    let mut bi = b.chars();
    // Runes already passed, needed for the digit-run look-back.
    let mut prev_digits_nonzero = false;
    loop {
        let (Some(ca), Some(cb)) = (ai.clone().next(), bi.clone().next()) else {
            return a.chars().count() < b.chars().count();
        };
        if ca == cb {
            if is_digit(ca) {
                prev_digits_nonzero |= ca != '0';
            } else {
                prev_digits_nonzero = false;
            }
            ai.next();
            bi.next();
            continue;
        }
        let (la, lb) = (is_letter(ca), is_letter(cb));
        if la && lb {
            return ca < cb;
        }
        if la || lb {
            return lb;
        }
        // A zero continuing a number that already has a non-zero digit
        // counts as part of a non-zero number (v2 seeds both runs with 1).
        let seed = i64::from((ca == '0' || cb == '0') && prev_digits_nonzero);
        let run = |it: &std::str::Chars<'_>| {
            let mut n = seed;
            let mut len = 0usize;
            for c in it.clone().take_while(|c| is_digit(*c)) {
                n = n
                    .wrapping_mul(10)
                    .wrapping_add(i64::from(c as u32 - '0' as u32));
                len += 1;
            }
            (n, len)
        };
        let (an, alen) = run(&ai);
        let (bn, blen) = run(&bi);
        if an != bn {
            return an < bn;
        }
        if alen != blen {
            return alen < blen;
        }
        return ca < cb;
    }
}

/// Sorts `items` by `key` in v2's order. A stable sort of our own: the
/// order is not transitive for odd key sets (docs/output-format.md K6), and
/// std's sorts may panic then. Small inputs (most mappings) are sorted in
/// place by insertion; larger ones by merging.
pub(crate) fn sort_by<T>(items: &mut Vec<T>, key: &impl Fn(&T) -> &str) {
    if items.len() <= 16 {
        for i in 1..items.len() {
            let mut j = i;
            while j > 0 && less(key(&items[j]), key(&items[j - 1])) {
                items.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    let mid = items.len() / 2;
    let mut right = items.split_off(mid);
    sort_by(items, key);
    sort_by(&mut right, key);
    let left = std::mem::take(items);
    items.reserve(left.len() + right.len());
    let mut l = left.into_iter().peekable();
    let mut r = right.into_iter().peekable();
    loop {
        let take_right = match (l.peek(), r.peek()) {
            (Some(x), Some(y)) => less(key(y), key(x)),
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => break,
        };
        let next = if take_right { r.next() } else { l.next() };
        items.extend(next);
    }
}

/// Whether [`sort_by`] leaves `n` items as they are, given that each item
/// is already in order with its neighbour (`!less(key(i + 1), key(i))`).
/// It mirrors the sort's split: each half is left as it is, and a merge
/// keeps the order when the right half's first key sorts before none of
/// the left half's (the merge then takes the whole left half first). No
/// copies and no moves, the comparisons the sort's merges would make.
pub(crate) fn sort_keeps<'a>(n: usize, key: &impl Fn(usize) -> &'a str) -> bool {
    fn keeps<'a>(lo: usize, hi: usize, key: &impl Fn(usize) -> &'a str) -> bool {
        // Insertion sort moves nothing when neighbours are in order.
        if hi - lo <= 16 {
            return true;
        }
        let mid = lo + (hi - lo) / 2;
        keeps(lo, mid, key) && keeps(mid, hi, key) && (lo..mid).all(|i| !less(key(mid), key(i)))
    }
    keeps(0, n, key)
}

/// [`less`] as an ordering, for tests.
#[cfg(test)]
fn cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    if less(a, b) {
        Ordering::Less
    } else if less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_order() {
        let order = [
            "", "#c", "-d", "[e]", "_x", "~x", "1", "01", "2", "10", "A", "A1", "B", "Z", "a",
            "a b", "a-b", "a.b", "a/b", "a: b", "a:b", "a_b", "a~b", "a0",
        ];
        for w in order.windows(2) {
            assert_eq!(
                cmp(w[0], w[1]),
                std::cmp::Ordering::Less,
                "{:?} < {:?}",
                w[0],
                w[1]
            );
        }
        for n in [order.len(), 10] {
            let mut v: Vec<&str> = order[..n].iter().rev().copied().collect();
            sort_by(&mut v, &|k: &&str| *k);
            assert_eq!(v, order[..n]);
        }
    }

    #[test]
    fn digit_runs() {
        for w in [
            ["a2", "a2b"],
            ["a2b", "a02"],
            ["a02", "a9"],
            ["a9", "a10"],
            ["x1y9", "x1y10"],
            ["x1y10", "x01"],
            ["x01", "x001"],
            ["a0", "a00"],
            ["a00", "a000b"],
            ["a000b", "a1"],
        ] {
            assert!(less(w[0], w[1]), "{:?} < {:?}", w[0], w[1]);
        }
    }

    /// The byte path decides as the rune path does, on keys that share
    /// prefixes and mix ASCII and non-ASCII letters, digits and others.
    #[test]
    fn ascii_path_is_the_rune_path() {
        let alphabet = [
            "a", "b", "Z", "0", "1", "2", "9", "-", " ", "_", "é", "\u{663}", "\u{ff10}", "€",
            "00", "10",
        ];
        let mut next = crate::yaml::testgen::lcg(7);
        let word = |next: &mut dyn FnMut(usize) -> usize| -> String {
            (0..next(6))
                .map(|_| alphabet[next(alphabet.len())])
                .collect()
        };
        let mut checked = 0;
        for _ in 0..100_000 {
            let prefix = word(&mut next);
            let a = prefix.clone() + &word(&mut next);
            let b = prefix + &word(&mut next);
            assert_eq!(less(&a, &b), less_chars(&a, &b), "{a:?} < {b:?}");
            checked += usize::from(less_ascii(a.as_bytes(), b.as_bytes()).is_some());
        }
        // Most pairs take the byte path, so the comparison tests it.
        assert!(checked > 50_000, "{checked}");
    }

    /// `sort_keeps` says the sort keeps a list exactly when it does, on
    /// lists whose neighbours are each in order, built by a walk that may
    /// come back to smaller keys where the order is not transitive (K6).
    #[test]
    fn sort_keeps_is_what_the_sort_does() {
        let pieces = ["1", "2", "10", "a", "a1", "b", "0", "x9", "x10", "-", "00"];
        let mut next = crate::yaml::testgen::lcg(3);
        let (mut kept, mut moved) = (0, 0);
        for _ in 0..4000 {
            // Past 16 keys, where the merges start.
            let n = 17 + next(48);
            let key = |next: &mut dyn FnMut(usize) -> usize| -> String {
                (0..1 + next(3))
                    .map(|_| pieces[next(pieces.len())])
                    .collect()
            };
            let mut keys = vec![key(&mut next)];
            'walk: while keys.len() < n {
                for _ in 0..20 {
                    let k = key(&mut next);
                    if !less(&k, &keys[keys.len() - 1]) {
                        keys.push(k);
                        continue 'walk;
                    }
                }
                break;
            }
            let mut sorted = keys.clone();
            sort_by(&mut sorted, &|k: &String| k.as_str());
            let same = sorted == keys;
            assert_eq!(
                sort_keeps(keys.len(), &|i| keys[i].as_str()),
                same,
                "{keys:?}"
            );
            if same {
                kept += 1;
            } else {
                moved += 1;
            }
        }
        assert!(kept > 100 && moved > 20, "kept {kept}, moved {moved}");
    }
}
