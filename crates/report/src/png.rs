//! PNG copies of the charts, for slides.
//!
//! The charts are drawn once, as SVG; PNGs are rendered from that SVG with
//! resvg rather than drawn a second time with plotters' bitmap backend.
//! One drawing means the PNG cannot drift from the SVG in the report, and
//! resvg renders text with a font shipped inside strand (DejaVu Sans,
//! `fonts/`), not whatever the machine has: the same chart gives the same
//! pixels on every machine.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(REGULAR.to_vec());
        db.load_font_data(BOLD.to_vec());
        // Every generic family is the shipped font: plotters asks for
        // `sans-serif`, and nothing may fall through to a system font.
        db.set_sans_serif_family("DejaVu Sans");
        db.set_serif_family("DejaVu Sans");
        db.set_monospace_family("DejaVu Sans");
        let mut options = usvg::Options {
            font_family: "DejaVu Sans".into(),
            ..usvg::Options::default()
        };
        options.fontdb = Arc::new(db);
        options
    })
}

/// Renders an SVG chart as PNG at `scale` times its size (2 for slides).
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, String> {
    let tree = usvg::Tree::from_str(svg, options()).map_err(|e| e.to_string())?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or("the chart has no size")?;
    let mut pixmap =
        tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("the chart is too large")?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_text_with_the_shipped_font_deterministically() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><text x="10" y="25" font-family="sans-serif" font-size="16">Band 4</text></svg>"#;
        let a = svg_to_png(svg, 2.0).unwrap();
        let b = svg_to_png(svg, 2.0).unwrap();
        assert_eq!(a, b);
        assert_eq!(&a[..8], b"\x89PNG\r\n\x1a\n");
        // 240 x 120 pixels: width and height in the IHDR chunk.
        assert_eq!(u32::from_be_bytes(a[16..20].try_into().unwrap()), 240);
        assert_eq!(u32::from_be_bytes(a[20..24].try_into().unwrap()), 80);
        // Text was drawn: some pixels are dark.
        let blank = svg_to_png(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"></svg>"#,
            2.0,
        )
        .unwrap();
        assert_ne!(a, blank);
    }
}
