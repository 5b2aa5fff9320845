// Reads the binary frames written by ui/live/frames.py: "BLF1", header length (uint32 LE),
// JSON header padded to 8 bytes, then raw arrays referenced as {"$": [offset, length, dtype, shape]}.
const TYPES = {
  u8: Uint8Array, u16: Uint16Array, u32: Uint32Array,
  i8: Int8Array, i16: Int16Array, i32: Int32Array, f32: Float32Array,
};
const text = new TextDecoder();

// Frames over a few kB come deflated ("BLZ1" + zlib stream): the grids of a live view compress well.
export async function unpack(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.length < 8) return null;
  if (text.decode(bytes.subarray(0, 4)) !== 'BLZ1') return decode(bytes);
  const stream = new Blob([bytes.subarray(4)]).stream().pipeThrough(new DecompressionStream('deflate'));
  return decode(new Uint8Array(await new Response(stream).arrayBuffer()));
}

export function decode(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.length < 8) return null;
  if (text.decode(bytes.subarray(0, 4)) !== 'BLF1') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(4, true);
  const header = JSON.parse(text.decode(bytes.subarray(8, 8 + n)));
  const base = 8 + n;
  const restore = (value) => {
    if (Array.isArray(value)) return value.map(restore);
    if (value && typeof value === 'object') {
      if (Array.isArray(value.$) && Object.keys(value).length === 1) {
        const [offset, length, dtype, shape] = value.$;
        // a copy: typed arrays need aligned offsets, and the payload buffer is Streamlit's
        const copy = bytes.slice(base + offset, base + offset + length);
        const array = new TYPES[dtype](copy.buffer);
        array.shape = shape;
        return array;
      }
      const out = {};
      for (const [k, v] of Object.entries(value)) out[k] = restore(v);
      return out;
    }
    return value;
  };
  return restore(header);
}
