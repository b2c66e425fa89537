//! The built-in word lists and detectors: requests for a human, anger,
//! shouting, urgency, legal threats and refunds, in several languages.

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

/// What shows that `text` shouts: `!!!`, or at least three all-capital words
/// (of two or more letters, ten capitals in all) making up at least 40% of
/// the words. Words are runs of letters. One pass, nothing allocated unless
/// it shouts.
pub fn shouting(text: &str) -> Option<String> {
    let mut count = WordCount::default();
    let mut word = Word::default();
    let mut exclamation_marks = 0;
    for c in text.chars() {
        exclamation_marks = if c == '!' { exclamation_marks + 1 } else { 0 };
        if exclamation_marks == 3 {
            return Some("repeated exclamation marks".into());
        }
        match letter_case(c) {
            Some(capital) => word.add_letter(capital),
            None => count.add(std::mem::take(&mut word)),
        }
    }
    count.add(word);
    (count.capital_words >= 3
        && count.capital_letters >= 10
        && count.capital_words * 10 >= count.words * 4)
        .then(|| format!("{} words in capitals", count.capital_words))
}

/// For a letter, whether it is a capital; `None` for anything else.
fn letter_case(c: char) -> Option<bool> {
    if c.is_ascii() {
        return c.is_ascii_alphabetic().then(|| c.is_ascii_uppercase());
    }
    c.is_alphabetic().then(|| c.is_uppercase())
}

/// The word being read by [`shouting`].
struct Word {
    letters: usize,
    all_capitals: bool,
}

impl Default for Word {
    fn default() -> Self {
        Self {
            letters: 0,
            all_capitals: true,
        }
    }
}

impl Word {
    fn add_letter(&mut self, capital: bool) {
        self.letters += 1;
        self.all_capitals &= capital;
    }
}

/// What [`shouting`] counts, over words of two or more letters.
#[derive(Default)]
struct WordCount {
    words: usize,
    capital_words: usize,
    /// Letters of the all-capital words.
    capital_letters: usize,
}

impl WordCount {
    fn add(&mut self, word: Word) {
        if word.letters < 2 {
            return;
        }
        self.words += 1;
        if word.all_capitals {
            self.capital_words += 1;
            self.capital_letters += word.letters;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shouting_needs_several_capital_words() {
        assert!(shouting("WHERE IS MY ORDER").is_some());
        assert!(shouting("where is my order??!!!").is_some());
        assert!(
            shouting("The PDF and the CSV from NASA are attached to this long message").is_none()
        );
    }

    #[test]
    fn shouting_counts_words_of_two_or_more_letters_split_at_non_letters() {
        // One-letter words do not count.
        assert!(shouting("WHERE, ISX MY ORDERS a b c d").is_some());
        // Three capital words of ten letters, 3 of 6 words.
        assert!(shouting("WHERE ISX MY order now then").is_some());
        // 3 of 8 words is under 40%.
        assert!(shouting("WHERE ISX MY order now then and more").is_none());
        // Nine capital letters are not enough.
        assert!(shouting("WHERE IS MY").is_none());
        // Digits split words: "AB1CD" is two words.
        assert!(shouting("AB1CD EFGHIJ").is_some());
        assert!(shouting("ÄRGER ÜBER DAS").is_some());
        assert!(shouting("").is_none());
    }

    #[test]
    fn phrases_are_matched_as_words() {
        use mailbot_guest::text::phrases_in;
        assert_eq!(phrases_in("I will sue you", LEGAL), ["sue you"]);
        assert!(phrases_in("Thanks for your courtesy", LEGAL).is_empty());
        assert!(phrases_in("a classy scampi", ANGER).is_empty());
    }
}
