// HdrHistogram V2 files (what every HdrHistogram port serializes: Rust's V2Serializer and
// V2DeflateSerializer, Java's encodeIntoByteBuffer / encodeIntoCompressedByteBuffer, and the base64 text of
// a compressed histogram) decoded with hdr-histogram-js, the maintained JavaScript port.
import { histogramValues, type LatencyValues } from './latency-output';

// Loaded on use: hdr-histogram-js (with its wasm build) is most of the bench executor's start-up, and only
// latency programs that write .hgrm files need it.
/* eslint-disable @typescript-eslint/no-require-imports */
const hdr = () => ({
  decodeFromCompressedBase64: (require('hdr-histogram-js') as typeof import('hdr-histogram-js')).decodeFromCompressedBase64,
  decompress: (require('hdr-histogram-js/dist/encoding') as typeof import('hdr-histogram-js/dist/encoding')).decompress,
  doDecode: (require('hdr-histogram-js/dist/JsHistogram.encoding') as typeof import('hdr-histogram-js/dist/JsHistogram.encoding')).doDecode,
});
/* eslint-enable @typescript-eslint/no-require-imports */

const V2_COOKIE_BASE = 0x1c849303;
const V2_COMPRESSED_COOKIE_BASE = 0x1c849304;

export class HgrmError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'HgrmError';
  }
}

/** Decodes one file's bytes; values as recorded (latency programs record nanoseconds). */
export function decodeHgrm(bytes: Uint8Array, file: string): LatencyValues {
  try {
    const { decodeFromCompressedBase64, decompress, doDecode } = hdr();
    if (bytes.length >= 4) {
      const cookie = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(0, false);
      const base = cookie & ~0xf0;
      // 64-bit buckets: a latency histogram's counts can exceed 2^31 and the default 32-bit bucket would wrap.
      if (base === V2_COOKIE_BASE) return histogramValues(doDecode(bytes, 64));
      if (base === V2_COMPRESSED_COOKIE_BASE) return histogramValues(doDecode(decompress(bytes), 64));
    }
    const text = Buffer.from(bytes).toString('latin1').trim();
    if (/^[A-Za-z0-9+/]{8,}={0,2}$/.test(text)) return histogramValues(decodeFromCompressedBase64(text, 64));
  } catch (e) {
    throw new HgrmError(file, `not a readable HdrHistogram V2 histogram (${e instanceof Error ? e.message : String(e)})`);
  }
  throw new HgrmError(file, 'not an HdrHistogram V2 histogram (no V2 cookie 0x1c849303/0x1c849304, nor the base64 text of a compressed one); write it with V2Serializer or V2DeflateSerializer');
}
