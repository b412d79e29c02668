/**
 * Streaming XXH64 (seed 0) in 32-bit arithmetic, used to check zstd content checksums on the fallback
 * backend (the native backend checks them in libzstd). A zstd frame stores the low 32 bits of the hash of its
 * decompressed content.
 *
 * 64-bit values are kept as (hi, lo) unsigned 32-bit halves; the state lives in a typed array so the hot loop
 * allocates nothing.
 *
 * @module
 */

const P1_HI = 0x9e3779b1;
const P1_LO = 0x85ebca87;
const P2_HI = 0xc2b2ae3d;
const P2_LO = 0x27d4eb4f;
const P3_HI = 0x165667b1;
const P3_LO = 0x9e3779f9;
const P4_HI = 0x85ebca77;
const P4_LO = 0xc2b2ae63;
const P5_HI = 0x27d4eb2f;
const P5_LO = 0x165667c5;

const STRIPE = 32;

/**
 * High 32 bits of the 64-bit product of two unsigned 32-bit integers. Splits `a` into 16-bit halves so each
 * partial product stays below 2^48 and is exact in a double.
 */
function mulHi32(a: number, b: number): number {
  return Math.floor(((a >>> 16) * b + Math.floor(((a & 0xffff) * b) / 65536)) / 65536) >>> 0;
}

function readU32(d: Uint8Array, p: number): number {
  return (
    ((d[p] as number) | ((d[p + 1] as number) << 8) | ((d[p + 2] as number) << 16) | ((d[p + 3] as number) << 24)) >>> 0
  );
}

/**
 * One XXH64 round on accumulator `i` of `s` (s[2i] = hi, s[2i+1] = lo): acc = rotl(acc + lane·P2, 31)·P1.
 */
function round(s: Uint32Array, i: number, laneLo: number, laneHi: number): void {
  const accHi = s[2 * i] as number;
  const accLo = s[2 * i + 1] as number;
  // lane * P2
  const mLo = Math.imul(laneLo, P2_LO) >>> 0;
  const mHi = (mulHi32(laneLo, P2_LO) + Math.imul(laneLo, P2_HI) + Math.imul(laneHi, P2_LO)) >>> 0;
  // acc + lane * P2
  const aLo = (accLo + mLo) >>> 0;
  const aHi = (accHi + mHi + (aLo < accLo ? 1 : 0)) >>> 0;
  // rotl 31
  const rHi = ((aHi << 31) | (aLo >>> 1)) >>> 0;
  const rLo = ((aLo << 31) | (aHi >>> 1)) >>> 0;
  // * P1
  s[2 * i + 1] = Math.imul(rLo, P1_LO);
  s[2 * i] = mulHi32(rLo, P1_LO) + Math.imul(rLo, P1_HI) + Math.imul(rHi, P1_LO);
}

/** Incremental XXH64 with seed 0. */
export class Xxh64 {
  /** Accumulators v1..v4 as (hi, lo) pairs, then scratch pairs for finalisation. */
  private readonly s = new Uint32Array(12);
  private readonly mem = new Uint8Array(STRIPE);
  private memSize = 0;
  private total = 0;

  constructor() {
    this.reset();
  }

  /** Starts a new hash. */
  reset(): void {
    const s = this.s;
    // v1 = P1 + P2
    const lo = (P1_LO + P2_LO) >>> 0;
    s[0] = P1_HI + P2_HI + (lo < P1_LO ? 1 : 0);
    s[1] = lo;
    // v2 = P2
    s[2] = P2_HI;
    s[3] = P2_LO;
    // v3 = 0
    s[4] = 0;
    s[5] = 0;
    // v4 = -P1
    const nLo = (~P1_LO + 1) >>> 0;
    s[6] = ~P1_HI + (nLo === 0 ? 1 : 0);
    s[7] = nLo;
    this.memSize = 0;
    this.total = 0;
  }

  /** Adds bytes to the hash. */
  update(data: Uint8Array): void {
    const len = data.length;
    this.total += len;
    let p = 0;
    if (this.memSize + len < STRIPE) {
      this.mem.set(data, this.memSize);
      this.memSize += len;
      return;
    }
    if (this.memSize > 0) {
      const fill = STRIPE - this.memSize;
      this.mem.set(data.subarray(0, fill), this.memSize);
      this.stripes(this.mem, 0, STRIPE);
      p = fill;
      this.memSize = 0;
    }
    const end = p + Math.floor((len - p) / STRIPE) * STRIPE;
    if (end > p) this.stripes(data, p, end);
    if (end < len) {
      this.mem.set(data.subarray(end), 0);
      this.memSize = len - end;
    }
  }

  private stripes(d: Uint8Array, from: number, to: number): void {
    const s = this.s;
    const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
    let v0Hi = s[0] as number;
    let v0Lo = s[1] as number;
    let v1Hi = s[2] as number;
    let v1Lo = s[3] as number;
    let v2Hi = s[4] as number;
    let v2Lo = s[5] as number;
    let v3Hi = s[6] as number;
    let v3Lo = s[7] as number;
    for (let p = from; p < to; p += STRIPE) {
      {
        const lLo = dv.getUint32(p + 0, true);
        const lHi = dv.getUint32(p + 4, true);
        const mLo = Math.imul(lLo, P2_LO) >>> 0;
        const mHi = mulHi32(lLo, P2_LO) + Math.imul(lLo, P2_HI) + Math.imul(lHi, P2_LO);
        const aLo = (v0Lo + mLo) >>> 0;
        const aHi = (v0Hi + mHi + (aLo < mLo ? 1 : 0)) >>> 0;
        const rHi = ((aHi << 31) | (aLo >>> 1)) >>> 0;
        const rLo = ((aLo << 31) | (aHi >>> 1)) >>> 0;
        v0Lo = Math.imul(rLo, P1_LO) >>> 0;
        v0Hi = (mulHi32(rLo, P1_LO) + Math.imul(rLo, P1_HI) + Math.imul(rHi, P1_LO)) >>> 0;
      }
      {
        const lLo = dv.getUint32(p + 8, true);
        const lHi = dv.getUint32(p + 12, true);
        const mLo = Math.imul(lLo, P2_LO) >>> 0;
        const mHi = mulHi32(lLo, P2_LO) + Math.imul(lLo, P2_HI) + Math.imul(lHi, P2_LO);
        const aLo = (v1Lo + mLo) >>> 0;
        const aHi = (v1Hi + mHi + (aLo < mLo ? 1 : 0)) >>> 0;
        const rHi = ((aHi << 31) | (aLo >>> 1)) >>> 0;
        const rLo = ((aLo << 31) | (aHi >>> 1)) >>> 0;
        v1Lo = Math.imul(rLo, P1_LO) >>> 0;
        v1Hi = (mulHi32(rLo, P1_LO) + Math.imul(rLo, P1_HI) + Math.imul(rHi, P1_LO)) >>> 0;
      }
      {
        const lLo = dv.getUint32(p + 16, true);
        const lHi = dv.getUint32(p + 20, true);
        const mLo = Math.imul(lLo, P2_LO) >>> 0;
        const mHi = mulHi32(lLo, P2_LO) + Math.imul(lLo, P2_HI) + Math.imul(lHi, P2_LO);
        const aLo = (v2Lo + mLo) >>> 0;
        const aHi = (v2Hi + mHi + (aLo < mLo ? 1 : 0)) >>> 0;
        const rHi = ((aHi << 31) | (aLo >>> 1)) >>> 0;
        const rLo = ((aLo << 31) | (aHi >>> 1)) >>> 0;
        v2Lo = Math.imul(rLo, P1_LO) >>> 0;
        v2Hi = (mulHi32(rLo, P1_LO) + Math.imul(rLo, P1_HI) + Math.imul(rHi, P1_LO)) >>> 0;
      }
      {
        const lLo = dv.getUint32(p + 24, true);
        const lHi = dv.getUint32(p + 28, true);
        const mLo = Math.imul(lLo, P2_LO) >>> 0;
        const mHi = mulHi32(lLo, P2_LO) + Math.imul(lLo, P2_HI) + Math.imul(lHi, P2_LO);
        const aLo = (v3Lo + mLo) >>> 0;
        const aHi = (v3Hi + mHi + (aLo < mLo ? 1 : 0)) >>> 0;
        const rHi = ((aHi << 31) | (aLo >>> 1)) >>> 0;
        const rLo = ((aLo << 31) | (aHi >>> 1)) >>> 0;
        v3Lo = Math.imul(rLo, P1_LO) >>> 0;
        v3Hi = (mulHi32(rLo, P1_LO) + Math.imul(rLo, P1_HI) + Math.imul(rHi, P1_LO)) >>> 0;
      }
    }
    s[0] = v0Hi;
    s[1] = v0Lo;
    s[2] = v1Hi;
    s[3] = v1Lo;
    s[4] = v2Hi;
    s[5] = v2Lo;
    s[6] = v3Hi;
    s[7] = v3Lo;
  }

  /** The low 32 bits of the hash of everything added since the last reset (what zstd stores). */
  digestLow32(): number {
    return this.digest()[1];
  }

  /** The 64-bit hash as [hi, lo] unsigned 32-bit halves. */
  digest(): [number, number] {
    const s = this.s;
    let hHi: number;
    let hLo: number;
    if (this.total >= STRIPE) {
      // h = rotl(v1,1) + rotl(v2,7) + rotl(v3,12) + rotl(v4,18)
      hHi = 0;
      hLo = 0;
      const rots = [1, 7, 12, 18];
      for (let i = 0; i < 4; i++) {
        const r = rots[i] as number;
        const vHi = s[2 * i] as number;
        const vLo = s[2 * i + 1] as number;
        const rHi = ((vHi << r) | (vLo >>> (32 - r))) >>> 0;
        const rLo = ((vLo << r) | (vHi >>> (32 - r))) >>> 0;
        const lo = (hLo + rLo) >>> 0;
        hHi = (hHi + rHi + (lo < hLo ? 1 : 0)) >>> 0;
        hLo = lo;
      }
      // merge rounds: h ^= round(0, v); h = h * P1 + P4
      for (let i = 0; i < 4; i++) {
        s[8] = 0;
        s[9] = 0;
        round(s, 4, s[2 * i + 1] as number, s[2 * i] as number);
        hHi = (hHi ^ (s[8] as number)) >>> 0;
        hLo = (hLo ^ (s[9] as number)) >>> 0;
        [hHi, hLo] = mulAdd(hHi, hLo, P1_HI, P1_LO, P4_HI, P4_LO);
      }
    } else {
      hHi = P5_HI;
      hLo = P5_LO;
    }
    // h += total length
    const totalLo = this.total >>> 0;
    const totalHi = Math.floor(this.total / 0x100000000) >>> 0;
    const lo = (hLo + totalLo) >>> 0;
    hHi = (hHi + totalHi + (lo < hLo ? 1 : 0)) >>> 0;
    hLo = lo;

    const m = this.mem;
    const n = this.memSize;
    let p = 0;
    for (; p + 8 <= n; p += 8) {
      s[8] = 0;
      s[9] = 0;
      round(s, 4, readU32(m, p), readU32(m, p + 4));
      hHi = (hHi ^ (s[8] as number)) >>> 0;
      hLo = (hLo ^ (s[9] as number)) >>> 0;
      // h = rotl(h, 27) * P1 + P4
      const rHi = ((hHi << 27) | (hLo >>> 5)) >>> 0;
      const rLo = ((hLo << 27) | (hHi >>> 5)) >>> 0;
      [hHi, hLo] = mulAdd(rHi, rLo, P1_HI, P1_LO, P4_HI, P4_LO);
    }
    if (p + 4 <= n) {
      // h ^= u32 * P1; h = rotl(h, 23) * P2 + P3
      const k = readU32(m, p);
      const kLo = Math.imul(k, P1_LO) >>> 0;
      const kHi = (mulHi32(k, P1_LO) + Math.imul(k, P1_HI)) >>> 0;
      hHi = (hHi ^ kHi) >>> 0;
      hLo = (hLo ^ kLo) >>> 0;
      const rHi = ((hHi << 23) | (hLo >>> 9)) >>> 0;
      const rLo = ((hLo << 23) | (hHi >>> 9)) >>> 0;
      [hHi, hLo] = mulAdd(rHi, rLo, P2_HI, P2_LO, P3_HI, P3_LO);
      p += 4;
    }
    for (; p < n; p++) {
      // h ^= byte * P5; h = rotl(h, 11) * P1
      const b = m[p] as number;
      const kLo = Math.imul(b, P5_LO) >>> 0;
      const kHi = (mulHi32(b, P5_LO) + Math.imul(b, P5_HI)) >>> 0;
      hHi = (hHi ^ kHi) >>> 0;
      hLo = (hLo ^ kLo) >>> 0;
      const rHi = ((hHi << 11) | (hLo >>> 21)) >>> 0;
      const rLo = ((hLo << 11) | (hHi >>> 21)) >>> 0;
      [hHi, hLo] = mulAdd(rHi, rLo, P1_HI, P1_LO, 0, 0);
    }
    // avalanche
    hLo = (hLo ^ (hHi >>> 1)) >>> 0; // h ^= h >> 33
    [hHi, hLo] = mulAdd(hHi, hLo, P2_HI, P2_LO, 0, 0);
    hLo = (hLo ^ ((hLo >>> 29) | (hHi << 3))) >>> 0; // h ^= h >> 29
    hHi = (hHi ^ (hHi >>> 29)) >>> 0;
    [hHi, hLo] = mulAdd(hHi, hLo, P3_HI, P3_LO, 0, 0);
    hLo = (hLo ^ hHi) >>> 0; // h ^= h >> 32
    return [hHi, hLo];
  }
}

/** (a · b + c) mod 2^64 on (hi, lo) halves. */
function mulAdd(aHi: number, aLo: number, bHi: number, bLo: number, cHi: number, cLo: number): [number, number] {
  const mLo = Math.imul(aLo, bLo) >>> 0;
  const mHi = (mulHi32(aLo, bLo) + Math.imul(aLo, bHi) + Math.imul(aHi, bLo)) >>> 0;
  const lo = (mLo + cLo) >>> 0;
  return [(mHi + cHi + (lo < mLo ? 1 : 0)) >>> 0, lo];
}
