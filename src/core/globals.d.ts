// The few web-standard globals the core uses, as Node 20 and browsers both have them (WHATWG Encoding, Web Crypto).
// Only tsconfig.core.json reads this file: it checks the core with ES2022 alone, without Node's or the DOM's types,
// so a Node or DOM global used in src/core fails to compile. Add a global here only if both runtimes have it.

interface TextDecodeOptions {
  stream?: boolean;
}

interface TextDecoder {
  readonly encoding: string;
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;
  decode(input?: ArrayBufferView | ArrayBuffer, options?: TextDecodeOptions): string;
}

declare var TextDecoder: {
  prototype: TextDecoder;
  new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder;
};

interface TextEncoder {
  readonly encoding: string;
  encode(input?: string): Uint8Array<ArrayBuffer>;
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}

declare var TextEncoder: {
  prototype: TextEncoder;
  new (): TextEncoder;
};

interface Crypto {
  getRandomValues<T extends ArrayBufferView | null>(array: T): T;
}

declare var crypto: Crypto;

// HTML timers (WindowOrWorkerGlobalScope; Node has them too): the reading pool's time limit per file. The handle is
// opaque: a number in browsers, an object in Node.
type TimerHandle = { readonly __timer: unique symbol } | number;
declare function setTimeout(handler: () => void, ms?: number): TimerHandle;
declare function clearTimeout(handle: TimerHandle | undefined): void;
