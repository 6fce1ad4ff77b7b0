/**
 * JPEG (TIFF compression 7) strips and tiles checked before geotiff's decoder reads them. It
 * allocates what a frame header claims, whatever the strip: a 140-byte strip claiming
 * 65535 × 65535 pixels ended the process, 5 000 frames in one strip likewise, and 255 components
 * sampled 15 × 15 cost 3 GB. The check walks the markers as geotiff does and refuses what it would
 * allocate beyond the block; the bounds are tested in test/io/sem/compressionGuards.test.ts.
 */
import { BaseDecoder } from 'geotiff';

/** What a block's frame may claim: its strip or tile, and the samples of a pixel. */
export interface JpegBlockLimits {
  kind: 'strip' | 'tile';
  tileWidth: number;
  tileHeight: number;
  /** Components the frame may have: SamplesPerPixel, or 1 when samples are stored planar. */
  samplesPerBlock: number;
  /** The TIFF's JPEGTables (tag 347), which geotiff parses as a stream of their own. */
  JPEGTables?: unknown;
}

/**
 * Most scans a JPEG block may hold. geotiff's decoder walks the whole frame once a scan, and a
 * progressive scan can take 13 bytes (an end-of-band run covers 32 767 blocks): a 1 MB strip of
 * them kept it busy 10 s. Encoders write one scan a component, or about 10 when progressive.
 */
const MAX_JPEG_SCANS = 100;

/**
 * Walks a JPEG stream's markers the way geotiff's decoder (3.0.5, compression/jpeg.js) does,
 * without decoding, and throws an Error where it would allocate beyond the block: it allocates
 * every frame's blocks as soon as it reads the frame header (a 65535 × 65535 frame in a strip of
 * a few hundred bytes ended the process), keeps every frame it reads, and takes each component's
 * sampling factors (up to 15) as given. `block` is null for JPEGTables, which may hold no frame.
 * geotiff's walk, not the segment lengths: it reads frame and scan headers field by field and a
 * DQT or DHT segment to the end of its last table, which can lie past the segment's length, so a
 * frame hidden in the bytes after (in a comment, say) is one it reads. Entropy-coded data is
 * skipped to the next marker, which is where geotiff's scan decoding stops too (it refuses a
 * marker inside the data).
 */
export function assertBoundedJpeg(data: Uint8Array, block: JpegBlockLimits | null): void {
  const what = block ? `JPEG ${block.kind}` : 'JPEGTables';
  // Bytes past the end read as 0, as in geotiff.
  const u16 = (at: number): number => (data[at] << 8) | data[at + 1];
  if (u16(0) !== 0xffd8) throw new Error(`${what} does not start with an SOI marker`);
  let offset = 2;
  let frames = 0;
  let scans = 0;
  let marker = u16(offset);
  offset += 2;
  while (marker !== 0xffd9) {
    if ((marker >= 0xffe0 && marker <= 0xffef) || marker === 0xfffe) {
      // APPn, COM: the segment, as far as the data reaches.
      const length = u16(offset);
      offset += 2;
      offset += Math.max(0, Math.min(offset + length - 2, data.length) - Math.min(offset, data.length));
    } else if (marker === 0xffdb) {
      // DQT: whole tables until the segment's end is reached.
      const end = offset + u16(offset);
      offset += 2;
      while (offset < end) {
        const precision = data[offset++] >> 4;
        if (precision === 0) offset += 64;
        else if (precision === 1) offset += 128;
        else throw new Error(`${what}: invalid quantization table`);
      }
    } else if (marker >= 0xffc0 && marker <= 0xffc2) {
      // SOF0 to SOF2; the segment length is not read.
      if (!block) throw new Error('JPEGTables hold a frame');
      if (++frames > 1) throw new Error(`${what} holds more than one frame`);
      const height = u16(offset + 3);
      const width = u16(offset + 5);
      const components = data[offset + 7];
      offset += 8;
      if (!(width >= 1 && width <= block.tileWidth && height >= 1 && height <= block.tileHeight)) {
        throw new Error(`JPEG frame of ${width} × ${height} pixels in a ${block.kind} of ${block.tileWidth} × ${block.tileHeight}`);
      }
      // It fills its block's width, and a tile's height (a last strip may be shorter): geotiff
      // read a narrower one past its end ("Offset is outside the bounds of the DataView").
      if (width !== block.tileWidth || (block.kind === 'tile' && height !== block.tileHeight)) {
        throw new Error(`JPEG frame of ${width} × ${height} pixels does not fill its ${block.kind} of ${block.tileWidth} × ${block.tileHeight}`);
      }
      // Every block costs at least 2 bits in a sequential scan (a DC code and an AC code) and 1 in
      // a progressive DC scan. geotiff allocates the frame before reading any, and decodes past
      // the end of the data as zeros, so a few bytes claiming the whole block cost 15 times its
      // pixels (4096 × 4096 from 8 kB: 270 MB).
      const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
      if (blocks * (marker === 0xffc2 ? 1 : 2) > 8 * data.length) {
        throw new Error(`JPEG frame of ${width} × ${height} pixels (${blocks} blocks) cannot be coded in ${data.length} bytes`);
      }
      if (!(components >= 1 && components <= block.samplesPerBlock)) {
        throw new Error(`JPEG frame of ${components ?? 0} components in a ${block.kind} of ${block.samplesPerBlock} sample${block.samplesPerBlock === 1 ? '' : 's'} a pixel`);
      }
      for (let i = 0; i < components; i++, offset += 3) {
        const h = data[offset + 1] >> 4;
        const v = data[offset + 1] & 15;
        if (!(h >= 1 && h <= 4 && v >= 1 && v <= 4)) throw new Error(`JPEG component sampled ${h} × ${v} (1 to 4 each)`);
      }
    } else if (marker === 0xffc4) {
      // DHT: whole tables until the segment's length is reached.
      const length = u16(offset);
      offset += 2;
      for (let i = 2; i < length; ) {
        offset++;
        let codes = 0;
        for (let j = 0; j < 16; j++) codes += data[offset + j] ?? 0;
        offset += 16 + codes;
        i += 17 + codes;
      }
    } else if (marker === 0xffdd) {
      offset += 4;
    } else if (marker === 0xffda) {
      // SOS: the header by its fields, then the entropy-coded data up to the next marker (byte
      // stuffing, restart markers and fill bytes are part of it).
      if (!block) throw new Error('JPEGTables hold a scan');
      if (frames === 0) throw new Error(`${what}: a scan before its frame`);
      if (++scans > MAX_JPEG_SCANS) throw new Error(`${what} holds more than ${MAX_JPEG_SCANS} scans`);
      offset += 2;
      offset += 1 + 2 * (data[offset] ?? 0) + 3;
      while (offset < data.length) {
        const next = data[offset + 1];
        if (data[offset] !== 0xff) offset++;
        else if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) offset += 2;
        else if (next === 0xff) offset++;
        else break;
      }
      if (offset >= data.length) return;
    } else if (marker === 0xffff) {
      if (data[offset] !== 0xff) offset--;
    } else if (marker !== 0xff00) {
      // geotiff steps back onto a marker whose 0xFF it took as the end of the previous segment.
      if (!(data[offset - 3] === 0xff && data[offset - 2] >= 0xc0 && data[offset - 2] <= 0xfe)) throw new Error(`${what}: unknown marker ${marker.toString(16)}`);
      offset -= 3;
    }
    marker = u16(offset);
    offset += 2;
  }
}

/** geotiff's JPEG decoder, reading only blocks (and tables) that `assertBoundedJpeg` passes. */
export function boundedJpegDecoder(GeotiffJpeg: typeof BaseDecoder): typeof BaseDecoder {
  return class BoundedJpegDecoder extends BaseDecoder {
    private readonly inner: BaseDecoder;
    constructor(parameters: ConstructorParameters<typeof BaseDecoder>[0]) {
      super(parameters);
      const tables = (parameters as unknown as JpegBlockLimits).JPEGTables;
      // geotiff parses the tables here, as a stream of their own.
      if (tables !== undefined) {
        if (!(tables instanceof Uint8Array)) throw new Error('JPEGTables (tag 347) is not a byte array');
        assertBoundedJpeg(tables, null);
      }
      this.inner = new GeotiffJpeg(parameters);
    }
    override decodeBlock(buffer: ArrayBufferLike): Promise<ArrayBufferLike> | ArrayBufferLike {
      assertBoundedJpeg(new Uint8Array(buffer), this.parameters as unknown as JpegBlockLimits);
      return this.inner.decodeBlock(buffer);
    }
  };
}
