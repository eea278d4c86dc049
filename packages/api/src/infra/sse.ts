/**
 * The Server-Sent Events dialect of tRPC 11 (read from its `sseStreamProducer`), spoken by the data
 * plane so that `httpSubscriptionLink` cannot tell it from tRPC's own: every frame is its fields
 * followed by a blank line and one more newline. (The headers are tRPC's own `sseHeaders`.)
 */

/** A tracked value: `data` is the JSON of the value, `id` its tracked id. */
export const trackedFrame = (id: string, json: string) => `data: ${json}\nid: ${id}\n\n\n`;

export const connectedFrame = (clientOptions: object) =>
  `event: connected\ndata: ${JSON.stringify(clientOptions)}\n\n\n`;

export const pingFrame = 'event: ping\ndata: \n\n\n';

export const serializedErrorFrame = (errorShape: unknown) =>
  `event: serialized-error\ndata: ${JSON.stringify(errorShape)}\n\n\n`;
