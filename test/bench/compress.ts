import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Bytes on the wire at each encoding a server would use for a static file: gzip -9, brotli 11. */
export const compressed = (body: Buffer | string): { raw: number; gzip: number; brotli: number } => ({
  raw: Buffer.byteLength(body),
  gzip: gzipSync(body, { level: 9 }).length,
  brotli: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});
