//! The built-in word lists: requests for a human, anger, urgency, legal
//! threats and refunds, in several languages, indexed at compile time
//! ([`PHRASES`]).

use mailbot_guest::text::{PhraseTable, phrase_count};

/// Explicit requests for a human (en, de, fr, es, it, nl, pt).
pub const HUMAN_REQUEST: &[&str] = &[
    "speak to a human",
    "talk to a human",
    "speak with a human",
    "talk with a human",
    "a real person",
    "a human being",
    "speak to someone",
    "talk to someone",
    "speak to a person",
    "talk to a person",
    "speak to an agent",
    "talk to an agent",
    "a real agent",
    "speak to a manager",
    "talk to a manager",
    "speak to your manager",
    "speak to a supervisor",
    "customer service representative",
    "not a bot",
    "stop the bot",
    "human please",
    "mit einem menschen",
    "echten menschen",
    "mit einem mitarbeiter",
    "einen mitarbeiter",
    "mit einer person sprechen",
    "kein bot",
    "parler à un humain",
    "parler a un humain",
    "une vraie personne",
    "un conseiller",
    "parler à quelqu'un",
    "parler à une personne",
    "pas un robot",
    "hablar con una persona",
    "hablar con un humano",
    "persona real",
    "hablar con alguien",
    "hablar con un agente",
    "no un bot",
    "parlare con un operatore",
    "parlare con una persona",
    "persona reale",
    "parlare con un umano",
    "met een mens",
    "echte persoon",
    "een medewerker spreken",
    "met een medewerker",
    "geen bot",
    "falar com um humano",
    "falar com uma pessoa",
    "pessoa real",
    "falar com um atendente",
    "falar com alguém",
    "não um robô",
];

/// Anger and profanity.
pub const ANGER: &[&str] = &[
    "furious",
    "angry",
    "outraged",
    "ridiculous",
    "unacceptable",
    "disgusting",
    "disgraceful",
    "scam",
    "scammers",
    "fraud",
    "worst service",
    "worst company",
    "incompetent",
    "useless",
    "pathetic",
    "fed up",
    "sick of",
    "wtf",
    "fuck",
    "fucking",
    "shit",
    "bullshit",
    "crap",
    "damn",
    "bloody",
    "inakzeptabel",
    "unverschämt",
    "frechheit",
    "betrug",
    "sauerei",
    "scheiße",
    "scheisse",
    "verarschen",
    "wütend",
    "inadmissible",
    "inacceptable",
    "arnaque",
    "scandaleux",
    "honteux",
    "furieux",
    "merde",
    "inaceptable",
    "estafa",
    "vergüenza",
    "indignante",
    "mierda",
    "furioso",
    "inaccettabile",
    "truffa",
    "vergogna",
    "schifo",
    "schandalig",
    "oplichting",
    "belachelijk",
    "waardeloos",
    "oplichters",
    "absurdo",
    "inaceitável",
    "vergonha",
    "golpe",
];

/// Urgency.
pub const URGENCY: &[&str] = &[
    "urgent",
    "urgently",
    "asap",
    "as soon as possible",
    "immediately",
    "emergency",
    "right now",
    "time-sensitive",
    "time sensitive",
    "dringend",
    "sofort",
    "eilt",
    "notfall",
    "urgence",
    "immédiatement",
    "au plus vite",
    "urgente",
    "inmediatamente",
    "cuanto antes",
    "emergencia",
    "subito",
    "immediatamente",
    "al più presto",
    "spoed",
    "onmiddellijk",
    "zo snel mogelijk",
    "imediatamente",
    "o mais rápido possível",
];

/// Legal threats.
pub const LEGAL: &[&str] = &[
    "lawyer",
    "attorney",
    "legal action",
    "legal steps",
    "sue you",
    "sue your",
    "lawsuit",
    "take you to court",
    "small claims",
    "consumer protection",
    "ombudsman",
    "anwalt",
    "rechtsanwalt",
    "rechtliche schritte",
    "verklagen",
    "vor gericht",
    "verbraucherzentrale",
    "avocat",
    "poursuites",
    "tribunal",
    "action en justice",
    "abogado",
    "demandar",
    "acciones legales",
    "denuncia",
    "avvocato",
    "azione legale",
    "advocaat",
    "rechtszaak",
    "juridische stappen",
    "advogado",
    "processo judicial",
    "ação judicial",
];

/// Refunds and chargebacks.
pub const REFUND: &[&str] = &[
    "refund",
    "chargeback",
    "charge back",
    "money back",
    "reimburse",
    "reimbursement",
    "rückerstattung",
    "erstattung",
    "geld zurück",
    "rückbuchung",
    "remboursement",
    "rembourser",
    "reembolso",
    "devolución del dinero",
    "rimborso",
    "terugbetaling",
    "geld terug",
    "estorno",
];

/// The signals that fire on a phrase: (signal, its phrases, on by default),
/// in the order they are reported.
pub const PHRASE_SIGNALS: &[(&str, &[&str], bool)] = &[
    ("human-request", HUMAN_REQUEST, true),
    ("anger", ANGER, true),
    ("urgency", URGENCY, true),
    ("legal", LEGAL, true),
    ("refund", REFUND, false),
];

/// The phrase lists of [`PHRASE_SIGNALS`], in that order.
const PHRASE_LISTS: [&[&str]; PHRASE_SIGNALS.len()] = {
    let mut lists: [&[&str]; PHRASE_SIGNALS.len()] = [&[]; PHRASE_SIGNALS.len()];
    let mut i = 0;
    while i < lists.len() {
        lists[i] = PHRASE_SIGNALS[i].1;
        i += 1;
    }
    lists
};

/// The phrases of every signal of [`PHRASE_SIGNALS`] (whether on or not),
/// indexed by the compiler: `lists_in` answers one list per signal.
pub static PHRASES: PhraseTable<{ phrase_count(&PHRASE_LISTS) }> = PhraseTable::new(&PHRASE_LISTS);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_phrases_are_written_in_lower_case_and_trimmed() {
        for phrase in PHRASE_LISTS.iter().flat_map(|list| list.iter()) {
            assert_eq!(phrase.to_lowercase().trim(), *phrase);
        }
    }

    /// The compile-time table takes every non-ASCII character for a letter;
    /// the built-in phrases only have letters there, so it answers what
    /// the run-time index does.
    #[test]
    fn the_table_answers_what_the_run_time_index_answers() {
        let phrases = PHRASE_LISTS.iter().flat_map(|list| list.iter());
        for phrase in phrases {
            for text in [
                phrase.to_string(),
                phrase.to_uppercase(),
                format!("«{phrase}», dit-il"),
                format!("x{phrase}"),
                format!("{phrase}s"),
            ] {
                assert_eq!(
                    PHRASES.lists_in(&text),
                    mailbot_guest::text::phrase_lists_in(&text, &PHRASE_LISTS),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn phrases_are_matched_as_words() {
        use mailbot_guest::text::phrases_in;
        assert_eq!(phrases_in("I will sue you", LEGAL), ["sue you"]);
        assert!(phrases_in("Thanks for your courtesy", LEGAL).is_empty());
        assert!(phrases_in("a classy scampi", ANGER).is_empty());
    }
}
