/**
 * A random version-4 UUID for one order attempt. From `crypto.getRandomValues`, which a
 * browser offers on any origin (`crypto.randomUUID` only on secure ones, and the app may be
 * opened at a LAN address over plain HTTP); on a device, react-native-get-random-values
 * provides it.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
