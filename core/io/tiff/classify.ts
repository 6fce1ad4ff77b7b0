import type { ByteSource } from '../byteSource.js';

/** Decides whether a TIFF is an ion-image stack or an SEM image. (placeholder, being written) */
export async function classifyTiff(source: ByteSource): Promise<'sims-stack' | 'sem'> {
  return /\.ome\.tiff?$/i.test(source.name) ? 'sims-stack' : 'sem';
}
