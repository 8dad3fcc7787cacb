// Web-standard globals that Workers, browsers and Node 20 all provide. The core may use these and
// nothing else from its host (see shared/tsconfig.json, which leaves out the DOM and Node types).
declare function btoa(data: string): string;
declare function atob(data: string): string;
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}
declare const console: {
  log(...a: unknown[]): void;
  warn(...a: unknown[]): void;
  error(...a: unknown[]): void;
};
declare const performance: { now(): number };
