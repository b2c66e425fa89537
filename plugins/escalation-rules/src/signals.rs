//! The built-in word lists and detectors: requests for a human, anger,
//! shouting, urgency, legal threats and refunds, in several languages.

use mailbot_guest::text::phrases_in;

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

/// The phrases of `list` found in `text`, in list order.
pub fn found<'a>(text: &str, list: &[&'a str]) -> Vec<&'a str> {
    let mut hits = phrases_in(text, list);
    hits.dedup();
    hits
}

/// What shows that `text` shouts: `!!!`, or at least three all-capital words
/// (of two or more letters, ten capitals in all) making up at least 40% of
/// the words.
pub fn shouting(text: &str) -> Option<String> {
    if text.contains("!!!") {
        return Some("repeated exclamation marks".into());
    }
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 2)
        .collect();
    let caps: Vec<&&str> = words
        .iter()
        .filter(|w| w.chars().all(char::is_uppercase))
        .collect();
    let letters: usize = caps.iter().map(|w| w.chars().count()).sum();
    (caps.len() >= 3 && letters >= 10 && caps.len() * 10 >= words.len() * 4)
        .then(|| format!("{} words in capitals", caps.len()))
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
    fn phrases_are_matched_as_words() {
        assert_eq!(found("I will sue you", LEGAL), ["sue you"]);
        assert!(found("Thanks for your courtesy", LEGAL).is_empty());
        assert!(found("a classy scampi", ANGER).is_empty());
    }
}
