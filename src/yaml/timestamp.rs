//! go-yaml's timestamps: which plain scalars are timestamps (v2 and v3 accept
//! the same layouts) and how `encoding/json` then prints them (RFC 3339).

/// A parsed timestamp, as Go's `time.Time` would hold it.
#[derive(Debug, PartialEq, Eq)]
pub struct Timestamp {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    /// Zone offset in minutes east of UTC.
    offset: i32,
}

/// The text of a `!!timestamp` scalar after kustomize's JSON hop (`time.Time`
/// marshalled by `encoding/json`, RFC 3339), or `None` when go-yaml would not
/// read `s` as a time (the hop then keeps it as the string it is). The
/// emitter and the name hash both see values through this hop.
pub fn json_text(s: &str) -> Option<String> {
    let t = parse_timestamp(s)?;
    let mut text = String::with_capacity(32);
    t.write_rfc3339(&mut text);
    Some(text)
}

/// go-yaml's timestamp resolution: four-digit year and `-`, then Go's
/// `time.Parse` with one of `2006-1-2T15:4:5.999999999Z07:00` (also with
/// `t`), `2006-1-2 15:4:5.999999999`, `2006-1-2`.
pub fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let mut c = Cursor { b, i: 5 };
    let year = num(&b[..4]);
    let month = c.num12()?;
    c.lit(b'-')?;
    let day = c.num12()?;
    let mut t = Timestamp {
        year,
        month,
        day,
        hour: 0,
        minute: 0,
        second: 0,
        nanos: 0,
        offset: 0,
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return None;
    }
    if c.i == b.len() {
        return Some(t);
    }
    let zoned = match b[c.i] {
        b'T' | b't' => {
            c.i += 1;
            true
        }
        b' ' => {
            // Go lets one space in the layout match a run of spaces.
            while c.i < b.len() && b[c.i] == b' ' {
                c.i += 1;
            }
            false
        }
        _ => return None,
    };
    t.hour = c.num12()?;
    c.lit(b':')?;
    t.minute = c.num12()?;
    c.lit(b':')?;
    t.second = c.num12()?;
    if t.hour >= 24 || t.minute >= 60 || t.second >= 60 {
        return None;
    }
    if c.i + 1 < b.len() && matches!(b[c.i], b'.' | b',') && b[c.i + 1].is_ascii_digit() {
        c.i += 1;
        let st = c.i;
        while c.i < b.len() && b[c.i].is_ascii_digit() {
            c.i += 1;
        }
        let frac = &b[st..c.i.min(st + 9)];
        let mut n = num(frac);
        for _ in frac.len()..9 {
            n *= 10;
        }
        t.nanos = n;
    }
    if zoned {
        match b.get(c.i)? {
            b'Z' => c.i += 1,
            &sign @ (b'+' | b'-') => {
                let z = b.get(c.i..c.i + 6)?;
                if z[3] != b':' || !z[1..3].iter().chain(&z[4..6]).all(u8::is_ascii_digit) {
                    return None;
                }
                let (h, m) = (num(&z[1..3]), num(&z[4..6]));
                if h > 24 || m > 60 {
                    return None;
                }
                let off = (h * 60 + m) as i32;
                t.offset = if sign == b'-' { -off } else { off };
                c.i += 6;
            }
            _ => return None,
        }
    }
    (c.i == b.len()).then_some(t)
}

impl Timestamp {
    /// Writes Go's RFC 3339 JSON form: fixed-width fields, fraction without
    /// trailing zeros, `Z` for a zero offset.
    pub fn write_rfc3339(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = write!(
            out,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        if self.nanos > 0 {
            let f = format!("{:09}", self.nanos);
            out.push('.');
            out.push_str(f.trim_end_matches('0'));
        }
        if self.offset == 0 {
            out.push('Z');
        } else {
            let a = self.offset.unsigned_abs();
            let _ = write!(
                out,
                "{}{:02}:{:02}",
                if self.offset < 0 { '-' } else { '+' },
                a / 60,
                a % 60
            );
        }
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    /// Go's `getnum(s, false)`: one digit, or two if the second is a digit.
    fn num12(&mut self) -> Option<u32> {
        let d0 = self.b.get(self.i).filter(|c| c.is_ascii_digit())?;
        let mut v = u32::from(d0 - b'0');
        self.i += 1;
        if let Some(d1) = self.b.get(self.i).filter(|c| c.is_ascii_digit()) {
            v = v * 10 + u32::from(d1 - b'0');
            self.i += 1;
        }
        Some(v)
    }

    fn lit(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.i) == Some(&c)).then(|| self.i += 1)
    }
}

fn num(d: &[u8]) -> u32 {
    d.iter().fold(0, |a, c| a * 10 + u32::from(c - b'0'))
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}
