/** The options `call` and `replay` share: which bus, and which method on which object (node:util parseArgs shape). */
export const CALL_TARGET_OPTIONS = {
  session: { type: 'boolean' },
  system: { type: 'boolean' },
  address: { type: 'string' },
  dest: { type: 'string' },
  path: { type: 'string' },
  interface: { type: 'string' },
  method: { type: 'string' },
  signature: { type: 'string' },
} as const;
