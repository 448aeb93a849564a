//! A minimal PNG writer (8-bit RGBA, no filtering) for `--screenshot-to`,
//! built on flate2's zlib and CRC-32 so no image crate is needed.

use flate2::Crc;
use flate2::write::ZlibEncoder;
use std::io::Write;

/// Encodes `rgba` (`width * height * 4` bytes, rows top to bottom) as PNG.
pub fn encode_rgba(width: u32, height: u32, rgba: &[u8]) -> std::io::Result<Vec<u8>> {
    let row_bytes = width as usize * 4;
    if rgba.len() != row_bytes * height as usize {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("{} bytes do not make a {width}×{height} RGBA image", rgba.len()),
        ));
    }
    let mut raw = Vec::with_capacity(rgba.len() + height as usize);
    for row in rgba.chunks(row_bytes.max(1)) {
        raw.push(0); // filter type: none
        raw.extend_from_slice(row);
    }
    let mut zlib = ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    zlib.write_all(&raw)?;
    let data = zlib.finish()?;
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0]); // 8 bits, RGBA, deflate, no filter, no interlace
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &data);
    chunk(&mut png, b"IEND", &[]);
    Ok(png)
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    png.extend_from_slice(&(data.len() as u32).to_be_bytes());
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let mut crc = Crc::new();
    crc.update(kind);
    crc.update(data);
    png.extend_from_slice(&crc.sum().to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_pixel_png_has_the_known_layout() {
        let png = encode_rgba(1, 1, &[255, 0, 0, 255]).expect("encodes");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"));
        assert!(png.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82]));
        assert!(encode_rgba(2, 2, &[0; 4]).is_err());
    }
}
