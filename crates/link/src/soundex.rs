//! American Soundex, used only as a blocking key: names that sound alike
//! ("Smith", "Smyth") share a code, so a typo in a family name does not keep
//! a pair from being compared. Written here because it is a few lines and
//! the crates that offer it are unmaintained.

/// The four-character Soundex code of a normalised name (upper-case
/// letters), or `None` when it does not start with an ASCII letter.
pub fn soundex(name: &str) -> Option<[u8; 4]> {
    let mut letters = name.bytes().filter(u8::is_ascii_uppercase);
    let first = letters.next()?;
    let mut code = [first, b'0', b'0', b'0'];
    let mut len = 1;
    let mut last = digit(first);
    for c in letters {
        let d = digit(c);
        // H and W do not separate letters with the same code; vowels do.
        if d == 0 {
            if c != b'H' && c != b'W' {
                last = 0;
            }
            continue;
        }
        if d != last {
            code[len] = b'0' + d;
            len += 1;
            if len == 4 {
                break;
            }
        }
        last = d;
    }
    Some(code)
}

fn digit(c: u8) -> u8 {
    match c {
        b'B' | b'F' | b'P' | b'V' => 1,
        b'C' | b'G' | b'J' | b'K' | b'Q' | b'S' | b'X' | b'Z' => 2,
        b'D' | b'T' => 3,
        b'L' => 4,
        b'M' | b'N' => 5,
        b'R' => 6,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::soundex;

    fn code(name: &str) -> String {
        String::from_utf8(soundex(name).unwrap().to_vec()).unwrap()
    }

    #[test]
    fn names_that_sound_alike_share_a_code() {
        assert_eq!(code("ROBERT"), "R163");
        assert_eq!(code("RUPERT"), "R163");
        assert_eq!(code("SMITH"), code("SMYTH"));
        assert_eq!(code("ASHCRAFT"), "A261");
        assert_eq!(code("TYMCZAK"), "T522");
        assert_eq!(code("LEE"), "L000");
    }

    #[test]
    fn a_name_without_a_leading_letter_has_no_code() {
        assert_eq!(soundex(""), None);
    }
}
