//! How long an audio file plays, read from its headers: WAV (the data size over the byte
//! rate), MP3 (the frame count of a Xing/Info header, else the first frame's bit rate over the
//! file's size, exact for constant bit rates), AAC in ADTS frames (the frames counted) and
//! MP4/M4A (the movie header's duration).

/// The length in seconds, or `None` for a format (or a file) this cannot measure.
pub(crate) fn seconds(bytes: &[u8]) -> Option<f64> {
    if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WAVE") {
        return wav(bytes);
    }
    if bytes.get(4..8) == Some(b"ftyp") {
        return mp4(bytes);
    }
    mp3(bytes).or_else(|| adts(bytes))
}

/// Sampling rates by ADTS frequency index.
const ADTS_RATES: [u32; 13] = [
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
];

/// AAC in ADTS frames: 1024 samples per raw data block, frames walked by their lengths.
fn adts(bytes: &[u8]) -> Option<f64> {
    let mut at = 0;
    let mut blocks = 0u64;
    let mut rate = 0;
    while at + 7 <= bytes.len() {
        let header = &bytes[at..at + 7];
        if header[0] != 0xff || header[1] & 0xf6 != 0xf0 {
            break;
        }
        rate = *ADTS_RATES.get(usize::from((header[2] >> 2) & 0xf))?;
        let length = (usize::from(header[3] & 3) << 11)
            | (usize::from(header[4]) << 3)
            | usize::from(header[5] >> 5);
        if length < 7 {
            break;
        }
        blocks += u64::from(header[6] & 3) + 1;
        at += length;
    }
    (blocks > 0 && rate > 0).then(|| blocks as f64 * 1024.0 / f64::from(rate))
}

fn u32_le(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn u32_be(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn u64_be(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

fn wav(bytes: &[u8]) -> Option<f64> {
    let mut at = 12;
    let mut byte_rate = None;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let size = u32_le(bytes, at + 4)? as usize;
        match id {
            b"fmt " => byte_rate = u32_le(bytes, at + 16),
            b"data" => {
                // A streamed file may leave the size at its maximum: what is there counts.
                let size = size.min(bytes.len() - at - 8);
                return byte_rate
                    .filter(|&r| r > 0)
                    .map(|r| size as f64 / f64::from(r));
            }
            _ => {}
        }
        at += 8 + size + (size & 1);
    }
    None
}

/// The `mvhd` box of `moov`: its time scale and duration.
fn mp4(bytes: &[u8]) -> Option<f64> {
    let moov = find_box(bytes, b"moov")?;
    let mvhd = find_box(moov, b"mvhd")?;
    let (scale, duration) = if mvhd.first() == Some(&1) {
        (u32_be(mvhd, 20)?, u64_be(mvhd, 24)?)
    } else {
        (u32_be(mvhd, 12)?, u64::from(u32_be(mvhd, 16)?))
    };
    (scale > 0).then(|| duration as f64 / f64::from(scale))
}

/// The contents of the first box named `name` among the boxes of `bytes`.
fn find_box<'a>(bytes: &'a [u8], name: &[u8; 4]) -> Option<&'a [u8]> {
    let mut at = 0;
    while at + 8 <= bytes.len() {
        let size = u32_be(bytes, at)? as usize;
        let (header, size) = match size {
            0 => (8, bytes.len() - at),
            1 => (16, usize::try_from(u64_be(bytes, at + 8)?).ok()?),
            _ => (8, size),
        };
        if size < header || at + size > bytes.len() {
            return None;
        }
        if &bytes[at + 4..at + 8] == name {
            return Some(&bytes[at + header..at + size]);
        }
        at += size;
    }
    None
}

/// Kilobits per second by bit-rate index: MPEG-1 layer III, then MPEG-2/2.5 layer III.
const MPEG1_BITRATES: [u32; 15] = [
    0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
];
const MPEG2_BITRATES: [u32; 15] = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

fn mp3(bytes: &[u8]) -> Option<f64> {
    // An ID3v2 tag first: ten bytes of header and a size in 7-bit bytes.
    let mut start = 0;
    if bytes.starts_with(b"ID3") {
        let size = bytes
            .get(6..10)?
            .iter()
            .fold(0usize, |acc, b| (acc << 7) | usize::from(b & 0x7f));
        start = 10 + size;
    }
    let header = u32_be(bytes, start)?;
    if header >> 21 != 0x7ff {
        return None;
    }
    let version = (header >> 19) & 3; // 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    let layer = (header >> 17) & 3; // 1: layer III
    let bitrate_index = ((header >> 12) & 0xf) as usize;
    let rate_index = ((header >> 10) & 3) as usize;
    if version == 1 || layer != 1 || bitrate_index == 0 || bitrate_index == 15 || rate_index == 3 {
        return None;
    }
    let mpeg1 = version == 3;
    let sample_rate = [44100, 48000, 32000][rate_index]
        >> if mpeg1 {
            0
        } else if version == 2 {
            1
        } else {
            2
        };
    let samples_per_frame = if mpeg1 { 1152 } else { 576 };
    let stereo = (header >> 6) & 3 != 3;
    // Where a Xing or Info header sits: after the side information.
    let side = match (mpeg1, stereo) {
        (true, true) => 32,
        (true, false) | (false, true) => 17,
        (false, false) => 9,
    };
    let xing = start + 4 + side;
    if matches!(bytes.get(xing..xing + 4), Some(b"Xing" | b"Info"))
        && u32_be(bytes, xing + 4).is_some_and(|flags| flags & 1 == 1)
    {
        let frames = u32_be(bytes, xing + 8)?;
        return Some(f64::from(frames) * f64::from(samples_per_frame) / f64::from(sample_rate));
    }
    let kbps = if mpeg1 {
        MPEG1_BITRATES
    } else {
        MPEG2_BITRATES
    }[bitrate_index];
    Some((bytes.len() - start) as f64 * 8.0 / (f64::from(kbps) * 1000.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav_of(seconds: u32, byte_rate: u32) -> Vec<u8> {
        let data = vec![0u8; (seconds * byte_rate) as usize];
        let mut out = b"RIFF\0\0\0\0WAVEfmt ".to_vec();
        out.extend(16u32.to_le_bytes());
        out.extend(1u16.to_le_bytes()); // PCM
        out.extend(1u16.to_le_bytes()); // mono
        out.extend((byte_rate / 2).to_le_bytes()); // sample rate
        out.extend(byte_rate.to_le_bytes());
        out.extend(2u16.to_le_bytes());
        out.extend(16u16.to_le_bytes());
        out.extend(b"data");
        out.extend((data.len() as u32).to_le_bytes());
        out.extend(data);
        out
    }

    #[test]
    fn wav_length_is_the_data_over_the_byte_rate() {
        assert_eq!(seconds(&wav_of(2, 16000)), Some(2.0));
    }

    #[test]
    fn constant_bit_rate_mp3_length_comes_from_the_first_frame() {
        // MPEG-1 layer III, 128 kbps, 44.1 kHz, stereo; 16000 bytes are one second.
        let mut file = vec![0xff, 0xfb, 0x90, 0x00];
        file.resize(16000, 0);
        assert_eq!(seconds(&file), Some(1.0));
        // An ID3 tag before it is skipped.
        let mut tagged = b"ID3\x03\x00\x00\x00\x00\x00\x0a".to_vec();
        tagged.extend([0u8; 10]);
        tagged.extend(&file);
        assert_eq!(seconds(&tagged), Some(1.0));
    }

    #[test]
    fn a_xing_header_gives_the_frame_count() {
        let mut file = vec![0xff, 0xfb, 0x90, 0x00];
        file.resize(4 + 32, 0);
        file.extend(b"Xing");
        file.extend(1u32.to_be_bytes());
        file.extend(100u32.to_be_bytes()); // 100 frames of 1152 samples at 44.1 kHz
        file.resize(2000, 0);
        let length = seconds(&file).unwrap();
        assert!((length - 100.0 * 1152.0 / 44100.0).abs() < 1e-9);
    }

    #[test]
    fn mp4_length_is_the_movie_header_duration() {
        let mut mvhd = vec![0u8; 4 + 8]; // version 0, flags, creation and modification times
        mvhd.extend(1000u32.to_be_bytes()); // time scale
        mvhd.extend(3500u32.to_be_bytes()); // duration
        let mut mvhd_box = ((mvhd.len() + 8) as u32).to_be_bytes().to_vec();
        mvhd_box.extend(b"mvhd");
        mvhd_box.extend(mvhd);
        let mut moov = ((mvhd_box.len() + 8) as u32).to_be_bytes().to_vec();
        moov.extend(b"moov");
        moov.extend(mvhd_box);
        let mut file = 16u32.to_be_bytes().to_vec();
        file.extend(b"ftypM4A \0\0\0\0");
        file.extend(moov);
        assert_eq!(seconds(&file), Some(3.5));
    }

    #[test]
    fn adts_length_counts_the_frames() {
        // 43 frames of 100 bytes, AAC LC at 44.1 kHz (index 4), one block each.
        let mut frame = vec![0xff, 0xf1, 0x50, 0x80, 0, 0, 0xfc];
        let length = 100usize;
        frame[3] |= ((length >> 11) & 3) as u8;
        frame[4] = ((length >> 3) & 0xff) as u8;
        frame[5] = (((length & 7) << 5) as u8) | 0x1f;
        frame.resize(length, 0);
        let file: Vec<u8> = frame.iter().copied().cycle().take(43 * length).collect();
        let seconds = seconds(&file).unwrap();
        assert!((seconds - 43.0 * 1024.0 / 44100.0).abs() < 1e-9);
    }

    #[test]
    fn other_bytes_have_no_length() {
        assert_eq!(seconds(b"OggS\0\0\0\0"), None);
        assert_eq!(seconds(b""), None);
    }
}
