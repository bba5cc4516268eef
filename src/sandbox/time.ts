// Cloudpods' time formats (timeutils.FullIsoTime): UTC with six fraction digits.

/** `2026-12-01T19:13:48.123000Z`, for token times. */
export const isoMicro = (ms: number): string => new Date(ms).toISOString().replace("Z", "000Z");

/** `2026-12-01T19:13:48.000000Z`: database columns have whole seconds. */
export const isoSeconds = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d+Z$/, ".000000Z");
