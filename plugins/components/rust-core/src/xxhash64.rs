//! XXH64, the same algorithm as plugins/components/common/xxhash64.hpp: one-shot and streaming.

const P1: u64 = 0x9E37_79B1_85EB_CA87;
const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
const P3: u64 = 0x1656_67B1_9E37_79F9;
const P4: u64 = 0x85EB_CA77_C2B2_AE63;
const P5: u64 = 0x27D4_EB2F_1656_67C5;

#[inline(always)]
fn read64(b: &[u8]) -> u64 {
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

#[inline(always)]
fn read32(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

#[inline(always)]
fn round(acc: u64, input: u64) -> u64 {
    acc.wrapping_add(input.wrapping_mul(P2))
        .rotate_left(31)
        .wrapping_mul(P1)
}

#[inline(always)]
fn merge(acc: u64, val: u64) -> u64 {
    (acc ^ round(0, val)).wrapping_mul(P1).wrapping_add(P4)
}

/// The tail (fewer than 32 bytes) and the avalanche.
fn finish(mut h: u64, tail: &[u8]) -> u64 {
    let mut p = tail;
    while p.len() >= 8 {
        h ^= round(0, read64(p));
        h = h.rotate_left(27).wrapping_mul(P1).wrapping_add(P4);
        p = &p[8..];
    }
    if p.len() >= 4 {
        h ^= u64::from(read32(p)).wrapping_mul(P1);
        h = h.rotate_left(23).wrapping_mul(P2).wrapping_add(P3);
        p = &p[4..];
    }
    for &byte in p {
        h ^= u64::from(byte).wrapping_mul(P5);
        h = h.rotate_left(11).wrapping_mul(P1);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(P2);
    h ^= h >> 29;
    h = h.wrapping_mul(P3);
    h ^= h >> 32;
    h
}

fn converge(v: &[u64; 4]) -> u64 {
    let mut h = v[0]
        .rotate_left(1)
        .wrapping_add(v[1].rotate_left(7))
        .wrapping_add(v[2].rotate_left(12))
        .wrapping_add(v[3].rotate_left(18));
    for &lane in v {
        h = merge(h, lane);
    }
    h
}

fn stripe(v: &mut [u64; 4], p: &[u8]) {
    v[0] = round(v[0], read64(p));
    v[1] = round(v[1], read64(&p[8..]));
    v[2] = round(v[2], read64(&p[16..]));
    v[3] = round(v[3], read64(&p[24..]));
}

fn init(seed: u64) -> [u64; 4] {
    [
        seed.wrapping_add(P1).wrapping_add(P2),
        seed.wrapping_add(P2),
        seed,
        seed.wrapping_sub(P1),
    ]
}

/// XXH64 of `data` with `seed`.
pub fn xxhash64(data: &[u8], seed: u64) -> u64 {
    let mut p = data;
    let mut h = if data.len() >= 32 {
        let mut v = init(seed);
        while p.len() >= 32 {
            stripe(&mut v, p);
            p = &p[32..];
        }
        converge(&v)
    } else {
        seed.wrapping_add(P5)
    };
    h = h.wrapping_add(data.len() as u64);
    finish(h, p)
}

/// Streaming XXH64: the digest equals `xxhash64` of all updates concatenated.
pub struct Xxh64 {
    seed: u64,
    v: [u64; 4],
    total: u64,
    buf: [u8; 32],
    buf_len: usize,
}

impl Xxh64 {
    pub fn new(seed: u64) -> Self {
        Xxh64 {
            seed,
            v: init(seed),
            total: 0,
            buf: [0; 32],
            buf_len: 0,
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        self.total += data.len() as u64;
        let mut p = data;
        if self.buf_len > 0 {
            let take = (32 - self.buf_len).min(p.len());
            self.buf[self.buf_len..self.buf_len + take].copy_from_slice(&p[..take]);
            self.buf_len += take;
            p = &p[take..];
            if self.buf_len < 32 {
                return;
            }
            let buf = self.buf;
            stripe(&mut self.v, &buf);
            self.buf_len = 0;
        }
        while p.len() >= 32 {
            stripe(&mut self.v, p);
            p = &p[32..];
        }
        self.buf[..p.len()].copy_from_slice(p);
        self.buf_len = p.len();
    }

    pub fn digest(&self) -> u64 {
        let h = if self.total >= 32 {
            converge(&self.v)
        } else {
            self.seed.wrapping_add(P5)
        };
        finish(h.wrapping_add(self.total), &self.buf[..self.buf_len])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_vectors() {
        assert_eq!(xxhash64(b"", 0), 0xEF46_DB37_51D8_E999);
        assert_eq!(xxhash64(b"a", 0), 0xD24E_C4F1_A98C_6E5B);
        assert_eq!(
            xxhash64(b"Nobody inspects the spammish repetition", 0),
            0xFBCE_A83C_8A37_8BF1
        );
    }

    #[test]
    fn streaming_matches_one_shot() {
        let data: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in [0usize, 1, 5, 31, 32, 33, 64, 100, 300] {
            for split in [0usize, 1, 7, 12, 31, 32, 45] {
                let split = split.min(len);
                let mut s = Xxh64::new(9);
                s.update(&data[..split]);
                s.update(&data[split..len]);
                assert_eq!(
                    s.digest(),
                    xxhash64(&data[..len], 9),
                    "len {len} split {split}"
                );
            }
        }
    }
}
