import { DDSketch } from '@datadog/sketches-js';

/**
 * Every stored sketch uses this accuracy: sketches merge only when their mappings match, so changing it needs a
 * migration of the stored bytes. 1 %: a reported p95 of 200 ms means the exact p95 lies within 198–202 ms.
 */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

export function newSketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
}

/** A stored sketch (DDSketch protobuf); an empty byte string is the empty sketch. */
export function decodeSketch(bytes: Uint8Array): DDSketch {
  if (bytes.length === 0) return newSketch();
  return DDSketch.fromProto(bytes);
}

export function encodeSketch(sketch: DDSketch): Uint8Array {
  return sketch.toProto();
}

/** The quantile in ms, 0 for an empty sketch. */
export function quantile(sketch: DDSketch, q: number): number {
  return sketch.count === 0 ? 0 : sketch.getValueAtQuantile(q);
}
