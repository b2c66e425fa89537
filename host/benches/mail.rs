//! Messages per second through mailbot's mail core (parse + new text +
//! screen) for 4 KB, 64 KB and 1 MB replies, beside mail-parser alone (the
//! floor). Run: `cargo bench -p mailbot --bench mail`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mail_parser::MessageParser;
use mailbot::mail::parse::{ParseLimits, parse};
use mailbot::mail::screen::screen;

/// A Gmail-style multipart/alternative reply whose quoted history is padded
/// to about `size` bytes.
fn reply_of_size(size: usize) -> Vec<u8> {
    let quoted_line =
        "> Thanks for your order. It will ship within two business days; tracking follows.\n";
    let html_line =
        "Thanks for your order. It will ship within two business days; tracking follows.<br>\n";
    let repeats = (size / (quoted_line.len() + html_line.len())).max(1);
    let mut raw = String::with_capacity(size + 2048);
    raw.push_str(
        "From: Alex Example <alex@customer.example>\r\nTo: support@shop.example\r\nSubject: Re: Your order 4711\r\nMessage-ID: <bench@customer.example>\r\nIn-Reply-To: <r1@shop.example>\r\nReferences: <r0@shop.example> <r1@shop.example>\r\nDate: Mon, 2 Apr 2012 18:26:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello, where is my parcel? It has been a week.\r\n\r\nThanks,\r\nAlex\r\n\r\nOn Mon, Apr 2, 2012 at 6:26 PM, Shop <support@shop.example> wrote:\r\n",
    );
    for _ in 0..repeats {
        raw.push_str(quoted_line);
    }
    raw.push_str("\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<div dir=\"ltr\">Hello, where is my parcel?<br>Thanks,<br>Alex</div><div class=\"gmail_quote\"><div class=\"gmail_attr\">On Mon, Apr 2, 2012 at 6:26 PM, Shop wrote:</div><blockquote class=\"gmail_quote\">\r\n");
    for _ in 0..repeats {
        raw.push_str(html_line);
    }
    raw.push_str("</blockquote></div>\r\n--b1--\r\n");
    raw.into_bytes()
}

fn bench_mail(c: &mut Criterion) {
    let own = vec!["support@shop.example".to_string()];
    let limits = ParseLimits::default();
    for (label, size) in [("4KB", 4 * 1024), ("64KB", 64 * 1024), ("1MB", 1024 * 1024)] {
        let raw = reply_of_size(size);
        let mut group = c.benchmark_group(format!("mail/{label}"));
        group.throughput(Throughput::Elements(1));
        if size >= 1024 * 1024 {
            group.sample_size(20);
        }
        group.bench_with_input(BenchmarkId::new("mail-parser", label), &raw, |b, raw| {
            b.iter(|| black_box(MessageParser::default().parse(black_box(raw.as_slice()))))
        });
        group.bench_with_input(
            BenchmarkId::new("parse+new_text+screen", label),
            &raw,
            |b, raw| {
                b.iter(|| {
                    let mail = parse(black_box(raw), &limits);
                    black_box(mail.map(|m| screen(&m, &own)))
                })
            },
        );
        group.finish();
    }
}

criterion_group!(benches, bench_mail);
criterion_main!(benches);
