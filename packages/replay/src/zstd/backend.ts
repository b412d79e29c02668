/**
 * Backend selection for the zstd layer (spec: shared/spec/dbn-format.md §10; the measurements behind the
 * choice are in bench/ZSTD-CHOICE.md).
 *
 * - `native`: libzstd through the `zstd-napi` Node-API binding (an optional dependency, built from the zstd
 *   sources it bundles). Loaded lazily with a `require` made by `module.createRequire`, only when running on
 *   Node.js, so browser bundles never see it.
 * - `fallback`: pure JavaScript decompression (`fzstd`) plus WebAssembly compression (`@bokuweb/zstd-wasm`,
 *   loaded asynchronously by {@link loadZstd}). Needs no Node.js API.
 *
 * The only module state is the lazily created, cached backend handles below.
 *
 * @module
 */

import { ZstdError } from './errors.js';

/** A zstd backend: libzstd through Node-API, or the portable JavaScript/WebAssembly fallback. */
export type ZstdBackendName = 'native' | 'fallback';

/** Which backend to use: `auto` picks `native` when its binding loads, else `fallback`. */
export type ZstdBackendChoice = 'auto' | ZstdBackendName;

/** Backend selection, accepted by every zstd entry point. */
export interface ZstdBackendOptions {
  /** Backend to use; default `auto`. Forcing `native` where it cannot load throws `backend-unavailable`. */
  readonly backend?: ZstdBackendChoice | undefined;
}

/** Tuple returned by zstd-napi's streaming calls: [libzstd return value, bytes written, bytes read]. */
export type NativeStreamResult = [returnValue: number, dstProduced: number, srcConsumed: number];

/** The part of zstd-napi's low-level binding (`zstd-napi/binding`) this layer uses. */
export interface NativeBinding {
  readonly DCtx: new () => {
    decompressStream(dst: Uint8Array, src: Uint8Array): NativeStreamResult;
    setParameter(param: number, value: number): void;
  };
  readonly CCtx: new () => {
    compress2(dst: Uint8Array, src: Uint8Array): number;
    compressStream2(dst: Uint8Array, src: Uint8Array, endOp: number): NativeStreamResult;
    setParameter(param: number, value: number): void;
  };
  readonly CParameter: { readonly compressionLevel: number; readonly checksumFlag: number };
  readonly DParameter: { readonly windowLogMax: number };
  readonly EndDirective: { readonly continue: number; readonly end: number };
  compressBound(size: number): number;
  versionString(): string;
}

/** The part of `@bokuweb/zstd-wasm` this layer uses. */
export interface WasmCompressor {
  compress(bytes: Uint8Array, level: number): Uint8Array;
}

interface NativeHandle {
  readonly binding: NativeBinding | undefined;
  readonly error: unknown;
}

/** Lazily created, cached backend handles (the module's only state). */
const handles: {
  native?: NativeHandle;
  wasm?: WasmCompressor;
  wasmLoading?: Promise<WasmCompressor>;
} = {};

type NodeRequire = (id: string) => unknown;

interface NodeProcessLike {
  readonly versions?: { readonly node?: string };
  readonly getBuiltinModule?: (id: string) => unknown;
}

/** A CommonJS `require` resolving from this file, or undefined when not on Node.js. */
function nodeRequire(): NodeRequire | undefined {
  const proc = (globalThis as { process?: NodeProcessLike }).process;
  if (typeof proc?.versions?.node !== 'string') return undefined;
  // import.meta.url is empty in the CommonJS build, where the module-scoped require below exists instead.
  const url: unknown = import.meta.url;
  if (typeof proc.getBuiltinModule === 'function' && typeof url === 'string') {
    const mod = proc.getBuiltinModule('node:module') as { createRequire?: (from: string) => NodeRequire } | undefined;
    if (typeof mod?.createRequire === 'function') return mod.createRequire(url);
  }
  if (typeof require === 'function') return require as NodeRequire;
  return undefined;
}

function isNativeBinding(value: unknown): value is NativeBinding {
  const b = value as Partial<NativeBinding> | null;
  return typeof b?.DCtx === 'function' && typeof b.CCtx === 'function' && typeof b.compressBound === 'function';
}

function nativeHandle(): NativeHandle {
  if (handles.native === undefined) {
    try {
      const req = nodeRequire();
      if (req === undefined) {
        handles.native = { binding: undefined, error: new Error('not running on Node.js') };
      } else {
        const binding = req('zstd-napi/binding');
        handles.native = isNativeBinding(binding)
          ? { binding, error: undefined }
          : { binding: undefined, error: new Error('zstd-napi/binding does not have the expected shape') };
      }
    } catch (error) {
      handles.native = { binding: undefined, error };
    }
  }
  return handles.native;
}

/**
 * The backend that `auto` selects in this runtime: `native` when the zstd-napi binding loads (tried once,
 * lazily), else `fallback`.
 *
 * @example
 * ```ts
 * console.log(`zstd backend: ${zstdBackend()}`); // 'native' on Node.js with zstd-napi built
 * ```
 */
export function zstdBackend(): ZstdBackendName {
  return nativeHandle().binding !== undefined ? 'native' : 'fallback';
}

/** @internal Resolves a backend choice, throwing `backend-unavailable` when `native` is forced but absent. */
export function resolveBackend(choice: ZstdBackendChoice | undefined): ZstdBackendName {
  if (choice === undefined || choice === 'auto') return zstdBackend();
  if (choice === 'fallback') return 'fallback';
  if (choice === 'native') {
    nativeBinding();
    return 'native';
  }
  throw new ZstdError(
    'invalid-argument',
    `unknown zstd backend ${JSON.stringify(choice)}: use 'auto', 'native' or 'fallback'`,
  );
}

/** @internal The native binding, or a `backend-unavailable` error saying why it did not load. */
export function nativeBinding(): NativeBinding {
  const handle = nativeHandle();
  if (handle.binding !== undefined) return handle.binding;
  const why = handle.error instanceof Error ? handle.error.message : String(handle.error);
  throw new ZstdError(
    'backend-unavailable',
    `the native zstd binding (zstd-napi) is not available: ${why}. Install zstd-napi (it builds libzstd from source with node-gyp; npm 11 needs it in allowScripts) or use backend 'fallback'`,
    -1,
    { cause: handle.error },
  );
}

/** @internal The loaded WebAssembly compressor, or a `backend-unavailable` error telling to call loadZstd. */
export function wasmCompressor(): WasmCompressor {
  if (handles.wasm !== undefined) return handles.wasm;
  throw new ZstdError(
    'backend-unavailable',
    'the fallback zstd compressor is WebAssembly and loads asynchronously: call `await loadZstd()` once before compressing (decompression needs no loading)',
  );
}

function pickWasmApi(mod: unknown): (WasmCompressor & { init(): Promise<void> }) | undefined {
  type Api = Partial<WasmCompressor & { init(): Promise<void> }>;
  for (const candidate of [mod as Api | undefined, (mod as { default?: Api } | undefined)?.default]) {
    if (typeof candidate?.compress === 'function' && typeof candidate.init === 'function') {
      return candidate as WasmCompressor & { init(): Promise<void> };
    }
  }
  return undefined;
}

async function loadWasmCompressor(): Promise<WasmCompressor> {
  if (handles.wasm !== undefined) return handles.wasm;
  handles.wasmLoading ??= (async () => {
    const api = pickWasmApi(await import('@bokuweb/zstd-wasm'));
    if (api === undefined) throw new Error('@bokuweb/zstd-wasm does not export init() and compress()');
    await api.init();
    const compressor: WasmCompressor = { compress: (bytes, level) => api.compress(bytes, level) };
    handles.wasm = compressor;
    return compressor;
  })();
  try {
    return await handles.wasmLoading;
  } catch (error) {
    delete handles.wasmLoading;
    throw new ZstdError(
      'backend-unavailable',
      `the fallback zstd compressor (@bokuweb/zstd-wasm) did not load: ${error instanceof Error ? error.message : String(error)}`,
      -1,
      { cause: error },
    );
  }
}

/**
 * Makes zstd compression ready and tells which backend `options.backend` resolves to. With the native backend
 * this resolves at once; with the fallback it loads the WebAssembly compressor (once; later calls reuse it).
 * Decompression never needs this call. In a browser, call it once before the first `compress` or
 * `createZstdCompressor`.
 *
 * @param options - backend to prepare; default `auto`
 * @returns the backend that compression with the same options will use
 *
 * @example
 * ```ts
 * await loadZstd(); // no-op on Node.js with zstd-napi; loads WebAssembly in a browser
 * const packed = compress(bytes);
 * ```
 */
export async function loadZstd(options?: ZstdBackendOptions): Promise<ZstdBackendName> {
  const name = resolveBackend(options?.backend);
  if (name === 'fallback') await loadWasmCompressor();
  return name;
}
