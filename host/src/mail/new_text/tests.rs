//! New-text extraction across languages and clients: one table of real
//! reply shapes (attribution lines, Outlook header blocks, separators,
//! device signatures) in the languages mailbot is measured on.

use crate::mail::new_text::split_text;

/// (case, body, expected new text + signature, white space folded).
const CASES: &[(&str, &str, &str)] = &[
    (
        "en gmail",
        "Yes please.\n\nOn Tue, Mar 4, 2025 at 10:02 AM Shop <s@shop.example> wrote:\n> Shall we ship?\n",
        "Yes please.",
    ),
    (
        "en outlook underscores",
        "Fine.\n\n________________________________\nFrom: Shop <s@shop.example>\nSent: Tuesday, March 4, 2025 10:02 AM\nTo: Alex\nSubject: Order\n\nShall we ship?\n",
        "Fine.",
    ),
    (
        "de gmail",
        "Ja, bitte.\n\nAm Di., 4. März 2025 um 10:02 Uhr schrieb Shop <s@shop.example>:\n> Sollen wir versenden?\n",
        "Ja, bitte.",
    ),
    (
        "de outlook",
        "Passt.\n\nVon: Shop <s@shop.example>\nGesendet: Dienstag, 4. März 2025 10:02\nAn: Alex\nBetreff: Bestellung\n\nSollen wir versenden?\n",
        "Passt.",
    ),
    (
        "fr apple",
        "Oui merci.\n\nLe 4 mars 2025 à 10:02, Shop <s@shop.example> a écrit :\n\n> Voulez-vous ?\n",
        "Oui merci.",
    ),
    (
        "fr outlook",
        "D'accord.\n\nDe : Shop <s@shop.example>\nEnvoyé : mardi 4 mars 2025 10:02\nÀ : Alex\nObjet : Commande\n",
        "D'accord.",
    ),
    (
        "es gmail",
        "Sí, gracias.\n\nEl mar, 4 mar 2025 a las 10:02, Shop (<s@shop.example>) escribió:\n> ¿Enviamos?\n",
        "Sí, gracias.",
    ),
    (
        "es outlook",
        "Vale.\n\nDe: Shop <s@shop.example>\nEnviado el: martes, 4 de marzo de 2025 10:02\nPara: Alex\nAsunto: Pedido\n",
        "Vale.",
    ),
    (
        "it gmail",
        "Sì.\n\nIl giorno mar 4 mar 2025 alle ore 10:02 Shop <s@shop.example> ha scritto:\n> Spediamo?\n",
        "Sì.",
    ),
    (
        "nl gmail",
        "Ja hoor.\n\nOp di 4 mrt 2025 om 10:02 schreef Shop <s@shop.example>:\n> Verzenden?\n",
        "Ja hoor.",
    ),
    (
        "nl apple",
        "Prima.\n\nOp 4 mrt. 2025 om 10:02 heeft Shop <s@shop.example> het volgende geschreven:\n\n> Verzenden?\n",
        "Prima.",
    ),
    (
        "pt gmail",
        "Sim.\n\nEm ter., 4 de mar. de 2025 às 10:02, Shop <s@shop.example> escreveu:\n> Enviamos?\n",
        "Sim.",
    ),
    (
        "sv gmail",
        "Ja tack.\n\nDen tis 4 mars 2025 kl 10:02 skrev Shop <s@shop.example>:\n> Skicka?\n",
        "Ja tack.",
    ),
    (
        "da outlook",
        "Fint.\n\nFra: Shop <s@shop.example>\nSendt: 4. marts 2025 10:02\nTil: Alex\nEmne: Ordre\n",
        "Fint.",
    ),
    (
        "no gmail",
        "Ja.\n\ntir. 4. mar. 2025 kl. 10:02 skrev Shop <s@shop.example>:\n> Sende?\n",
        "Ja.",
    ),
    (
        "fi gmail",
        "Kyllä.\n\nti 4. maalisk. 2025 klo 10.02 Shop (s@shop.example) kirjoitti:\n> Lähetetäänkö?\n",
        "Kyllä.",
    ),
    (
        "pl gmail",
        "Tak.\n\nW dniu wt., 4.03.2025 o 10:02 Shop <s@shop.example> napisał(a):\n> Wysłać?\n",
        "Tak.",
    ),
    (
        "cs gmail",
        "Ano.\n\nút 4. 3. 2025 v 10:02 odesílatel Shop <s@shop.example> napsal:\n> Odeslat?\n",
        "Ano.",
    ),
    (
        "ru gmail",
        "Да.\n\nвт, 4 мар. 2025 г. в 10:02, Shop <s@shop.example>:\n> Отправить?\n",
        "Да.",
    ),
    (
        "ru outlook",
        "Хорошо.\n\nОт: Shop <s@shop.example>\nОтправлено: 4 марта 2025 г. 10:02\nКому: Alex\nТема: Заказ\n",
        "Хорошо.",
    ),
    (
        "uk gmail",
        "Так.\n\nвт, 4 бер. 2025 о 10:02 Shop <s@shop.example> пише:\n> Надіслати?\n",
        "Так.",
    ),
    (
        "ja outlook",
        "承知しました。\n\n差出人: Shop <s@shop.example>\n送信日時: 2025年3月4日 10:02\n宛先: Alex\n件名: 注文\n",
        "承知しました。",
    ),
    (
        "zh qq",
        "好的。\n\n------------------ 原始邮件 ------------------\n发件人: \"Shop\"<s@shop.example>;\n发送时间: 2025年3月4日(星期二) 上午10:02\n",
        "好的。",
    ),
    (
        "zh gmail",
        "好的。\n\nShop <s@shop.example> 于2025年3月4日周二 10:02写道：\n> 发货吗？\n",
        "好的。",
    ),
    (
        "ko gmail",
        "네.\n\n2025년 3월 4일 (화) 오전 10:02, Shop <s@shop.example>님이 작성:\n> 보낼까요?\n",
        "네.",
    ),
    (
        "tr gmail",
        "Evet.\n\nShop <s@shop.example>, 4 Mar 2025 Sal, 10:02 tarihinde şunu yazdı:\n> Gönderelim mi?\n",
        "Evet.",
    ),
    (
        "forwarded block",
        "FYI see below\n\n---------- Forwarded message ---------\nFrom: Bank <b@bank.example>\nDate: Tue, Mar 4, 2025\nSubject: Statement\n",
        "FYI see below",
    ),
    (
        "de device signature",
        "Ok\n\nVon meinem iPhone gesendet\n\n> Am 04.03.2025 um 10:02 schrieb Shop <s@shop.example>:\n> Frage\n",
        "Ok Von meinem iPhone gesendet",
    ),
    (
        "android signature",
        "Sure\n\nGet Outlook for Android\n________________________________\nFrom: Shop <s@shop.example>\nSent: Tuesday\nSubject: Q\n",
        "Sure Get Outlook for Android",
    ),
];

#[test]
fn replies_in_many_languages_keep_only_the_new_text() {
    let mut failures = Vec::new();
    for (name, body, want) in CASES {
        let got = split_text(body, None);
        let joined = format!("{}{}", got.new_text, got.signature);
        let folded = joined.split_whitespace().collect::<Vec<_>>().join(" ");
        if folded != *want {
            failures.push(format!("{name}: got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
