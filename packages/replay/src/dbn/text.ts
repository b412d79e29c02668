/**
 * Fixed-width text slots (dbn-format.md §4.3): the text, then NUL bytes. Decoding stops at the first NUL and
 * maps each byte to one character (so any byte round-trips); encoding accepts ASCII shorter than the slot.
 *
 * @module
 */
import { DbnEncodeError } from './errors.js';

/** One-character strings for every byte value, so a `char` field reads without allocating. */
export const CHAR: readonly string[] = Object.freeze(Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)));

/** Read the text of a `char[width]` slot at `offset`: the bytes before the first NUL. */
export function readText(bytes: Uint8Array, offset: number, width: number): string {
  let end = offset;
  const limit = offset + width;
  while (end < limit && bytes[end] !== 0) end++;
  if (end === offset) return '';
  let s = '';
  for (let i = offset; i < end; i++) s += CHAR[bytes[i] as number];
  return s;
}

/** Write `text` into a `char[width]` slot, NUL-padding it. Throws {@link DbnEncodeError} if it does not fit. */
export function writeText(
  out: Uint8Array,
  offset: number,
  width: number,
  text: string,
  recordType: string,
  field: string,
): void {
  if (typeof text !== 'string') throw new DbnEncodeError(recordType, field, `expected a string, got ${typeof text}`);
  if (text.length >= width) {
    throw new DbnEncodeError(
      recordType,
      field,
      `text of ${text.length} characters does not fit a ${width}-byte slot (at most ${width - 1})`,
    );
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0 || code > 0x7f)
      throw new DbnEncodeError(
        recordType,
        field,
        `character ${JSON.stringify(text[i])} at ${i} is not printable ASCII`,
      );
    out[offset + i] = code;
  }
  out.fill(0, offset + text.length, offset + width);
}
