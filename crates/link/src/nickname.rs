//! Common English given names and the short forms people give instead
//! ("Bill" for William, "Peggy" for Margaret), so a name given to the police
//! can meet the name on an NHS record. The table is the project's own and
//! deliberately small: a group is a formal name and its usual short forms,
//! and a short form may belong to several groups ("Chris", "Alex", "Sam").

use std::collections::HashMap;
use std::sync::OnceLock;

/// One group per line, formal name first, in the normal form of
/// [`crate::normalise::name`] (upper case, letters only).
const GROUPS: &str = "\
WILLIAM BILL BILLY WILL WILLIE LIAM
ROBERT BOB BOBBY ROB ROBBIE BERT
RICHARD RICK RICKY DICK RICH RICHIE
JAMES JIM JIMMY JAMIE
JOHN JACK JOHNNY JON
JONATHAN JON JONNY JONNIE
MICHAEL MIKE MICK MICKY MIKEY
CHRISTOPHER CHRIS KIT
CHRISTINE CHRIS CHRISSY TINA
CHRISTINA CHRIS CHRISSY TINA
ALEXANDER ALEX SANDY AL
ALEXANDRA ALEX SANDRA LEXI
ANTHONY TONY ANT
ANDREW ANDY DREW
EDWARD ED EDDIE TED TEDDY NED
THOMAS TOM TOMMY
DANIEL DAN DANNY
DAVID DAVE DAVY
JOSEPH JOE JOEY
SAMUEL SAM SAMMY
SAMANTHA SAM SAMMY
STEPHEN STEVE STEVIE
STEVEN STEVE STEVIE
MATTHEW MATT MATTY
PETER PETE
PATRICK PAT PADDY
PATRICIA PAT PATTY TRISH TRICIA
NICHOLAS NICK NICKY
NICOLA NIKKI NICKY
KATHERINE KATE KATIE KATHY KAT
CATHERINE CATH CATHY KATE KATIE
ELIZABETH LIZ LIZZIE BETH BETTY ELIZA LIBBY BESS
MARGARET MAGGIE PEGGY MEG
SUSAN SUE SUZY SUSIE
DEBORAH DEBBIE DEB
REBECCA BECKY BECCA
JENNIFER JENNY JEN
JESSICA JESS JESSIE
VICTORIA VICKY TORI
ABIGAIL ABBY ABBIE
ELEANOR ELLIE NELL
GARY GAZ
GARETH GAZ
KENNETH KEN KENNY
GERALD GERRY
TERENCE TERRY
LAWRENCE LAURIE LARRY
HENRY HARRY HAL
HAROLD HARRY HAL
FREDERICK FRED FREDDIE
ALFRED ALF ALFIE FRED
BENJAMIN BEN BENNY
CHARLES CHARLIE CHAS
CHARLOTTE CHARLIE LOTTIE
FRANCES FRAN FRANNIE
FRANCIS FRANK
JOSEPHINE JO JOSIE
JOANNE JO
PHILIP PHIL PIP
RAYMOND RAY
RONALD RON RONNIE
DONALD DON DONNIE
TIMOTHY TIM TIMMY
ZACHARY ZACH ZAK
";

/// The groups a normalised given name belongs to; empty when it is in none.
pub fn groups(name: &str) -> &'static [u16] {
    static TABLE: OnceLock<HashMap<&'static str, Vec<u16>>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table: HashMap<&'static str, Vec<u16>> = HashMap::new();
        for (group, line) in (0u16..).zip(GROUPS.lines()) {
            for member in line.split_whitespace() {
                table.entry(member).or_default().push(group);
            }
        }
        table
    });
    table.get(name).map_or(&[], Vec::as_slice)
}

/// The short forms of a formal name (one that starts a group), or none.
pub fn short_forms(formal: &str) -> Vec<&'static str> {
    GROUPS
        .lines()
        .filter_map(|line| {
            let mut names = line.split_whitespace();
            (names.next() == Some(formal)).then_some(names)
        })
        .flatten()
        .collect()
}

/// Whether two given-name group lists share a group.
pub fn share_group(a: &[u16], b: &[u16]) -> bool {
    a.iter().any(|g| b.contains(g))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_meet_their_formal_name() {
        assert!(share_group(groups("BILL"), groups("WILLIAM")));
        assert!(share_group(groups("PEGGY"), groups("MARGARET")));
    }

    #[test]
    fn a_short_form_can_belong_to_several_names() {
        assert!(share_group(groups("CHRIS"), groups("CHRISTOPHER")));
        assert!(share_group(groups("CHRIS"), groups("CHRISTINE")));
        assert!(!share_group(groups("CHRISTOPHER"), groups("CHRISTINE")));
    }

    #[test]
    fn formal_names_list_their_short_forms() {
        assert_eq!(short_forms("MARGARET"), ["MAGGIE", "PEGGY", "MEG"]);
        assert!(short_forms("PEGGY").is_empty());
    }

    #[test]
    fn names_outside_the_table_share_nothing() {
        assert!(groups("OKONKWO").is_empty());
        assert!(!share_group(groups("OKONKWO"), groups("OKONKWO")));
    }
}
