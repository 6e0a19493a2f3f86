//! The share poster: an SVG with the item, the recommendation, the shop and a QR code of the
//! share link. Text is drawn with CJK fonts first, so Chinese renders on phones and desktops.

use std::fmt::Write as _;

use qrcode::{Color, EcLevel, QrCode};

use crate::money::Fen;

pub struct Poster<'a> {
    pub title: &'a str,
    pub price: Fen,
    pub recommendation: &'a str,
    pub shop_name: &'a str,
    pub url: &'a str,
}

const WIDTH: u32 = 750;
const HEIGHT: u32 = 1200;
const MARGIN: u32 = 48;
const QR_SIZE: u32 = 360;
const FONTS: &str = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif";

pub fn render(poster: &Poster) -> String {
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONTS}"><rect width="100%" height="100%" fill="#ffffff"/>"##
    );
    let mut y = 90;
    text(&mut svg, y, 30, "#888888", poster.shop_name);
    y += 80;
    for line in wrap(poster.title, 32, 2) {
        text(&mut svg, y, 40, "#222222", &line);
        y += 54;
    }
    y += 20;
    text(&mut svg, y, 56, "#e4393c", &poster.price.yuan_display());
    y += 70;
    for line in wrap(poster.recommendation, 40, 5) {
        text(&mut svg, y, 30, "#444444", &line);
        y += 44;
    }
    qr(
        &mut svg,
        poster.url,
        (WIDTH - QR_SIZE) / 2,
        HEIGHT - QR_SIZE - 110,
    );
    let caption_y = HEIGHT - 60;
    let _ = write!(
        svg,
        r##"<text x="{}" y="{caption_y}" font-size="26" fill="#888888" text-anchor="middle">长按识别二维码 · Scan to buy</text>"##,
        WIDTH / 2
    );
    svg.push_str("</svg>");
    svg
}

fn text(svg: &mut String, y: u32, size: u32, colour: &str, content: &str) {
    let _ = write!(
        svg,
        r#"<text x="{MARGIN}" y="{y}" font-size="{size}" fill="{colour}">{}</text>"#,
        escape(content)
    );
}

/// The QR code as one path of dark modules on a white square with a quiet zone.
fn qr(svg: &mut String, url: &str, x: u32, y: u32) {
    let Ok(code) = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M) else {
        return;
    };
    let modules = code.width();
    let quiet = 4;
    let scale = f64::from(QR_SIZE) / (modules + 2 * quiet) as f64;
    let _ = write!(
        svg,
        r##"<rect x="{x}" y="{y}" width="{QR_SIZE}" height="{QR_SIZE}" fill="#ffffff"/><g transform="translate({x} {y}) scale({scale:.4})" shape-rendering="crispEdges"><path fill="#000000" d=""##
    );
    for (index, colour) in code.to_colors().into_iter().enumerate() {
        if colour == Color::Dark {
            let _ = write!(
                svg,
                "M{} {}h1v1h-1z",
                index % modules + quiet,
                index / modules + quiet
            );
        }
    }
    svg.push_str(r#""/></g>"#);
}

/// Lines of at most `width` columns (a CJK character takes two), at most `max_lines` of them;
/// a cut text ends with an ellipsis.
fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let columns = |c: char| if c.is_ascii() { 1 } else { 2 };
    let mut lines = vec![String::new()];
    let mut used = 0;
    for c in text.chars().map(|c| if c.is_control() { ' ' } else { c }) {
        if used + columns(c) > width {
            if lines.len() == max_lines {
                let last = lines.last_mut().expect("at least one line");
                last.pop();
                last.push('…');
                return lines;
            }
            lines.push(String::new());
            used = 0;
        }
        lines.last_mut().expect("at least one line").push(c);
        used += columns(c);
    }
    lines
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_wraps_and_ends_with_an_ellipsis() {
        assert_eq!(wrap("abc", 10, 2), ["abc"]);
        assert_eq!(wrap("芒果干芒果干", 4, 2), ["芒果", "干…"]);
        assert_eq!(wrap("ab\ncd", 10, 1), ["ab cd"]);
    }

    #[test]
    fn user_text_cannot_break_out_of_its_element() {
        let svg = render(&Poster {
            title: "<script>alert(1)</script>",
            price: Fen(2990),
            recommendation: "\"quoted\" & 'single'",
            shop_name: "阿明的零食铺",
            url: "https://x.cn/s/ABCDEFGH",
        });
        assert!(!svg.contains("<script"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("&quot;quoted&quot; &amp; &#39;single&#39;"));
    }
}
